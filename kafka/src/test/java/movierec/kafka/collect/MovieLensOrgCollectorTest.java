package movierec.kafka.collect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static movierec.kafka.collect.CollectFixtures.allMessages;
import static movierec.kafka.collect.CollectFixtures.recordingPolicy;
import static movierec.kafka.collect.CollectFixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import movierec.common.MovieEvent;
import movierec.kafka.collect.CollectFixtures.ListSink;
import movierec.kafka.collect.CollectFixtures.Progress;
import movierec.kafka.collect.CollectSummary.StopReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensOrgCollectorTest {
    static final String USER = "alice-SECRET-user";
    static final String PASSWORD = "pw-SECRET-789";
    static final String SESSIONS = "/api/sessions";
    static final String EXPLORE = "/api/movies/explore";
    static final String LOGIN_FAILED = "movielens.org login failed: check MOVIELENS_USERNAME/MOVIELENS_PASSWORD";

    static WireMockServer server;

    @TempDir
    Path dir;

    Path cursor;
    final List<Duration> waits = new ArrayList<>();
    final ListSink sink = new ListSink();
    final Progress progress = new Progress();

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
        cursor = dir.resolve("movielens.cursor");
        // Login answers only the right credentials, and sets the session cookie.
        server.stubFor(post(urlPathEqualTo(SESSIONS))
                .atPriority(1)
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("{\"userName\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}"))
                .willReturn(okJson("{\"status\":\"success\"}")
                        .withHeader("Set-Cookie", "ml4_session=abc123; Path=/; HttpOnly")));
        server.stubFor(post(urlPathEqualTo(SESSIONS))
                .atPriority(10)
                .willReturn(
                        aResponse().withStatus(401).withBody("{\"status\":\"fail\",\"message\":\"bad credentials\"}")));
        // Without the session cookie, explore is refused as movielens.org does.
        server.stubFor(get(urlPathEqualTo(EXPLORE))
                .atPriority(10)
                .willReturn(aResponse()
                        .withStatus(401)
                        .withBody("{\"status\":\"error\",\"message\":\"authenticated user required\"}")));
    }

    MovieLensOrgCollector collector() {
        return new MovieLensOrgCollector(server.baseUrl(), USER, PASSWORD, cursor, recordingPolicy(waits));
    }

    /** An explore page of minimal valid movies, wrapped as movielens.org does. */
    static String page(int page, int totalPages, long... ids) {
        String results = LongStream.of(ids)
                .mapToObj(id -> """
        {"movieId":%d,"movie":{"movieId":%d,"tmdbMovieId":%d,"title":"Movie %d","releaseDate":"2001-02-03",
         "genres":["Drama"],"languages":["French"],"avgRating":4.0,"numRatings":10,"directors":["D %d"]}}""".formatted(id, id, id + 1000, id, id))
                .collect(Collectors.joining(","));
        return """
        {"status":"success","data":{"searchResults":[%s],
         "pager":{"currentPage":%d,"totalPages":%d,"totalItems":%d,"itemsPerPage":24}}}""".formatted(results, page, totalPages, 24 * totalPages);
    }

    /** Explore page {@code page} answers only when the session cookie is sent. */
    static void stubPage(int page, String body) {
        server.stubFor(get(urlPathEqualTo(EXPLORE))
                .atPriority(1)
                .withQueryParam("page", equalTo(String.valueOf(page)))
                .withCookie("ml4_session", equalTo("abc123"))
                .willReturn(okJson(body)));
    }

    static int requestsForPage(int page) {
        return server.findAll(
                        getRequestedFor(urlPathEqualTo(EXPLORE)).withQueryParam("page", equalTo(String.valueOf(page))))
                .size();
    }

    String cursorText() throws Exception {
        return Files.readString(cursor).trim();
    }

    @Test
    void logsInThenSendsTheSessionCookieWithEveryExploreRequest() throws Exception {
        stubPage(1, page(1, 2, 1, 2));
        stubPage(2, page(2, 2, 3));

        CollectSummary summary = collector().collect(sink, 10, progress.out);

        assertThat(sink.ids()).containsExactly(1L, 2L, 3L);
        assertThat(summary)
                .isEqualTo(
                        new CollectSummary("movielens", 1, 2, 2, 2, 3, 0, Map.of(), Set.of(), StopReason.TOTAL_PAGES));
        server.verify(
                1,
                postRequestedFor(urlPathEqualTo(SESSIONS))
                        .withRequestBody(
                                equalToJson("{\"userName\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}")));
        server.verify(2, getRequestedFor(urlPathEqualTo(EXPLORE)).withCookie("ml4_session", equalTo("abc123")));
        server.verify(0, getRequestedFor(urlPathEqualTo(EXPLORE)).withHeader("Cookie", absent()));
        assertThat(cursorText()).isEqualTo("2");
    }

    @Test
    void mapsWrappedExploreResultsWithExactFieldValues() {
        stubPage(1, resource("movielens-explore-page1.json"));

        CollectSummary summary = collector().collect(sink, 10, progress.out);

        assertThat(sink.events)
                .containsExactly(
                        // avgRating 3.9 of 5 -> vote_average 7.8 of 10; IMAX is no genre; "English" -> "en".
                        new MovieEvent(
                                1L,
                                "Toy Story",
                                "Woody, a good-hearted cowboy doll, is threatened when Buzz Lightyear arrives.",
                                List.of(12, 16, 10751, 35, 14),
                                "en",
                                "1995-11-22",
                                7.8,
                                57309L,
                                null,
                                "/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg",
                                81,
                                "John Lasseter",
                                862L,
                                "movielens"),
                        // Film-Noir -> Crime, TMDB's own spelling "Science Fiction" is understood; the first language
                        // is the original
                        // one (Mandarin -> "zh"); "" texts are unknown, not values.
                        new MovieEvent(
                                60069L,
                                "Hero",
                                null,
                                List.of(80, 878),
                                "zh",
                                null,
                                null,
                                0L,
                                null,
                                null,
                                null,
                                "Zhang Yimou",
                                10681L,
                                "movielens"),
                        // No ISO code for Klingon; no TMDB id; empty directors.
                        new MovieEvent(
                                3L,
                                "Star Trek Fan Film",
                                null,
                                List.of(),
                                null,
                                "2010-05-01",
                                4.5,
                                4L,
                                null,
                                null,
                                null,
                                null,
                                null,
                                "movielens"));
        assertThat(summary)
                .isEqualTo(new CollectSummary(
                        "movielens",
                        1,
                        1,
                        1,
                        1,
                        3,
                        2,
                        Map.of("missing id", 1, "no 'movie' object", 1),
                        Set.of("Sword-and-Sandal"),
                        StopReason.TOTAL_PAGES));
        assertThat(progress.lines())
                .containsExactly(
                        "movielens page 1/1: 3 sent, 2 skipped [result #4: missing id, movie 5: no 'movie' object], "
                                + "unknown genres [Sword-and-Sandal]",
                        "movielens done: 1 page (1..1), 3 movies sent, 2 skipped {missing id=1, no 'movie' object=1}, "
                                + "unknown genres [Sword-and-Sandal]; stopped: reached the last page");
    }

    @Test
    void rejectedLoginIsAClearErrorAndFetchesNothing() {
        MovieLensOrgCollector wrong =
                new MovieLensOrgCollector(server.baseUrl(), USER, "wrong", cursor, recordingPolicy(waits));

        assertThatThrownBy(() -> wrong.collect(sink, 10, progress.out))
                .isInstanceOf(CollectException.class)
                .hasMessage(LOGIN_FAILED);
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo(EXPLORE)))).isEmpty();
        assertThat(waits).isEmpty(); // a rejected login is not retried
        assertThat(cursor).doesNotExist();
    }

    @Test
    void forbiddenLoginIsAClearError() {
        server.stubFor(post(urlPathEqualTo(SESSIONS))
                .atPriority(1)
                .willReturn(aResponse().withStatus(403)));
        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out)).hasMessage(LOGIN_FAILED);
    }

    @Test
    void loginAnsweredWithNonSuccessStatusIsAClearError() {
        server.stubFor(post(urlPathEqualTo(SESSIONS))
                .atPriority(1)
                .willReturn(okJson("{\"status\":\"error\",\"message\":\"account locked\"}")));

        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out))
                .hasMessage(LOGIN_FAILED + " (movielens.org said: account locked)");
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo(EXPLORE)))).isEmpty();
    }

    @Test
    void loginWithoutSessionCookieIsAnError() {
        server.stubFor(post(urlPathEqualTo(SESSIONS)).atPriority(1).willReturn(okJson("{\"status\":\"success\"}")));
        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out))
                .hasMessage("movielens.org login: movielens.org sent no session cookie");
    }

    @Test
    void stopsAtPagerTotalPagesAndResumesFromCursorOnRerun() throws Exception {
        for (int p = 1; p <= 3; p++) stubPage(p, page(p, 3, p));

        CollectSummary first = collector().collect(sink, 2, progress.out);
        assertThat(first)
                .isEqualTo(
                        new CollectSummary("movielens", 1, 2, 2, 3, 2, 0, Map.of(), Set.of(), StopReason.PAGE_LIMIT));
        assertThat(cursorText()).isEqualTo("2");

        CollectSummary second = collector().collect(sink, 2, progress.out);
        assertThat(second)
                .isEqualTo(
                        new CollectSummary("movielens", 3, 3, 1, 3, 1, 0, Map.of(), Set.of(), StopReason.TOTAL_PAGES));
        assertThat(cursorText()).isEqualTo("3");

        assertThat(sink.ids()).containsExactly(1L, 2L, 3L);
        assertThat(requestsForPage(1)).isEqualTo(1);
        assertThat(requestsForPage(4)).isZero();
        assertThat(progress.lines()).contains("movielens page 3/3: 1 sent, 0 skipped");
    }

    @Test
    void retriesLoginAndPagesOn429AndServerErrors() {
        server.stubFor(post(urlPathEqualTo(SESSIONS))
                .atPriority(0)
                .inScenario("login")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("up"));
        server.stubFor(get(urlPathEqualTo(EXPLORE))
                .atPriority(0)
                .inScenario("explore")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3"))
                .willSetStateTo("busy"));
        server.stubFor(get(urlPathEqualTo(EXPLORE))
                .atPriority(0)
                .inScenario("explore")
                .whenScenarioStateIs("busy")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("up"));
        stubPage(1, page(1, 1, 9));

        collector().collect(sink, 10, progress.out);

        assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofSeconds(3), Duration.ofMillis(20));
        assertThat(sink.ids()).containsExactly(9L);
    }

    @Test
    void malformedPageIsAnErrorThatSendsNothingFromItAndKeepsTheCursor() throws Exception {
        stubPage(1, page(1, 3, 1));
        stubPage(2, "{\"status\":\"success\",\"data\":{\"searchResults\":[{\"movieId\":2,\"movie\":{\"movieId\":2,");

        CollectException e =
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 10, progress.out));

        assertThat(e.getMessage()).startsWith("movielens.org page 2: malformed JSON: ");
        assertThat(sink.ids()).containsExactly(1L);
        assertThat(cursorText()).isEqualTo("1");
    }

    @Test
    void pageAnsweredWithErrorStatusIsAnError() throws Exception {
        stubPage(1, page(1, 3, 1));
        stubPage(2, "{\"status\":\"error\",\"message\":\"explore is down\"}");

        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out))
                .hasMessage("movielens.org page 2: movielens.org answered status 'error' explore is down");
        assertThat(cursorText()).isEqualTo("1");
    }

    @Test
    void persistentServerErrorsGiveUpNamingThePage() {
        server.stubFor(get(urlPathEqualTo(EXPLORE))
                .atPriority(0)
                .willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out))
                .hasMessage("movielens.org page 1: giving up after 5 attempts, last HTTP 503 (GET " + server.baseUrl()
                        + "/api/movies/explore?page=1)");
        assertThat(requestsForPage(1)).isEqualTo(5);
        assertThat(cursor).doesNotExist();
    }

    @Test
    void emptySearchResultsStopCleanly() throws Exception {
        stubPage(1, page(1, 9, 1));
        stubPage(
                2,
                "{\"status\":\"success\",\"data\":{\"searchResults\":[],\"pager\":{\"currentPage\":2,\"totalPages\":9}}}");

        CollectSummary summary = collector().collect(sink, 10, progress.out);

        assertThat(summary.stoppedBy()).isEqualTo(StopReason.EMPTY_PAGE);
        assertThat(summary.lastPage()).isEqualTo(1);
        assertThat(cursorText()).isEqualTo("1");
    }

    @Test
    void credentialsNeverAppearInExceptionMessagesOrProgress() {
        List<String> seen = new ArrayList<>();
        stubPage(1, page(1, 5, 1));
        collector().collect(sink, 1, progress.out);
        seen.add(progress.text());
        // The server echoes the credentials in every kind of failure.
        String echo = "{\"status\":\"error\",\"message\":\"no user " + USER + " with password " + PASSWORD + "\"}";
        server.stubFor(get(urlPathEqualTo(EXPLORE))
                .atPriority(0)
                .willReturn(aResponse().withStatus(404).withBody(echo)));
        seen.add(allMessages(
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 1, progress.out))));
        server.stubFor(get(urlPathEqualTo(EXPLORE)).atPriority(0).willReturn(okJson(echo)));
        seen.add(allMessages(
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 1, progress.out))));
        server.stubFor(get(urlPathEqualTo(EXPLORE)).atPriority(0).willReturn(okJson("{" + PASSWORD)));
        seen.add(allMessages(
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 1, progress.out))));
        server.stubFor(post(urlPathEqualTo(SESSIONS)).atPriority(0).willReturn(okJson(echo)));
        seen.add(allMessages(
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 1, progress.out))));
        server.stubFor(post(urlPathEqualTo(SESSIONS))
                .atPriority(0)
                .willReturn(aResponse().withStatus(500).withBody(echo)));
        seen.add(allMessages(
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 1, progress.out))));
        server.stubFor(post(urlPathEqualTo(SESSIONS))
                .atPriority(0)
                .willReturn(aResponse().withStatus(418).withBody(echo)));
        seen.add(allMessages(
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 1, progress.out))));
        seen.add(progress.text());

        assertThat(seen).allSatisfy(text -> assertThat(text).doesNotContain(USER, PASSWORD));
        assertThat(seen.get(1))
                .contains(
                        "movielens.org page 2: HTTP 404 {\"status\":\"error\",\"message\":\"no user *** with password ***\"}");
        assertThat(seen.get(4)).contains(LOGIN_FAILED + " (movielens.org said: no user *** with password ***)");
        assertThat(seen.get(6)).contains("movielens.org login: HTTP 418 ");
    }

    @Test
    void missingCredentialsAreAClearError() {
        assertThatThrownBy(() ->
                        MovieLensOrgCollector.fromEnvironment(Map.of(), null, cursor, RetryingHttp.Policy.DEFAULT))
                .isInstanceOf(CollectException.class)
                .hasMessage("set MOVIELENS_USERNAME and MOVIELENS_PASSWORD");
        assertThatThrownBy(() -> MovieLensOrgCollector.fromEnvironment(
                        Map.of("MOVIELENS_USERNAME", USER), null, cursor, RetryingHttp.Policy.DEFAULT))
                .hasMessage("set MOVIELENS_USERNAME and MOVIELENS_PASSWORD");
    }

    @Test
    void fromEnvironmentReadsBothVariables() {
        stubPage(1, page(1, 1, 4));
        MovieLensOrgCollector.fromEnvironment(
                        Map.of("MOVIELENS_USERNAME", USER, "MOVIELENS_PASSWORD", PASSWORD),
                        server.baseUrl(),
                        cursor,
                        recordingPolicy(waits))
                .collect(sink, 10, progress.out);
        assertThat(sink.ids()).containsExactly(4L);
    }

    @Test
    void mapsLanguageNamesToIsoCodesWithTheJdkLocaleTable() {
        assertThat(MovieLensOrgCollector.languageCode("English")).isEqualTo("en");
        assertThat(MovieLensOrgCollector.languageCode(" french ")).isEqualTo("fr");
        assertThat(MovieLensOrgCollector.languageCode("Japanese")).isEqualTo("ja");
        assertThat(MovieLensOrgCollector.languageCode("Hebrew")).isEqualTo("he"); // not the retired "iw"
        assertThat(MovieLensOrgCollector.languageCode("Indonesian")).isEqualTo("id");
        assertThat(MovieLensOrgCollector.languageCode("Yiddish")).isEqualTo("yi");
        assertThat(MovieLensOrgCollector.languageCode("Cantonese")).isEqualTo("cn");
        assertThat(MovieLensOrgCollector.languageCode("Mandarin")).isEqualTo("zh");
        assertThat(MovieLensOrgCollector.languageCode("Klingon")).isNull();
    }

    @Test
    void mapsMovieLensGenreNamesAndReportsUnknownOnes() {
        Set<String> unknown = new TreeSet<>();
        assertThat(MovieLensOrgCollector.genreIds(
                        List.of(
                                "Sci-Fi",
                                "Science Fiction",
                                "Children",
                                "Family",
                                "IMAX",
                                "(no genres listed)",
                                "Mockumentary"),
                        unknown))
                .containsExactly(878, 10751);
        assertThat(unknown).containsExactly("Mockumentary");
        assertThat(MovieLensOrgCollector.genreIds(null, unknown)).isNull();
    }
}
