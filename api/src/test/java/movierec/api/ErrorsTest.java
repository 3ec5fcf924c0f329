package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import movierec.es.StoreUnavailable;
import movierec.kafka.QueueUnavailable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mapping of failure types to answers, on a Javalin app in this JVM whose routes each throw one. */
class ErrorsTest {
    static Javalin app;

    @BeforeAll
    static void start() {
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(ApiServer.JSON, false));
        });
        app.get("/bad", ctx -> {
            throw new BadQuery("k must be an integer");
        });
        app.get("/missing", ctx -> {
            throw ApiError.notFound("movie 7 not found");
        });
        app.get("/store", ctx -> {
            throw new StoreUnavailable("Elasticsearch is unavailable: refused", new IOException("refused"));
        });
        app.get("/queue", ctx -> {
            throw new QueueUnavailable("Kafka is unavailable: timeout", null);
        });
        // an IOException is no longer taken for an outage: only the types above say what failed
        app.get("/io", ctx -> {
            throw new IOException("a file the handler reads");
        });
        app.get("/bug", ctx -> {
            throw new IllegalStateException("a bug");
        });
        Errors.register(app);
        app.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    static String get(String path, int status) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return r.body();
    }

    @Test
    void eachFailureTypeHasItsAnswer() throws Exception {
        assertThat(get("/bad", 400)).isEqualTo("{\"error\":\"bad_request\",\"message\":\"k must be an integer\"}");
        assertThat(get("/missing", 404)).isEqualTo("{\"error\":\"not_found\",\"message\":\"movie 7 not found\"}");
        assertThat(get("/store", 503))
                .isEqualTo(
                        "{\"error\":\"unavailable\",\"message\":\"Elasticsearch is unavailable; try again shortly\"}");
        assertThat(get("/queue", 503))
                .isEqualTo(
                        "{\"error\":\"unavailable\",\"message\":\"Kafka is unavailable: the rating was not accepted; try again shortly\"}");
        assertThat(get("/io", 500))
                .isEqualTo("{\"error\":\"internal\",\"message\":\"unexpected error; see the API log\"}");
        assertThat(get("/bug", 500))
                .isEqualTo("{\"error\":\"internal\",\"message\":\"unexpected error; see the API log\"}");
        assertThat(get("/nothing-here", 404))
                .isEqualTo("{\"error\":\"http_404\",\"message\":\"Endpoint GET /nothing-here not found\"}");
    }
}
