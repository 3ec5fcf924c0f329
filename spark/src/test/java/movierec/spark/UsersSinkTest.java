package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import movierec.common.NextMovies;
import movierec.es.ModelCache;
import org.junit.jupiter.api.Test;

/** The JSON of the user documents the users query writes: field names of the mapping, absent values left out. */
class UsersSinkTest {
    static final ModelCache.Model NO_MODEL = ModelCache.model("none", Map.of("regParam", 0, "alpha", 0), Map.of());

    @Test
    void aProfileWithoutAModelHasNoVector() {
        assertThat(EsJson.of(UsersSink.document(profile(), NO_MODEL, 2000)))
                .isEqualTo(
                        "{\"user_id\":7,\"rating_count\":1,\"rating_avg\":4.0,\"top_genres\":[\"Drama\"],"
                                + "\"recent_movie_ids\":[5],\"rated_movie_ids\":[5],\"history_ratings\":[4.0],"
                                + "\"last_rated_at\":1000,\"updated_at\":2000,\"dismissed_movie_ids\":[],\"dismissed_genres\":[]}");
    }

    @Test
    void aProfileWithAModelHasTheLiveVectorAndTheModelVersion() {
        // rank 1, one movie with factor 1, no regularisation: the fold-in of any rating of it is exactly 1
        ModelCache.Item heat = new ModelCache.Item(
                5,
                "Heat",
                List.of(),
                new float[] {1, 0},
                new float[] {1},
                new float[0],
                new float[0],
                NextMovies.Row.NONE);
        ModelCache.Model model =
                ModelCache.model("m1", Map.of("rank", 1, "regParam", 0.0, "alpha", 1.0), Map.of(5L, heat));
        assertThat(EsJson.of(UsersSink.document(profile(), model, 2000)))
                .endsWith(
                        ",\"last_rated_at\":1000,\"updated_at\":2000,\"embedding\":[1.0,0.0],\"model_version\":\"m1\","
                                + "\"dismissed_movie_ids\":[],\"dismissed_genres\":[]}");
    }

    @Test
    void aUserWithoutRatingsLeavesTheAverageAndLastRatingTimeOut() {
        assertThat(EsJson.of(UsersSink.document(RatingsByUser.profile(7, Map.of()), NO_MODEL, 2000)))
                .isEqualTo("{\"user_id\":7,\"rating_count\":0,\"top_genres\":[],\"recent_movie_ids\":[],"
                        + "\"rated_movie_ids\":[],\"history_ratings\":[],\"updated_at\":2000,"
                        + "\"dismissed_movie_ids\":[],\"dismissed_genres\":[]}");
    }

    private static RatingsByUser.Profile profile() {
        PairChange rated = new PairChange();
        rated.setUserId(7);
        rated.setMovieId(5);
        rated.setRating(4.0);
        rated.setTimestamp(1000);
        rated.setGenres(List.of("Drama"));
        return RatingsByUser.profile(7, Map.of(5L, rated));
    }
}
