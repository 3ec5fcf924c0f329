package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local Elasticsearch the tests run on is secured as {@code up} secures it: anonymous and wrong-password
 * requests are refused, and each component's user may do what that component does and no more.
 */
class StoreSecurityIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static MovierecConfig config;
    static String movies;

    @BeforeAll
    static void setUp() throws Exception {
        config = TestStack.namespace("storesec_");
        movies = config.index("movies");
    }

    @Test
    void anonymousAndWrongPasswordRequestsAreRefused() throws Exception {
        assertThat(status("GET", "/_cluster/health", null, null)).isEqualTo(401);
        assertThat(status("GET", "/" + movies + "/_search", null, null)).isEqualTo(401);
        assertThat(status("GET", "/_cluster/health", basic("movierec-cli", "not-the-password"), null))
                .isEqualTo(401);
    }

    @Test
    void theApiUserReadsButCannotWriteOrDeleteData() throws Exception {
        String api = as("api");
        assertThat(status("GET", "/" + movies + "/_search", api, null)).isEqualTo(200);
        assertThat(status("PUT", "/" + movies + "/_doc/999001", api, "{\"title\":\"x\"}"))
                .isEqualTo(403);
        assertThat(status("DELETE", "/" + movies, api, null)).isEqualTo(403);
    }

    @Test
    void theStreamUserWritesDocumentsButCannotCreateOrDeleteIndices() throws Exception {
        String stream = as("stream");
        assertThat(status("PUT", "/" + movies + "/_doc/999002?refresh=true", stream, "{\"title\":\"x\"}"))
                .isEqualTo(201);
        assertThat(status("DELETE", "/" + movies + "/_doc/999002", stream, null))
                .isEqualTo(200);
        assertThat(status("PUT", "/" + config.index("created_by_stream"), stream, "{}"))
                .isEqualTo(403);
        assertThat(status("DELETE", "/" + movies, stream, null)).isEqualTo(403);
    }

    @Test
    void theCliUserManagesIndicesButNotSecurity() throws Exception {
        String cli = as("cli");
        String scratch = config.index("scratch");
        assertThat(status("PUT", "/" + scratch, cli, "{}")).isEqualTo(200);
        assertThat(status("DELETE", "/" + scratch, cli, null)).isEqualTo(200);
        assertThat(status("GET", "/_security/user", cli, null)).isEqualTo(403);
    }

    /** The Authorization header the component's client sends (from the local credentials file). */
    static String as(String component) {
        return EsClients.authorization(config.with(Map.of("identity", component)))
                .orElseThrow();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static int status(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.esUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("[it] " + method + " " + path + " -> " + r.statusCode());
        return r.statusCode();
    }
}
