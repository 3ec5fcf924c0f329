package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FoldInTest {
    @Test
    void solvesTheNormalEquationsExactly() {
        // Two items in 2-d; user rated item 0 with 4.0. A = YᵀY + alpha·r·y0y0ᵀ + lambda·1·I, b = (1 + alpha·r)·y0.
        float[] y0 = {1f, 0f};
        float[] y1 = {0f, 2f};
        double[] gram = FoldIn.gram(List.of(y0, y1), 2);
        assertThat(gram).containsExactly(1, 0, 0, 4);
        float[] x = FoldIn.userFactors(gram, 2, List.of(new FoldIn.Rated(y0, 4.0)), 0.5, 1.0);
        // A = [[1 + 4 + 0.5, 0], [0, 4 + 0.5]] ; b = [5, 0]  => x = [5/5.5, 0]
        assertThat(x[0]).isCloseTo((float) (5 / 5.5), within(1e-6f));
        assertThat(x[1]).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void choleskyMatchesAKnownSolution() {
        double[] a = {4, 2, 2, 3};
        double[] x = FoldIn.solveSymmetricPositiveDefinite(a, new double[] {2, 1}, 2);
        assertThat(x[0]).isCloseTo(0.5, within(1e-12));
        assertThat(x[1]).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void recentRatingsWeighMoreThanOldOnes() {
        assertThat(FoldIn.recencyWeight(0, 2, 0.1)).isEqualTo(1.0);
        assertThat(FoldIn.recencyWeight(2, 2, 0.1)).isCloseTo(0.1 + 0.9 * Math.exp(-1), within(1e-12));
        assertThat(FoldIn.recencyWeight(1000, 2, 0.1)).isCloseTo(0.1, within(1e-12));
        assertThat(FoldIn.recencyWeighted(new double[] {4, 4, 5}, 2, 0.1))
                .containsExactly(4 * (0.1 + 0.9 * Math.exp(-1)), 4 * (0.1 + 0.9 * Math.exp(-0.5)), 5.0);
        assertThat(FoldIn.recencyWeight(7, 0, 0.1)).isEqualTo(1.0); // scale 0 turns weighting off
    }

    @Test
    void noRatingsNoVector() {
        assertThat(FoldIn.userFactors(new double[4], 2, List.of(), 0.1, 1)).isNull();
    }
}
