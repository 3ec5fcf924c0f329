package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import movierec.api.ApiKeys;
import movierec.api.ApiServer;
import movierec.api.Scope;
import movierec.common.LocalCredentials;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.it.ApiContractIT.Res;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * API keys and rate limits on the real stack ({@link ApiFixture}): every write endpoint refuses no key, a read key, a
 * bad key and a revoked key with the documented JSON errors and accepts a write key, whose name the rating carries
 * into Kafka and Elasticsearch; reads need a key with {@code api.auth.read=true}; a burst over the limit gets 429 with
 * Retry-After, counted in /api/metrics; and no key this test used, and no password of the local Elasticsearch or
 * Kafka, appears in any log the stack produced.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiSecurityIT {
    /** Users of this range only, so no other test's users are touched. */
    static final long USER = 940_001;

    static final String RATING = "{\"movieId\": 1, \"rating\": 4.5}";

    static final ByteArrayOutputStream OUTPUT = new ByteArrayOutputStream();
    static PrintStream originalOut;
    static PrintStream originalErr;
    static MovierecConfig config;
    static ElasticsearchClient es;
    static ApiKeys keys;
    static String readKey;
    static String writeKey;
    static final List<String> usedKeys = new ArrayList<>();
    static final List<ApiServer> servers = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        // Everything this JVM prints from now on (its loggers write to System.err) is kept for the last test's grep.
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(tee(originalOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(tee(originalErr), true, StandardCharsets.UTF_8));
        config = ApiFixture.config();
        es = EsClients.create(config);
        keys = new ApiKeys(es, config);
        readKey = created("it-reader", Scope.READ);
        writeKey = created("it-writer", Scope.WRITE);
        usedKeys.add(ApiFixture.localKey());
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (ApiServer s : servers) s.close();
        es.close();
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    static OutputStream tee(PrintStream original) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (OUTPUT) {
                    OUTPUT.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (OUTPUT) {
                    OUTPUT.write(b, off, len);
                }
            }
        };
    }

    static String created(String name, Scope scope) throws Exception {
        String key = keys.create(name, scope).key();
        usedKeys.add(key);
        return key;
    }

    // ---- writes ----

    /** The two write endpoints, as method, path, body. */
    static List<String[]> writes(long user) {
        return List.of(
                new String[] {"POST", "/api/users/" + user + "/ratings", RATING},
                new String[] {"DELETE", "/api/users/" + user + "/ratings/1", null});
    }

    @Test
    @Order(1)
    void everyWriteEndpointRefusesNoKeyAReadKeyAndABadKey() throws Exception {
        String base = ApiFixture.baseUrl();
        String alteredSecret = writeKey.substring(0, writeKey.length() - 2) + (writeKey.endsWith("AA") ? "BB" : "AA");
        String unknownId = "mrk_00000000deadbeef" + writeKey.substring(20);
        for (String[] w : writes(USER)) {
            String what = w[0] + " " + w[1];
            Res none = send(base, w[0], w[1], w[2], Map.of());
            refused(none, 401, "unauthorized", what + " without a key");
            assertThat(none.json().path("message").asText())
                    .contains("needs an API key with scope write", "./movierec keys create");
            assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"movierec\"");

            for (Map<String, String> h :
                    List.of(Map.of("Authorization", "Bearer " + readKey), Map.of("X-API-Key", readKey))) {
                Res read = send(base, w[0], w[1], w[2], h);
                refused(read, 403, "forbidden", what + " with a read key in " + h.keySet());
                assertThat(read.json().path("message").asText())
                        .isEqualTo(
                                "API key 'it-reader' has scope read; this request needs write: use a key with scope write or higher");
            }
            for (String bad : List.of("nonsense", alteredSecret, unknownId, writeKey + "x")) {
                Res r = send(base, w[0], w[1], w[2], Map.of("X-API-Key", bad));
                refused(r, 401, "unauthorized", what + " with a bad key");
                assertThat(r.json().path("message").asText())
                        .startsWith("unknown or revoked API key")
                        .doesNotContain(bad);
            }
            Res basic = send(
                    base,
                    w[0],
                    w[1],
                    w[2],
                    Map.of(
                            "Authorization",
                            "Basic " + java.util.Base64.getEncoder().encodeToString(("u:" + writeKey).getBytes())));
            refused(basic, 401, "unauthorized", what + " with Basic auth");
        }
    }

    @Test
    @Order(2)
    void aWriteKeyIsAcceptedAndItsNameTravelsWithTheRating() throws Exception {
        String base = ApiFixture.baseUrl();
        long user = USER + 1;
        Res posted = send(
                base, "POST", "/api/users/" + user + "/ratings", RATING, Map.of("Authorization", "Bearer " + writeKey));
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        Res deleted = send(base, "DELETE", "/api/users/" + user + "/ratings/2", null, Map.of("X-API-Key", writeKey));
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);

        // The rating document's source names the key.
        String id = user + ":1";
        Map<?, ?> doc = null;
        long deadline = System.currentTimeMillis() + 90_000;
        while (doc == null && System.currentTimeMillis() < deadline) {
            @SuppressWarnings("rawtypes")
            GetResponse<Map> r = es.get(g -> g.index(config.index("ratings")).id(id), Map.class);
            if (r.found()) doc = r.source();
            else Thread.sleep(250);
        }
        assertThat(doc).as("rating document %s", id).isNotNull();
        assertThat(doc.get("source")).isEqualTo("it-writer");
        assertThat(doc.get("rating")).isEqualTo(4.5);

        // Both events carry the key's name as a Kafka header, and as their source.
        List<ConsumerRecord<String, byte[]>> events = eventsOf(user, 2);
        for (ConsumerRecord<String, byte[]> e : events) {
            Header h = e.headers().lastHeader(EventProducer.API_KEY_NAME_HEADER);
            assertThat(h)
                    .as(
                            "header %s on %s",
                            EventProducer.API_KEY_NAME_HEADER, new String(e.value(), StandardCharsets.UTF_8))
                    .isNotNull();
            assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("it-writer");
            assertThat(new String(e.value(), StandardCharsets.UTF_8)).contains("\"source\":\"it-writer\"");
        }
        assertThat(events)
                .extracting(e -> new String(e.value(), StandardCharsets.UTF_8))
                .anyMatch(v -> v.contains("\"deleted\":true"));
    }

    /** The user's events on the ratings topic, read from the start until {@code n} arrived. */
    static List<ConsumerRecord<String, byte[]>> eventsOf(long user, int n) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = TestStack.consumer(
                TestStack.as(config, "stream"),
                config.topic(Topics.RATINGS),
                StringDeserializer.class,
                ByteArrayDeserializer.class)) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < n && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500)))
                    if (String.valueOf(user).equals(r.key())) out.add(r);
            }
        }
        assertThat(out).as("events of user %d on the ratings topic", user).hasSize(n);
        return out;
    }

    @Test
    @Order(3)
    void aRevokedKeyIsRefused() throws Exception {
        String base = ApiFixture.baseUrl();
        // Revoked before its first use: refused at once.
        String early = created("it-revoked-early", Scope.WRITE);
        assertThat(keys.revoke("it-revoked-early")).isEqualTo(1);
        for (String[] w : writes(USER + 2))
            refused(send(base, w[0], w[1], w[2], Map.of("X-API-Key", early)), 401, "unauthorized", "a revoked key");

        // Revoked while in use: every API process refuses it once its cached copy expires (api.auth.cache.ms).
        String used = created("it-revoked", Scope.WRITE);
        String[] post = writes(USER + 2).get(0);
        assertThat(send(base, post[0], post[1], post[2], Map.of("X-API-Key", used))
                        .status())
                .isEqualTo(202);
        assertThat(keys.revoke("it-revoked")).isEqualTo(1);
        long revokedAt = System.currentTimeMillis();
        long cacheMs = config.getInt("api.auth.cache.ms");
        Res r = send(base, post[0], post[1], post[2], Map.of("X-API-Key", used));
        while (r.status() == 202 && System.currentTimeMillis() - revokedAt < cacheMs + 5_000) {
            Thread.sleep(200);
            r = send(base, post[0], post[1], post[2], Map.of("X-API-Key", used));
        }
        long tookMs = System.currentTimeMillis() - revokedAt;
        refused(r, 401, "unauthorized", "a key revoked while in use, after " + tookMs + " ms");
        assertThat(tookMs).as("ms until the revoked key was refused").isLessThanOrEqualTo(cacheMs + 1_000);
        for (String[] w : writes(USER + 2))
            refused(
                    send(base, w[0], w[1], w[2], Map.of("Authorization", "Bearer " + used)),
                    401,
                    "unauthorized",
                    "revoked");
    }

    // ---- reads ----

    @Test
    @Order(4)
    void readsNeedAKeyWhenClosed() throws Exception {
        String base = server(Map.of("api.auth.read", "true"));
        String[][] reads = {
            {"GET", "/api/movies/1", null},
            {"GET", "/api/users/1/recommendations?k=3", null},
            {"GET", "/api/movies/search?q=toy", null},
            {"GET", "/api/users/1", null},
            {"GET", "/api/metrics", null},
            {"GET", "/api/dashboard/charts", null},
            {"POST", "/api/recommendations", "{\"ratings\": [{\"movieId\": 1, \"rating\": 5}], \"k\": 3}"}
        };
        for (String[] q : reads) {
            String what = q[0] + " " + q[1];
            Res none = send(base, q[0], q[1], q[2], Map.of());
            refused(none, 401, "unauthorized", what + " without a key, reads closed");
            assertThat(none.json().path("message").asText()).contains("needs an API key with scope read");
            for (String key : List.of(readKey, writeKey))
                assertThat(send(base, q[0], q[1], q[2], Map.of("X-API-Key", key))
                                .status())
                        .as(what)
                        .isEqualTo(200);
        }
        for (String open :
                List.of("/api/health", "/api/openapi.json", "/", "/app.js", "/dashboard", "/api/local-key")) {
            assertThat(send(base, "GET", open, null, Map.of()).status())
                    .as("GET %s without a key, reads closed", open)
                    .isEqualTo(200);
        }
        refused(
                send(base, "POST", "/api/users/" + USER + "/ratings", RATING, Map.of("X-API-Key", readKey)),
                403,
                "forbidden",
                "a read key on a write");
        // The same server with reads open (the default) answers without a key: the fixture's server.
        assertThat(send(ApiFixture.baseUrl(), "GET", "/api/movies/1", null, Map.of())
                        .status())
                .isEqualTo(200);
    }

    // ---- rate limits ----

    @Test
    @Order(5)
    void aBurstOverTheLimitGets429WithRetryAfterAndIsCounted() throws Exception {
        String base = server(Map.of(
                "api.rate.key.per.second",
                "1",
                "api.rate.key.burst",
                "5",
                "api.rate.address.per.second",
                "1",
                "api.rate.address.burst",
                "3"));
        long t0 = System.nanoTime();
        int ok = 0;
        Res limited = null;
        for (int i = 0; i < 30 && limited == null; i++) {
            Res r = send(base, "GET", "/api/movies/1", null, Map.of("X-API-Key", readKey));
            if (r.status() == 429) limited = r;
            else if (r.status() == 200) ok++;
            else throw new AssertionError("GET /api/movies/1 -> " + r.status() + " " + r.body());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(limited).as("a 429 within 30 requests at burst 5").isNotNull();
        assertThat(ok)
                .as("requests served before the 429 in %.1f s (burst 5, 1 a second)", seconds)
                .isBetween(5, 5 + (int) Math.ceil(seconds));
        refused(limited, 429, "rate_limited", "over the key's burst");
        int retryAfter = Integer.parseInt(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(1, 2);
        assertThat(limited.json().path("message").asText())
                .isEqualTo("too many requests for this API key (1 a second, bursts of 5): retry after " + retryAfter
                        + " s");
        // another key has its own bucket
        assertThat(send(base, "GET", "/api/movies/1", null, Map.of("X-API-Key", writeKey))
                        .status())
                .isEqualTo(200);

        // without a key: the client address's bucket (burst 3); a bad key spends it too
        Res byAddress = null;
        for (int i = 0; i < 30 && byAddress == null; i++) {
            Res r = send(base, "GET", "/api/movies/1", null, i % 2 == 0 ? Map.of() : Map.of("X-API-Key", "nonsense"));
            if (r.status() == 429) byAddress = r;
        }
        assertThat(byAddress)
                .as("a 429 within 30 requests without a key at burst 3")
                .isNotNull();
        refused(byAddress, 429, "rate_limited", "over the address's burst");
        assertThat(byAddress.json().path("message").asText())
                .startsWith("too many requests for this client address (1 a second, bursts of 3)");

        Thread.sleep(retryAfter * 1000L + 100);
        assertThat(send(base, "GET", "/api/movies/1", null, Map.of("X-API-Key", readKey))
                        .status())
                .as("after Retry-After")
                .isEqualTo(200);

        String metrics = send(base, "GET", "/api/metrics", null, Map.of("X-API-Key", writeKey))
                .body();
        assertThat(counter(metrics, "movierec_rate_limited_total{bucket=\"key\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(counter(metrics, "movierec_rate_limited_total{bucket=\"address\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(counter(metrics, "movierec_auth_refused_total{status=\"401\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(metrics)
                .contains(
                        "movierec_http_requests_total{method=\"GET\",route=\"refused\",status=\"429\"}",
                        "movierec_http_requests_total{method=\"GET\",route=\"refused\",status=\"401\"}");
        for (String key : usedKeys) assertThat(metrics).doesNotContain(key, secret(key));
    }

    static long counter(String metrics, String series) {
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToLong(l -> Long.parseLong(l.substring(series.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(series + " not in /api/metrics"));
    }

    // ---- logs ----

    @Test
    @Order(6)
    void noKeyAppearsInTheLogs() throws Exception {
        StringBuilder logs = new StringBuilder();
        synchronized (OUTPUT) {
            logs.append(OUTPUT.toString(StandardCharsets.UTF_8));
        }
        assertThat(logs).as("this test's own output is captured").contains("[it]");
        List<Path> files;
        try (Stream<Path> s = Stream.concat(
                Files.walk(config.dataDir().resolve("logs")),
                Files.walk(config.dataDir().resolve("elasticsearch/logs")))) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files)
                .as("the stack's logs (Kafka, Elasticsearch, the stream job)")
                .isNotEmpty();
        for (Path f : files) logs.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        for (String key : usedKeys) {
            assertThat(logs.indexOf(secret(key)))
                    .as("a key's secret in the logs (%d keys checked)", usedKeys.size())
                    .isEqualTo(-1);
        }
        List<String> passwords =
                LocalCredentials.read(config.dataDir()).orElseThrow().passwords();
        for (String password : passwords) {
            assertThat(logs.indexOf(password))
                    .as("an Elasticsearch or Kafka password in the logs (%d checked)", passwords.size())
                    .isEqualTo(-1);
        }
    }

    // ---- helpers ----

    /** A second API server on the fixture's data with some settings changed; closed after the class. */
    static String server(Map<String, String> settings) {
        ApiServer s = new ApiServer(config.with(settings)).start("127.0.0.1", 0);
        servers.add(s);
        System.out.println("[it] API with " + settings + " on port " + s.port());
        return "http://127.0.0.1:" + s.port();
    }

    /** The secret part of a key ("mrk_" + 16 hex digits + "_" + secret). */
    static String secret(String key) {
        return key.substring(21);
    }

    static Res send(String base, String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        headers.forEach(b::header);
        HttpResponse<String> r = ApiContractIT.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Res(r.statusCode(), r.body(), r);
    }

    /** The status and error code, a JSON body the OpenAPI document describes for the operation, and no key in it. */
    static void refused(Res r, int status, String error, String what) throws Exception {
        assertThat(r.status()).as("%s -> %s", what, r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(what).startsWith("application/json");
        assertThat(r.json().path("error").asText()).as(what).isEqualTo(error);
        OpenApiValidator api = ApiContractIT.api();
        String path = r.raw().request().uri().getPath();
        String template = api.template(path);
        assertThat(template).as("documented path for %s", path).isNotNull();
        assertThat(api.checkResponse(
                        r.raw().request().method(), template, r.status(), r.header("Content-Type"), r.body()))
                .as(what)
                .isEmpty();
        for (String key : usedKeys) assertThat(r.body()).as(what).doesNotContain(secret(key));
    }
}
