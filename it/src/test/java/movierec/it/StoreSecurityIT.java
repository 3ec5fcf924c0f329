package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.util.Base64;
import java.util.Map;
import movierec.common.LocalCredentials;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local Elasticsearch the tests run on is secured as {@code up} secures it: HTTPS only, with a certificate the
 * clients verify against the local CA; anonymous and wrong-password requests are refused; each component's user may
 * do what that component does and no more.
 */
class StoreSecurityIT {
    static HttpClient http;
    static MovierecConfig config;
    static String movies;

    @BeforeAll
    static void setUp() throws Exception {
        config = TestStack.namespace("storesec_");
        movies = config.index("movies");
        http = EsClients.http(config);
    }

    @Test
    void itSpeaksOnlyHttpsWithTheLocalCertificate() throws Exception {
        assertThat(config.esUrl()).startsWith("https://127.0.0.1:");
        String path = config.esUrl().substring("https://".length()) + "/_cluster/health";
        // plain HTTP on the same port: Elasticsearch closes the connection
        assertThatThrownBy(() -> HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://" + path))
                                        .build(),
                                BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        // the JDK's own CAs do not know the local CA: the certificate is verified, not just accepted
        assertThatThrownBy(() -> HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("https://" + path))
                                        .build(),
                                BodyHandlers.ofString()))
                .hasRootCauseInstanceOf(CertPathBuilderException.class);
        assertThat(status("GET", "/_cluster/health", as("cli"), null)).isEqualTo(200);
    }

    @Test
    void kibanaHasItsOwnUserAndAPersonSignsInAsTheCliUser() throws Exception {
        String kibana = basic(
                "movierec-kibana",
                LocalCredentials.read(config.dataDir()).orElseThrow().password("es", LocalCredentials.ES_KIBANA));
        assertThat(body("/_security/_authenticate", kibana)).contains("\"kibana_system\"");
        assertThat(body("/_security/_authenticate", as("cli"))).contains("\"kibana_admin\"", "\"movierec_cli\"");
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

    static String body(String path, String authorization) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(config.esUrl() + path))
                        .header("Authorization", authorization)
                        .build(),
                BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return r.body();
    }

    static int status(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.esUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) b.header("Authorization", authorization);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("[it] " + method + " " + path + " -> " + r.statusCode());
        return r.statusCode();
    }
}
