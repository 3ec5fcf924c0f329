package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON of the documents the ratings query writes: field names of the mappings, absent values left out. */
class RatingsSinkTest {
    @Test
    void aRatingDocumentHasThePairsFields() {
        assertThat(EsJson.of(RatingsSink.ratingDocument(pair(List.of("Drama", "Comedy"), "api:local"))))
                .isEqualTo("{\"user_id\":7,\"movie_id\":42,\"rating\":4.5,\"timestamp\":1700000000000,"
                        + "\"genres\":[\"Drama\",\"Comedy\"],\"source\":\"api:local\"}");
    }

    @Test
    void aRatingWithoutSourceLeavesItOutAndHasNoGenresAsAnEmptyList() {
        assertThat(EsJson.of(RatingsSink.ratingDocument(pair(null, null))))
                .isEqualTo("{\"user_id\":7,\"movie_id\":42,\"rating\":4.5,\"timestamp\":1700000000000,\"genres\":[]}");
    }

    @Test
    void statisticsAreTheWholeValues() {
        RatingsByMovie.Emitted stats = RatingsByMovie.Emitted.stats(42, new MovieStats(2, 7.5, 1700000000000L));
        assertThat(EsJson.of(RatingsSink.statsDocument(stats)))
                .isEqualTo(
                        "{\"rating_count\":2,\"rating_sum\":7.5,\"rating_avg\":3.75,\"last_rated_at\":1700000000000}");
    }

    @Test
    void statisticsWithoutRatingsClearTheAverageAndLastRatingTime() {
        // null, not left out: the partial update must not keep the last (say, erased) rating's average and time
        RatingsByMovie.Emitted stats = RatingsByMovie.Emitted.stats(42, new MovieStats());
        assertThat(EsJson.of(RatingsSink.statsDocument(stats)))
                .isEqualTo("{\"rating_count\":0,\"rating_sum\":0.0,\"rating_avg\":null,\"last_rated_at\":null}");
    }

    private static PairChange pair(List<String> genres, String source) {
        PairChange p = new PairChange();
        p.setUserId(7);
        p.setMovieId(42);
        p.setRating(4.5);
        p.setTimestamp(1700000000000L);
        p.setOffset(3);
        p.setGenres(genres);
        p.setSource(source);
        return p;
    }
}
