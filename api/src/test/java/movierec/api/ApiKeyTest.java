package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeyTest {
    @Test
    void anIssuedKeyVerifiesAgainstItsRecordAndTheRecordHoldsNoSecret() {
        ApiKey.Issued issued = ApiKey.issue("shop-frontend", Scope.WRITE, 1000);
        ApiKey record = issued.record();
        assertThat(issued.key()).startsWith("mrk_" + record.id() + "_");
        assertThat(record.matches(issued.key())).isTrue();
        String secret = issued.key().substring(("mrk_" + record.id() + "_").length());
        assertThat(secret).hasSize(43); // 32 random bytes, base64url
        assertThat(record.hash()).doesNotContain(secret);
        assertThat(record.salt()).doesNotContain(secret);
        assertThat(record.toString())
                .doesNotContain(secret, record.hash(), record.salt())
                .contains("shop-frontend", "write");
        assertThat(ApiKey.idOf(issued.key())).isEqualTo(record.id());
    }

    @Test
    void theSameSecretHashesDifferentlyUnderAnotherSalt() {
        ApiKey a = ApiKey.issue("a", Scope.READ, 0).record();
        ApiKey b = ApiKey.issue("b", Scope.READ, 0).record();
        assertThat(a.salt()).isNotEqualTo(b.salt());
        assertThat(ApiKey.hash(a.salt(), "same secret")).isNotEqualTo(ApiKey.hash(b.salt(), "same secret"));
        assertThat(ApiKey.hash(a.salt(), "same secret")).isEqualTo(ApiKey.hash(a.salt(), "same secret"));
    }

    @Test
    void aChangedSecretOrAnotherKeysIdDoesNotVerify() {
        ApiKey.Issued issued = ApiKey.issue("k", Scope.WRITE, 0);
        String key = issued.key();
        char last = key.charAt(key.length() - 1);
        assertThat(issued.record().matches(key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A')))
                .isFalse();
        assertThat(issued.record().matches(key + "x")).isFalse();
        assertThat(issued.record().matches(key.substring(0, key.length() - 1))).isFalse();
        ApiKey.Issued other = ApiKey.issue("other", Scope.WRITE, 0);
        assertThat(issued.record().matches(other.key())).isFalse();
        // the other key's secret under this key's id
        assertThat(issued.record()
                        .matches("mrk_" + issued.record().id() + other.key().substring(20)))
                .isFalse();
    }

    @Test
    void onlyKeysShapedLikeOursHaveAnId() {
        assertThat(ApiKey.idOf(null)).isNull();
        assertThat(ApiKey.idOf("")).isNull();
        assertThat(ApiKey.idOf("Bearer mrk_0123456789abcdef_secret")).isNull();
        assertThat(ApiKey.idOf("mrk_0123456789abcdef")).isNull();
        assertThat(ApiKey.idOf("mrk_0123456789abcdef_")).isNull();
        assertThat(ApiKey.idOf("mrk_0123456789abcdeX_secret")).isNull();
        assertThat(ApiKey.idOf("mrk_0123456789ABCDEF_secret")).isNull();
        assertThat(ApiKey.idOf("mrk_0123456789abcdef-secret")).isNull();
        assertThat(ApiKey.idOf("xyz_0123456789abcdef_secret")).isNull();
        assertThat(ApiKey.idOf("mrk_0123456789abcdef_s")).isEqualTo("0123456789abcdef");
    }

    @Test
    void namesArePlainAndShort() {
        for (String ok : new String[] {"local", "shop-frontend", "a", "ios_app.v2", "A1", "x".repeat(64)})
            ApiKey.checkName(ok);
        for (String bad :
                new String[] {"", " ", "-x", ".x", "has space", "semi;colon", "x".repeat(65), "ключ", "a/b", "a\nb"}) {
            assertThatThrownBy(() -> ApiKey.checkName(bad))
                    .as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 to 64 letters");
        }
        assertThatThrownBy(() -> ApiKey.checkName(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
