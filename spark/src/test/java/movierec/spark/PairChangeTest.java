package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code ratings.pairs} message: every kind of change survives the binary form, and JSON records still read. */
class PairChangeTest {
    @Test
    void aRatingWithItsGenresAndSourceSurvivesTheBinaryForm() {
        PairChange p = change(123456789012L, 4993, 4.5);
        p.setSource("movielens");
        p.setGenres(List.of("Adventure", "Fantasy", "Science Fiction"));
        assertSame(PairChange.decode(p.encode()), p);
    }

    @Test
    void aRetractionADismissalAndAnErasureKeepWhichFieldsAreUnset() {
        PairChange retraction = change(7, 50, null);
        assertSame(PairChange.decode(retraction.encode()), retraction);
        assertThat(PairChange.decode(retraction.encode()).getRating()).isNull();

        PairChange undone = change(7, 0, null);
        undone.setDismissed(false);
        undone.setDismissedGenre("Comédie musicale"); // non-ASCII survives
        PairChange read = PairChange.decode(undone.encode());
        assertSame(read, undone);
        assertThat(read.getDismissed()).isFalse();
        assertThat(read.dismissalKey()).isEqualTo("gComédie musicale");

        PairChange erasure = change(7, RatingsByMovie.ERASURES, null);
        erasure.setErase(true);
        assertSame(PairChange.decode(erasure.encode()), erasure);
        assertThat(PairChange.decode(erasure.encode()).id()).isEqualTo("7:erase");
    }

    @Test
    void jsonRecordsWrittenByEarlierVersionsStillRead() throws Exception {
        PairChange p = change(42, 318, 5.0);
        p.setSource("api");
        p.setGenres(List.of("Crime", "Drama"));
        byte[] json = new ObjectMapper().writeValueAsBytes(p);
        assertThat(json[0]).isEqualTo((byte) '{');
        assertSame(PairChange.decode(json), p);
    }

    @Test
    void anUnknownOrTruncatedRecordIsRefusedNotMisread() {
        byte[] good = change(1, 2, 3.0).encode();
        assertThatThrownBy(() -> PairChange.decode(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        byte[] other = good.clone();
        other[0] = 9;
        assertThatThrownBy(() -> PairChange.decode(other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown format 9");
    }

    private static PairChange change(long userId, long movieId, Double rating) {
        PairChange p = new PairChange();
        p.setUserId(userId);
        p.setMovieId(movieId);
        p.setRating(rating);
        p.setTimestamp(1_700_000_000_123L);
        p.setPartition(3);
        p.setOffset(987_654_321L);
        p.setProducedAt(1_700_000_001_456L);
        return p;
    }

    private static void assertSame(PairChange read, PairChange written) {
        assertThat(read).usingRecursiveComparison().ignoringFields("genres").isEqualTo(written);
        assertThat(read.getGenres()).isEqualTo(written.getGenres());
    }
}
