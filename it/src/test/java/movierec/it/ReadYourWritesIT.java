package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes through the whole stack: a rating's 202 answer carries a consistency token, and a recommendations
 * request with {@code after=TOKEN} reflects that rating — every time.
 */
class ReadYourWritesIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final int USERS = 50;
    static final int TRIALS_PER_USER = 20;

    record Res(int status, JsonNode json) {}

    static Res call(String method, String path, String body) throws Exception {
        return callWith(ApiFixture.localKey(), method, path, body);
    }

    static Res callWith(String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ApiFixture.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-API-Key", key)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Res(r.statusCode(), JSON.readTree(r.body()));
    }

    static long topItem(JsonNode recs) {
        return recs.path("items").get(0).path("movie").path("id").asLong();
    }

    static List<Long> ids(JsonNode recs) {
        List<Long> out = new ArrayList<>();
        recs.path("items").forEach(i -> out.add(i.path("movie").path("id").asLong()));
        return out;
    }

    /**
     * 1,000 trials, 50 users rating at once (each user one rating at a time): rate the movie at the top of the user's
     * list, then ask again with the token. The rated movie must be gone from that very answer (a user's rated movies
     * are never recommended), the answer must not be stale, and its {@code asOf} must be at or past the token.
     */
    @Test
    void aPostedRatingIsReflectedInTheVeryNextAfterRequest() throws Exception {
        ApiFixture.config();
        List<String> misses = Collections.synchronizedList(new ArrayList<>());
        List<Long> waits = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(USERS);
        List<Future<?>> runs = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            long user = 889_001 + u;
            Random random = new Random(user);
            runs.add(pool.submit(() -> {
                JsonNode recs = call("GET", "/api/users/" + user + "/recommendations?k=10", null)
                        .json();
                for (int t = 0; t < TRIALS_PER_USER; t++) {
                    long movie = topItem(recs);
                    double rating = 0.5 * (1 + random.nextInt(10));
                    Res posted = call(
                            "POST",
                            "/api/users/" + user + "/ratings",
                            "{\"movieId\": " + movie + ", \"rating\": " + rating + "}");
                    assertThat(posted.status()).as(posted.json().toString()).isEqualTo(202);
                    String token = posted.json().path("token").asText();
                    long t0 = System.nanoTime();
                    Res next = call("GET", "/api/users/" + user + "/recommendations?k=10&after=" + token, null);
                    waits.add((System.nanoTime() - t0) / 1_000_000);
                    assertThat(next.status()).isEqualTo(200);
                    recs = next.json();
                    String asOf = recs.path("asOf").path("event").asText();
                    String[] tok = token.split(":");
                    String[] got = asOf.split(":");
                    boolean reflected = !recs.path("stale").asBoolean()
                            && !ids(recs).contains(movie)
                            && got.length == 2
                            && got[0].equals(tok[0])
                            && Long.parseLong(got[1]) >= Long.parseLong(tok[1]);
                    if (!reflected) misses.add("user " + user + " rated " + movie + " (token " + token + "): " + recs);
                }
                return null;
            }));
        }
        for (Future<?> f : runs) f.get();
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(waits);
        Collections.sort(sorted);
        System.out.printf(
                "[read-your-writes] %d trials, %d misses; after= answered in p50 %d ms, p99 %d ms, max %d ms%n",
                sorted.size(),
                misses.size(),
                sorted.get(sorted.size() / 2),
                sorted.get((int) (sorted.size() * 0.99)),
                sorted.get(sorted.size() - 1));
        assertThat(sorted).hasSize(USERS * TRIALS_PER_USER);
        assertThat(misses)
                .as("trials whose next after= answer did not reflect the rating")
                .isEmpty();
    }

    @Test
    void aTokenNotYetAppliedAnswersWhatThereIsMarkedStale() throws Exception {
        long t0 = System.nanoTime();
        Res r = call("GET", "/api/users/1/recommendations?k=3&after=0:999999999999&maxWaitMs=300", null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("stale").asBoolean()).isTrue();
        assertThat(r.json().path("items")).hasSize(3);
        assertThat(ms).as("waited the whole maxWaitMs").isGreaterThanOrEqualTo(300);
    }

    @Test
    void aMalformedTokenOrWaitIsA400NamingIt() throws Exception {
        for (String bad : List.of("abc", "1", "1:", "-1:5", "1:x", "1:2:3")) {
            Res r = call("GET", "/api/users/1/recommendations?after=" + bad, null);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().path("message").asText()).as(bad).contains("after");
        }
        Res r = call("GET", "/api/users/1/recommendations?after=0:0&maxWaitMs=-1", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).contains("maxWaitMs");
    }
}
