package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.kafka.EventProducer;
import org.junit.jupiter.api.Test;

/** Ratings on the ratings topic change that user's recommendations within seconds (live fold-in). */
class LiveRecommendationIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(ApiFixture.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The user's applied ratings: 0 while the profile does not exist yet (404). */
    static int ratingCount(long user) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(ApiFixture.baseUrl() + "/api/users/" + user))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 404
                ? 0
                : JSON.readTree(r.body()).path("ratingCount").asInt();
    }

    static List<Long> ids(JsonNode recs) {
        List<Long> out = new ArrayList<>();
        recs.path("items").forEach(i -> out.add(i.path("movie").path("id").asLong()));
        return out;
    }

    static List<String> titles(JsonNode recs) {
        List<String> out = new ArrayList<>();
        recs.path("items").forEach(i -> out.add(i.path("movie").path("title").asText()));
        return out;
    }

    static long animated(JsonNode recs) {
        long n = 0;
        for (JsonNode i : recs.path("items")) {
            for (JsonNode g : i.path("movie").path("genres")) if (g.asText().equals("Animation")) n++;
        }
        return n;
    }

    @Test
    void ratingsFromTheTopicChangeTheUsersRecommendationsWithinSeconds() throws Exception {
        MovierecConfig c = ApiFixture.config();
        long user = 888001;
        JsonNode before = get("/api/users/" + user + "/recommendations?k=10");
        assertThat(before.path("items")).hasSize(10);
        // Toy Story, Aladdin, The Lion King, Beauty and the Beast, Finding Nemo
        long[] animation = {1, 588, 364, 595, 6377};
        try (EventProducer producer = new EventProducer(c)) {
            long t = System.currentTimeMillis();
            for (long m : animation)
                producer.sendRating(RatingEvent.of(user, m, 5.0, t++, "test")).get();
        }
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode after = before;
        while (System.currentTimeMillis() < deadline) {
            // the five events may land in two batches: judge the list once all five are applied
            if (ratingCount(user) < animation.length) {
                Thread.sleep(250);
                continue;
            }
            after = get("/api/users/" + user + "/recommendations?k=10");
            if (!ids(after).equals(ids(before))
                    && after.path("items").get(0).path("reason").asText().startsWith("because you rated")
                    && animated(after) >= 6) break;
            Thread.sleep(250);
        }
        System.out.println("[live] before: " + titles(before) + "\n[live] after:  " + titles(after));
        assertThat(ids(after)).isNotEqualTo(ids(before));
        assertThat(ids(after)).doesNotContainAnyElementsOf(List.of(1L, 588L, 364L, 595L, 6377L));
        // Five ratings: the genre taste weighs in beside the collaborative halves, so the list turns to Animation.
        assertThat(animated(after))
                .as("Animation films among the recommendations after (before: %d)", animated(before))
                .isGreaterThanOrEqualTo(6)
                .isGreaterThan(animated(before));
        assertThat(after.path("items").get(0).path("reason").asText()).startsWith("because you rated");
        JsonNode profile = get("/api/users/" + user);
        assertThat(profile.path("ratingCount").asInt()).isEqualTo(5);
        assertThat(profile.path("topGenres").get(0).asText()).isIn("Animation", "Family", "Comedy", "Adventure");
    }
}
