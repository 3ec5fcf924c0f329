package movierec.kafka.collect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryingHttpTest {
    static WireMockServer server;
    final List<Duration> waits = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    RetryingHttp http(Duration maxDelay, String... secrets) {
        return new RetryingHttp(
                HttpClient.newHttpClient(),
                new RetryingHttp.Policy(5, Duration.ofMillis(10), maxDelay, waits::add),
                secrets);
    }

    @Test
    void masksTheApiKeyParameterWhereverItStands() {
        assertThat(RetryingHttp.maskUrl(URI.create("http://h/3/x?page=3&api_key=K1")))
                .isEqualTo("http://h/3/x?page=3");
        assertThat(RetryingHttp.maskUrl(URI.create("http://h/3/x?api_key=K1&page=3")))
                .isEqualTo("http://h/3/x?page=3");
        assertThat(RetryingHttp.maskUrl(URI.create("http://h/3/x?a=1&api_key=K1&b=2")))
                .isEqualTo("http://h/3/x?a=1&b=2");
        assertThat(RetryingHttp.maskUrl(URI.create("http://h/3/x?api_key=K1"))).isEqualTo("http://h/3/x");
        assertThat(RetryingHttp.maskUrl(URI.create("http://h/3/x?page=1"))).isEqualTo("http://h/3/x?page=1");
    }

    @Test
    void redactsEverySecretGiven() {
        assertThat(http(Duration.ofSeconds(1), "s3cret", null, "").redact("user s3cret at /x?api_key=s3cret&page=2"))
                .isEqualTo("user *** at /x?page=2");
    }

    @Test
    void backOffDoublesFromTheBaseDelayUpToTheMaximum() {
        RetryingHttp.Policy p = new RetryingHttp.Policy(50, Duration.ofSeconds(1), Duration.ofSeconds(5), d -> {});
        assertThat(List.of(p.backoff(1), p.backoff(2), p.backoff(3), p.backoff(4), p.backoff(49)))
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5));
    }

    @Test
    void retryAfterLongerThanTheMaximumDelayIsCapped() {
        server.stubFor(get(urlPathEqualTo("/x"))
                .inScenario("s")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "86400"))
                .willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo("/x"))
                .inScenario("s")
                .whenScenarioStateIs("ok")
                .willReturn(okJson("{}")));

        int status = http(Duration.ofSeconds(30))
                .send(RetryingHttp.request(URI.create(server.baseUrl() + "/x")).build(), "x")
                .statusCode();

        assertThat(status).isEqualTo(200);
        assertThat(waits).containsExactly(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterAsHttpDateIsHonoured() {
        String in20s = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(20));
        server.stubFor(get(urlPathEqualTo("/x"))
                .inScenario("s")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", in20s))
                .willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo("/x"))
                .inScenario("s")
                .whenScenarioStateIs("ok")
                .willReturn(okJson("{}")));

        http(Duration.ofSeconds(60))
                .send(RetryingHttp.request(URI.create(server.baseUrl() + "/x")).build(), "x");

        // The date has 1 s resolution, so the wait is within a second or so of 20 s.
        assertThat(waits).hasSize(1);
        assertThat(waits.get(0)).isBetween(Duration.ofSeconds(18), Duration.ofSeconds(20));
    }

    @Test
    void otherClientErrorsAreReturnedWithoutRetry() {
        server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse().withStatus(404)));
        assertThat(http(Duration.ofSeconds(1))
                        .send(
                                RetryingHttp.request(URI.create(server.baseUrl() + "/x"))
                                        .build(),
                                "x")
                        .statusCode())
                .isEqualTo(404);
        assertThat(waits).isEmpty();
    }

    @Test
    void networkErrorsAreRetriedWithBackOffThenReported() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI uri = URI.create("http://localhost:" + closedPort + "/3/movie/popular?page=4&api_key=K-SECRET");

        assertThatThrownBy(() -> http(Duration.ofSeconds(1), "K-SECRET")
                        .send(RetryingHttp.request(uri).build(), "TMDB page 4"))
                .isInstanceOf(CollectException.class)
                .hasMessageStartingWith("TMDB page 4: giving up after 5 attempts, last network error ConnectException")
                .hasMessageEndingWith("(GET http://localhost:" + closedPort + "/3/movie/popular?page=4)")
                .hasNoCause();
        assertThat(waits)
                .containsExactly(
                        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(80));
    }
}
