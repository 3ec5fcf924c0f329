package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimilarMoviesTest {
    @Test
    void aMovieHighInEitherListRanksHighAndOneInBothRanksFirst() {
        // kNN list: 10, 20, 30; text list: 40, 20
        List<SimilarMovies.Fused> fused = SimilarMovies.fuse(List.of(List.of(10L, 20L, 30L), List.of(40L, 20L)), 10);
        assertThat(fused).extracting(SimilarMovies.Fused::movieId).containsExactly(20L, 10L, 40L, 30L);
        assertThat(fused.get(0).score()).isCloseTo(1.0 / 62 + 1.0 / 62, within(1e-12));
        assertThat(fused.get(1).score()).isCloseTo(1.0 / 61, within(1e-12));
        assertThat(fused.get(3).score()).isCloseTo(1.0 / 63, within(1e-12));
    }

    @Test
    void eachMovieKeepsTheListItWasFirstFoundInForItsReason() {
        List<SimilarMovies.Fused> fused = SimilarMovies.fuse(List.of(List.of(1L, 2L), List.of(2L, 3L)), 10);
        assertThat(fused).extracting(SimilarMovies.Fused::firstList).containsExactly(0, 0, 1); // 2, 1, 3
    }

    @Test
    void tiesKeepTheOrderFirstSeenAndTheListIsCutAtK() {
        List<SimilarMovies.Fused> fused = SimilarMovies.fuse(List.of(List.of(5L), List.of(7L)), 1);
        assertThat(fused).extracting(SimilarMovies.Fused::movieId).containsExactly(5L);
        assertThat(SimilarMovies.fuse(List.of(List.of(), List.of()), 3)).isEmpty();
    }
}
