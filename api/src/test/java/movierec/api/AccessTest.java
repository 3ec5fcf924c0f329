package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AccessTest {
    @Test
    void writesNeedWriteWhetherReadsAreOpenOrNot() {
        for (boolean closed : new boolean[] {false, true}) {
            assertThat(Access.required("POST", "/api/users/1/ratings", closed)).isEqualTo(Scope.WRITE);
            assertThat(Access.required("POST", "/api/users/1/ratings/", closed)).isEqualTo(Scope.WRITE);
            assertThat(Access.required("DELETE", "/api/users/1/ratings/5", closed))
                    .isEqualTo(Scope.WRITE);
            // fail-closed: any other method, on any path, including routes that do not exist (yet)
            assertThat(Access.required("PUT", "/api/users/1/ratings", closed)).isEqualTo(Scope.WRITE);
            assertThat(Access.required("PATCH", "/api/movies/1", closed)).isEqualTo(Scope.WRITE);
            assertThat(Access.required("POST", "/api/models/reload", closed)).isEqualTo(Scope.WRITE);
            assertThat(Access.required("POST", "/api/recommendations/x", closed))
                    .isEqualTo(Scope.WRITE);
            assertThat(Access.required("POST", "/api/health", closed)).isEqualTo(Scope.WRITE);
            assertThat(Access.required("TRACE", "/", closed)).isEqualTo(Scope.WRITE);
        }
    }

    @Test
    void aUsersErasureAndItsProgressNeedAdmin() {
        for (boolean closed : new boolean[] {false, true}) {
            assertThat(Access.required("DELETE", "/api/users/1", closed)).isEqualTo(Scope.ADMIN);
            assertThat(Access.required("DELETE", "/api/users/1/", closed)).isEqualTo(Scope.ADMIN);
            assertThat(Access.required("GET", "/api/users/1/erasure", closed)).isEqualTo(Scope.ADMIN);
            assertThat(Access.required("POST", "/api/users/1/erasure", closed)).isEqualTo(Scope.ADMIN);
            // the profile stays a read
            assertThat(Access.required("GET", "/api/users/1", closed)).isEqualTo(closed ? Scope.READ : null);
        }
    }

    @Test
    void readsAreOpenByDefaultAndNeedReadWhenClosed() {
        for (String[] r : new String[][] {
            {"GET", "/api/movies/1"},
            {"GET", "/api/users/1/recommendations"},
            {"GET", "/api/movies/search"},
            {"HEAD", "/api/users/1"},
            {"POST", "/api/recommendations"},
            {"POST", "/api/recommendations/"},
            {"GET", "/api/metrics"},
            {"GET", "/api/dashboard/charts"},
            {"GET", "/api/nope"}
        }) {
            assertThat(Access.required(r[0], r[1], false))
                    .as("%s %s, reads open", r[0], r[1])
                    .isNull();
            assertThat(Access.required(r[0], r[1], true))
                    .as("%s %s, reads closed", r[0], r[1])
                    .isEqualTo(Scope.READ);
        }
    }

    @Test
    void healthTheDocumentAndTheStaticPagesStayOpen() {
        for (String p : new String[] {
            "/api/health",
            "/api/openapi.json",
            "/api/docs",
            "/api/local-key",
            "/",
            "/index.html",
            "/app.js",
            "/dashboard",
            "/docs.html",
            "/vendor/vega.min.js",
            "/api"
        }) {
            assertThat(Access.required("GET", p, true)).as(p).isNull();
        }
    }

    @Test
    void scopesIncludeTheLowerOnes() {
        assertThat(Scope.ADMIN.allows(Scope.WRITE)).isTrue();
        assertThat(Scope.ADMIN.allows(Scope.READ)).isTrue();
        assertThat(Scope.WRITE.allows(Scope.READ)).isTrue();
        assertThat(Scope.WRITE.allows(Scope.WRITE)).isTrue();
        assertThat(Scope.WRITE.allows(Scope.ADMIN)).isFalse();
        assertThat(Scope.READ.allows(Scope.WRITE)).isFalse();
        assertThat(Scope.parse(" Write ")).isEqualTo(Scope.WRITE);
        assertThatThrownBy(() -> Scope.parse("root")).hasMessage("unknown scope 'root': use read, write or admin");
    }
}
