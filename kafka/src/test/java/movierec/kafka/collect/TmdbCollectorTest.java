package movierec.kafka.collect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
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

class TmdbCollectorTest {
    static final String KEY = "k-SECRET-123";
    static final String TOKEN = "tok-SECRET-456";
    static final String POPULAR = "/3/movie/popular";

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
        server.stubFor(get(urlPathEqualTo("/3/genre/movie/list")).willReturn(okJson(resource("tmdb-genres.json"))));
        cursor = dir.resolve("state/tmdb.cursor");
    }

    TmdbCollector collector() {
        return new TmdbCollector(server.baseUrl(), KEY, null, cursor, recordingPolicy(waits));
    }

    /** A TMDB page of minimal valid movies with the given ids. */
    static String page(int page, int totalPages, long... ids) {
        String results =
                LongStream.of(ids).mapToObj(id -> """
        {"id":%d,"title":"Movie %d","genre_ids":[28],"original_language":"en","release_date":"2020-01-01",
         "vote_average":7.5,"vote_count":10,"popularity":1.5,"poster_path":"/p%d.jpg","overview":"o"}""".formatted(id, id, id)).collect(Collectors.joining(","));
        return """
        {"page":%d,"results":[%s],"total_pages":%d,"total_results":%d}""".formatted(page, results, totalPages, 20 * totalPages);
    }

    static void stubPage(int page, String body) {
        server.stubFor(get(urlPathEqualTo(POPULAR))
                .withQueryParam("page", equalTo(String.valueOf(page)))
                .willReturn(okJson(body)));
    }

    static int requestsForPage(int page) {
        return server.findAll(
                        getRequestedFor(urlPathEqualTo(POPULAR)).withQueryParam("page", equalTo(String.valueOf(page))))
                .size();
    }

    String cursorText() throws Exception {
        return Files.readString(cursor).trim();
    }

    @Test
    void mapsPopularResultsToMovieEventsAndSkipsInvalidOnesWithReasons() {
        stubPage(1, resource("tmdb-popular-page1.json"));

        CollectSummary summary = collector().collect(sink, 10, progress.out);

        assertThat(sink.events)
                .containsExactly(
                        new MovieEvent(
                                550L,
                                "Fight Club",
                                "A ticking-time-bomb insomniac and a slippery soap salesman channel primal male aggression into a shocking new form of therapy.",
                                List.of(18, 53, 35),
                                "en",
                                "1999-10-15",
                                8.438,
                                26280L,
                                73.433,
                                "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
                                null,
                                null,
                                550L,
                                "tmdb"),
                        // "" overview and release_date become null: the source does not know them.
                        new MovieEvent(
                                1184918L,
                                "Untitled Anime Project",
                                null,
                                List.of(99999, 16),
                                "ja",
                                null,
                                0.0,
                                0L,
                                12.5,
                                null,
                                null,
                                null,
                                1184918L,
                                "tmdb"));
        assertThat(summary)
                .isEqualTo(new CollectSummary(
                        "tmdb",
                        1,
                        1,
                        1,
                        1,
                        2,
                        3,
                        Map.of(
                                "vote_average must be between 0 and 10, got 11.5",
                                1,
                                "release_date must be YYYY-MM-DD, got '2024-13-45'",
                                1,
                                "id is not an integer",
                                1),
                        Set.of("99999"),
                        StopReason.TOTAL_PAGES));
        assertThat(progress.lines())
                .containsExactly(
                        "tmdb page 1/1: 2 sent, 3 skipped [movie 777: vote_average must be between 0 and 10, got 11.5, movie 778: release_date must be YYYY-MM-DD, got "
                                + "'2024-13-45', result #5: id is not an integer], unknown genres [99999]",
                        "tmdb done: 1 page (1..1), 2 movies sent, 3 skipped {vote_average must be between 0 and 10, got 11.5=1, release_date must be YYYY-MM-DD, got "
                                + "'2024-13-45'=1, id is not an integer=1}, unknown genres [99999]; stopped: reached the last page");
    }

    @Test
    void keepsTheGenreTableLoadedFromTmdb() {
        stubPage(1, page(1, 1, 1));
        TmdbCollector c = collector();
        c.collect(sink, 1, progress.out);
        assertThat(c.genres()).hasSize(19).containsEntry(878, "Science Fiction").containsEntry(10770, "TV Movie");
    }

    @Test
    void pagesAcrossSeveralPagesAndStopsAtTotalPages() throws Exception {
        stubPage(1, page(1, 3, 11, 12));
        stubPage(2, page(2, 3, 21, 22));
        stubPage(3, page(3, 3, 31));

        CollectSummary summary = collector().collect(sink, 100, progress.out);

        assertThat(sink.ids()).containsExactly(11L, 12L, 21L, 22L, 31L);
        assertThat(sink.flushedAt).containsExactly(2, 4, 5); // one flush per page, after its sends
        assertThat(summary)
                .isEqualTo(new CollectSummary("tmdb", 1, 3, 3, 3, 5, 0, Map.of(), Set.of(), StopReason.TOTAL_PAGES));
        assertThat(cursorText()).isEqualTo("3");
        assertThat(requestsForPage(4)).isZero();
        assertThat(progress.lines())
                .containsExactly(
                        "tmdb page 1/3: 2 sent, 0 skipped",
                        "tmdb page 2/3: 2 sent, 0 skipped",
                        "tmdb page 3/3: 1 sent, 0 skipped",
                        "tmdb done: 3 pages (1..3), 5 movies sent, 0 skipped; stopped: reached the last page");
    }

    @Test
    void resumesFromCursorOnRerun() throws Exception {
        for (int p = 1; p <= 5; p++) stubPage(p, page(p, 5, p * 10L));

        CollectSummary first = collector().collect(sink, 2, progress.out);
        assertThat(first)
                .isEqualTo(new CollectSummary("tmdb", 1, 2, 2, 5, 2, 0, Map.of(), Set.of(), StopReason.PAGE_LIMIT));
        assertThat(cursorText()).isEqualTo("2");

        CollectSummary second = collector().collect(sink, 2, progress.out);
        assertThat(second)
                .isEqualTo(new CollectSummary("tmdb", 3, 4, 2, 5, 2, 0, Map.of(), Set.of(), StopReason.PAGE_LIMIT));
        assertThat(cursorText()).isEqualTo("4");

        assertThat(sink.ids()).containsExactly(10L, 20L, 30L, 40L);
        assertThat(requestsForPage(1)).isEqualTo(1);
        assertThat(requestsForPage(2)).isEqualTo(1);
        assertThat(requestsForPage(5)).isZero();
    }

    @Test
    void stopsAtTmdbPageCapOf500EvenWhenTotalPagesIsLarger() throws Exception {
        // Any page answers, claiming 600 pages; start near the cap (cursor 497) so the test stays fast.
        server.stubFor(get(urlPathEqualTo(POPULAR)).willReturn(okJson(page(1, 600, 7))));
        Files.createDirectories(cursor.getParent());
        Files.writeString(cursor, "497\n");

        CollectSummary summary = collector().collect(sink, 1000, progress.out);

        assertThat(summary)
                .isEqualTo(new CollectSummary("tmdb", 498, 500, 3, 600, 3, 0, Map.of(), Set.of(), StopReason.PAGE_CAP));
        assertThat(requestsForPage(498) + requestsForPage(499) + requestsForPage(500))
                .isEqualTo(3);
        assertThat(requestsForPage(501)).isZero();
        assertThat(cursorText()).isEqualTo("500");
        assertThat(progress.lines()).first().isEqualTo("tmdb page 498/500: 1 sent, 0 skipped");

        // Re-run at the cap: nothing to do, not even the genre list is fetched.
        server.resetRequests();
        CollectSummary again = collector().collect(sink, 1000, progress.out);
        assertThat(again)
                .isEqualTo(
                        new CollectSummary("tmdb", 501, 500, 0, null, 0, 0, Map.of(), Set.of(), StopReason.PAGE_CAP));
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void waitsForRetryAfterOn429ThenSucceeds() {
        server.stubFor(get(urlPathEqualTo(POPULAR))
                .inScenario("rate")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7"))
                .willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(POPULAR))
                .inScenario("rate")
                .whenScenarioStateIs("ok")
                .willReturn(okJson(page(1, 1, 5))));

        CollectSummary summary = collector().collect(sink, 10, progress.out);

        assertThat(waits).containsExactly(Duration.ofSeconds(7));
        assertThat(sink.ids()).containsExactly(5L);
        assertThat(summary.stoppedBy()).isEqualTo(StopReason.TOTAL_PAGES);
        assertThat(requestsForPage(1)).isEqualTo(2);
    }

    @Test
    void backsOffExponentiallyOnServerErrorsThenSucceeds() {
        server.stubFor(get(urlPathEqualTo(POPULAR))
                .inScenario("flaky")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("second"));
        server.stubFor(get(urlPathEqualTo(POPULAR))
                .inScenario("flaky")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo(POPULAR))
                .inScenario("flaky")
                .whenScenarioStateIs("ok")
                .willReturn(okJson(page(1, 1, 5))));

        collector().collect(sink, 10, progress.out);

        assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
        assertThat(sink.ids()).containsExactly(5L);
    }

    @Test
    void givesUpAfterFiveAttemptsOnPersistentServerErrorsWithoutAdvancingCursor() throws Exception {
        stubPage(1, page(1, 3, 1));
        server.stubFor(get(urlPathEqualTo(POPULAR))
                .withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withStatus(502)));

        CollectException e =
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 10, progress.out));

        assertThat(e)
                .hasMessage("TMDB page 2: giving up after 5 attempts, last HTTP 502 (GET " + server.baseUrl()
                        + "/3/movie/popular?page=2)");
        assertThat(waits)
                .containsExactly(
                        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(80));
        assertThat(requestsForPage(2)).isEqualTo(5);
        assertThat(sink.ids()).containsExactly(1L);
        assertThat(cursorText()).isEqualTo("1");
    }

    @Test
    void rejectedCredentialsAreAClearErrorWithoutRetry() {
        server.stubFor(
                get(urlPathEqualTo("/3/genre/movie/list"))
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withBody(
                                                "{\"status_code\":7,\"status_message\":\"Invalid API key: You must be granted a valid key.\"}")));

        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out))
                .isInstanceOf(CollectException.class)
                .hasMessage("TMDB rejected the credentials (401): check TMDB_API_KEY/TMDB_TOKEN");
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
        assertThat(waits).isEmpty();
        assertThat(cursor).doesNotExist();
    }

    @Test
    void malformedPageIsAnErrorThatSendsNothingFromItAndKeepsTheCursor() throws Exception {
        stubPage(1, page(1, 3, 1));
        // Truncated mid-way: the first result on the page is complete, but nothing of the page may be sent.
        stubPage(2, "{\"page\":2,\"results\":[{\"id\":21,\"title\":\"Movie 21\"},{\"id\":22,");

        CollectException e =
                catchThrowableOfType(CollectException.class, () -> collector().collect(sink, 10, progress.out));

        assertThat(e.getMessage()).startsWith("TMDB page 2: malformed JSON: ");
        assertThat(sink.ids()).containsExactly(1L);
        assertThat(sink.flushedAt).containsExactly(1);
        assertThat(cursorText()).isEqualTo("1");
        assertThat(requestsForPage(2)).isEqualTo(1); // a bad body is not retried: it would come back the same
    }

    @Test
    void pageWithoutResultsArrayIsAnError() {
        stubPage(1, "{\"page\":1,\"total_pages\":3}");
        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out))
                .hasMessage("TMDB page 1: unexpected response: no 'results' array");
        assertThat(cursor).doesNotExist();
    }

    @Test
    void emptyResultsPageStopsCleanly() throws Exception {
        stubPage(1, page(1, 10, 1, 2));
        stubPage(2, "{\"page\":2,\"results\":[],\"total_pages\":10,\"total_results\":200}");

        CollectSummary summary = collector().collect(sink, 100, progress.out);

        assertThat(summary)
                .isEqualTo(new CollectSummary("tmdb", 1, 1, 1, 10, 2, 0, Map.of(), Set.of(), StopReason.EMPTY_PAGE));
        assertThat(cursorText()).isEqualTo("1");
        assertThat(requestsForPage(3)).isZero();
        assertThat(progress.lines()).contains("tmdb page 2: no results");
    }

    @Test
    void failedFlushLeavesTheCursorWhereItWas() {
        stubPage(1, page(1, 3, 1));
        sink.failFlush = true;
        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out)).hasMessage("broker unavailable");
        assertThat(cursor).doesNotExist();
    }

    @Test
    void usesBearerTokenAndNoApiKeyWhenBothAreSet() {
        stubPage(1, page(1, 1, 1));
        new TmdbCollector(server.baseUrl(), KEY, TOKEN, cursor, recordingPolicy(waits)).collect(sink, 10, progress.out);

        server.verify(
                2,
                getRequestedFor(anyUrl())
                        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                        .withQueryParam("api_key", absent()));
        server.verify(
                0, getRequestedFor(anyUrl()).withQueryParam("api_key", absent()).withHeader("Authorization", absent()));
    }

    @Test
    void sendsApiKeyAsQueryParameterWhenNoToken() {
        stubPage(1, page(1, 1, 1));
        collector().collect(sink, 10, progress.out);

        server.verify(getRequestedFor(urlPathEqualTo("/3/genre/movie/list"))
                .withQueryParam("api_key", equalTo(KEY))
                .withHeader("Authorization", absent()));
        server.verify(getRequestedFor(urlPathEqualTo(POPULAR))
                .withQueryParam("page", equalTo("1"))
                .withQueryParam("api_key", equalTo(KEY))
                .withHeader("Authorization", absent()));
    }

    @Test
    void credentialsNeverAppearInExceptionMessagesOrProgress() {
        List<String> seen = new ArrayList<>();
        for (String[] creds : new String[][] {{KEY, null}, {null, TOKEN}}) {
            String secret = creds[0] != null ? creds[0] : creds[1];
            // Success: progress output.
            server.resetAll();
            server.stubFor(get(urlPathEqualTo("/3/genre/movie/list")).willReturn(okJson(resource("tmdb-genres.json"))));
            stubPage(1, page(1, 3, 1));
            // Persistent 5xx on page 2: the message carries the URL.
            server.stubFor(get(urlPathEqualTo(POPULAR))
                    .withQueryParam("page", equalTo("2"))
                    .willReturn(aResponse().withStatus(500)));
            Path c = dir.resolve("c" + seen.size());
            seen.add(allMessages(catchThrowableOfType(
                    CollectException.class,
                    () -> new TmdbCollector(server.baseUrl(), creds[0], creds[1], c, recordingPolicy(waits))
                            .collect(sink, 10, progress.out))));
            // A 404 whose body echoes the credentials.
            server.stubFor(get(urlPathEqualTo(POPULAR))
                    .withQueryParam("page", equalTo("2"))
                    .willReturn(
                            aResponse().withStatus(404).withBody("{\"status_message\":\"unknown " + secret + "\"}")));
            seen.add(allMessages(catchThrowableOfType(
                    CollectException.class,
                    () -> new TmdbCollector(server.baseUrl(), creds[0], creds[1], c, recordingPolicy(waits))
                            .collect(sink, 10, progress.out))));
            // Malformed JSON quoting the credentials.
            stubPage(2, "{\"results\":[" + secret);
            seen.add(allMessages(catchThrowableOfType(
                    CollectException.class,
                    () -> new TmdbCollector(server.baseUrl(), creds[0], creds[1], c, recordingPolicy(waits))
                            .collect(sink, 10, progress.out))));
            // 401.
            server.stubFor(get(urlPathEqualTo(POPULAR)).willReturn(aResponse().withStatus(401)));
            seen.add(allMessages(catchThrowableOfType(
                    CollectException.class,
                    () -> new TmdbCollector(server.baseUrl(), creds[0], creds[1], c, recordingPolicy(waits))
                            .collect(sink, 10, progress.out))));
        }
        seen.add(progress.text());

        assertThat(seen).hasSize(9).allSatisfy(text -> assertThat(text).doesNotContain(KEY, TOKEN, "api_key"));
        assertThat(seen.get(0)).contains("TMDB page 2: giving up after 5 attempts, last HTTP 500");
        assertThat(seen.get(1)).contains("TMDB page 2: HTTP 404 {\"status_message\":\"unknown ***\"}");
        assertThat(seen.get(8)).contains("tmdb page 1/3: 1 sent, 0 skipped");
    }

    @Test
    void missingCredentialsAreAClearError() {
        assertThatThrownBy(() -> TmdbCollector.fromEnvironment(Map.of(), null, cursor, RetryingHttp.Policy.DEFAULT))
                .isInstanceOf(CollectException.class)
                .hasMessage("set TMDB_API_KEY or TMDB_TOKEN");
        assertThatThrownBy(() -> TmdbCollector.fromEnvironment(
                        Map.of("TMDB_API_KEY", " ", "TMDB_TOKEN", ""), null, cursor, RetryingHttp.Policy.DEFAULT))
                .hasMessage("set TMDB_API_KEY or TMDB_TOKEN");
    }

    @Test
    void fromEnvironmentReadsTheTokenVariable() {
        stubPage(1, page(1, 1, 1));
        TmdbCollector.fromEnvironment(
                        Map.of("TMDB_TOKEN", TOKEN), server.baseUrl() + "/", cursor, recordingPolicy(waits))
                .collect(sink, 10, progress.out);
        server.verify(getRequestedFor(urlPathEqualTo(POPULAR)).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void damagedCursorFileIsAnErrorRatherThanARestart() throws Exception {
        Files.createDirectories(cursor.getParent());
        Files.writeString(cursor, "three");
        assertThatThrownBy(() -> collector().collect(sink, 10, progress.out))
                .hasMessage("cursor file " + cursor
                        + " does not hold a page number: 'three' (delete it to start again at page 1)");
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void zeroPageLimitFetchesNothing() {
        CollectSummary summary = collector().collect(sink, 0, progress.out);
        assertThat(summary)
                .isEqualTo(new CollectSummary("tmdb", 1, 0, 0, null, 0, 0, Map.of(), Set.of(), StopReason.PAGE_LIMIT));
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }
}
