package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * For real users of the bundled data, on the real stack (stream job, trained model, API): the contributions
 * {@code /because} lists for a recommended movie add up to the score the movie is served with, and the reason served
 * with it names the largest contribution. The score comes from the user's stored vector (training's), the
 * contributions from a fold-in of their ratings in the ratings index, so this holds the three together.
 */
class ExplanationsIT {
    @Test
    void contributionsAddUpToTheServedScoreAndTheReasonNamesTheLargest() throws Exception {
        int users = 0;
        int items = 0;
        for (long user = 1; user <= 671 && users < 5; user++) {
            JsonNode profile = LiveRecommendationIT.get("/api/users/" + user);
            // /because lists at most 100 contributions: users with more ratings cannot be summed whole
            if (!profile.path("hasVector").asBoolean()
                    || profile.path("ratingCount").asInt() > 100) continue;
            users++;
            for (JsonNode item : LiveRecommendationIT.get("/api/users/" + user + "/recommendations?k=5")
                    .path("items")) {
                long movie = item.path("movie").path("id").asLong();
                JsonNode because = LiveRecommendationIT.get("/api/users/" + user + "/because/" + movie + "?k=100")
                        .path("items");
                assertThat(because.size())
                        .as("user %d rated %s", user, profile.path("ratingCount"))
                        .isEqualTo(profile.path("ratingCount").asInt());
                double sum = 0;
                for (JsonNode c : because) sum += c.path("contribution").asDouble();
                double score = item.path("score").asDouble();
                assertThat(sum)
                        .as("user %d, movie %d", user, movie)
                        .isCloseTo(score, within(2e-3 * Math.max(1, Math.abs(score))));
                JsonNode top = because.get(0);
                assertThat(item.path("reason").asText())
                        .as("user %d, movie %d", user, movie)
                        .isEqualTo(
                                top.path("contribution").asDouble() > 0
                                        ? "because you rated "
                                                + top.path("title").asText()
                                        : "matches your taste");
                items++;
            }
        }
        assertThat(users).isEqualTo(5);
        assertThat(items).isEqualTo(25);
    }
}
