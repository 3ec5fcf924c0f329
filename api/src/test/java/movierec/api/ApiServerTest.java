package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import movierec.common.MovierecConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API in this JVM on a free port, with Elasticsearch and Kafka configured on a port where nothing listens: what
 * it answers before and without them — parameter and body checks, the mapping of an unreachable store to 503, health
 * with the model check's failure, JSON for requests Jetty rejects before routing.
 */
class ApiServerTest {
    static ApiServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    record Res(int status, String contentType, JsonNode json) {}

    @BeforeAll
    static void start() throws IOException {
        int nothing;
        try (ServerSocket s = new ServerSocket(0)) {
            nothing = s.getLocalPort(); // free now, and nothing listens on it while the test runs
        }
        MovierecConfig config = MovierecConfig.load(Path.of("/nonexistent"), Map.of(), new Properties())
                .with(Map.of(
                        "es.port",
                        String.valueOf(nothing),
                        "kafka.port",
                        String.valueOf(nothing),
                        "data.dir",
                        "target/api-server-test"));
        server = new ApiServer(config).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Res call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Res(
                r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), ApiServer.JSON.readTree(r.body()));
    }

    static void assertError(Res r, int status, String error, String message) {
        assertThat(r.status()).as("%s", r.json()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().path("error").asText()).isEqualTo(error);
        assertThat(r.json().path("message").asText()).isEqualTo(message);
    }

    @Test
    void parametersAreCheckedBeforeAnythingIsAsked() throws Exception {
        assertError(
                call("GET", "/api/users/abc/recommendations", null),
                400,
                "bad_request",
                "userId must be a positive integer up to 2147483647, got 'abc'");
        assertError(
                call("GET", "/api/users/1/recommendations?k=0", null),
                400,
                "bad_request",
                "k must be an integer from 1 to 100, got '0'");
        assertError(
                call("GET", "/api/users/1/recommendations?minYear=2000&maxYear=1990", null),
                400,
                "bad_request",
                "minYear must not be after maxYear");
        for (String raw : new String[] {"2", "-0.1", "abc", "NaN", "Infinity", "0x1p-1", "0.5d"}) {
            assertError(
                    call("GET", "/api/users/1/recommendations?diversity=" + raw, null),
                    400,
                    "bad_request",
                    "diversity must be a number from 0 to 1, got '" + raw + "'");
        }
        assertError(
                call("GET", "/api/movies/search", null), 400, "bad_request", "q is required: the text to search for");
        assertError(
                call("GET", "/api/movies/search?q=x&page=101&size=100", null),
                400,
                "bad_request",
                "page × size must not exceed 10000 (Elasticsearch's result window)");
        assertError(
                call("GET", "/api/movies/popular?genre=" + "x".repeat(51), null),
                400,
                "bad_request",
                "genre must be at most 50 characters");
    }

    @Test
    void bodiesAreCheckedBeforeAnythingIsAsked() throws Exception {
        assertError(
                call("POST", "/api/recommendations", "{\"ratings\": []}"),
                400,
                "bad_request",
                "ratings must be an array of 1 to 100 {movieId, rating} objects");
        assertError(
                call("POST", "/api/recommendations", "{\"ratings\": [{\"movieId\": 1, \"rating\": 4.2}]}"),
                400,
                "bad_request",
                "rating must be a multiple of 0.5, got 4.2");
        assertError(
                call("POST", "/api/recommendations", "{\"ratings\": [{\"movieId\": 1, \"rating\": 4}], \"k\": 0}"),
                400,
                "bad_request",
                "k must be an integer from 1 to 100");
        for (String raw : new String[] {"2", "-0.1", "\"0.5\"", "null", "1e400"}) {
            assertError(
                    call(
                            "POST",
                            "/api/recommendations",
                            "{\"ratings\": [{\"movieId\": 1, \"rating\": 4}], \"diversity\": " + raw + "}"),
                    400,
                    "bad_request",
                    "diversity must be a number from 0 to 1");
        }
        assertError(
                call("POST", "/api/recommendations", "not json"), 400, "bad_request", "request body is not valid JSON");
        assertError(
                call("POST", "/api/recommendations", "[1]"), 400, "bad_request", "request body must be a JSON object");
    }

    @Test
    void anUnreachableStoreIs503() throws Exception {
        for (String path : new String[] {
            "/api/movies/1",
            "/api/users/1",
            "/api/users/1/recommendations",
            "/api/movies/popular",
            "/api/movies/search?q=toy",
            "/api/movies/1/similar",
            "/api/users/1/because/2"
        }) {
            assertError(call("GET", path, null), 503, "unavailable", "Elasticsearch is unavailable; try again shortly");
        }
        assertError(
                call("POST", "/api/recommendations", "{\"ratings\": [{\"movieId\": 1, \"rating\": 4}]}"),
                503,
                "unavailable",
                "Elasticsearch is unavailable; try again shortly");
    }

    @Test
    void healthSaysWhyNoModelIsServed() throws Exception {
        Res r = call("GET", "/api/health", null);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().path("status").asText()).isEqualTo("degraded");
        assertThat(r.json().path("model").asText()).isEqualTo("none");
        assertThat(r.json().path("modelError").asText()).startsWith("Elasticsearch is unavailable");
    }

    @Test
    void aRequestJettyRejectsBeforeRoutingGetsJsonToo() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /api/movies/%zz\"x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/json");
            JsonNode body = ApiServer.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
            assertThat(body.path("error").asText()).isEqualTo("bad_request");
            assertThat(body.path("message").asText()).startsWith("malformed request");
        }
    }
}
