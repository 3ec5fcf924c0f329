package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
    void aDismissalShrinksThatItemsScoreByTheShermanMorrisonFactor() {
        Random random = new Random(3);
        List<float[]> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) items.add(gaussian(random, 4));
        double[] gram = FoldIn.gram(items, 4);
        List<FoldIn.Rated> rated = new ArrayList<>();
        for (int i = 0; i < 6; i++) rated.add(new FoldIn.Rated(items.get(i), 1 + i % 5));
        float[] before = FoldIn.userFactors(gram, 4, rated, 0.3, 5);
        // the dismissed item: the best-scored unrated one, as a user would dismiss from the top of their list
        float[] y = items.subList(6, 30).stream()
                .max((a, b) -> Double.compare(Vectors.dot(before, a), Vectors.dot(before, b)))
                .orElseThrow();
        double w = 2;
        float[] after = FoldIn.userFactors(gram, 4, rated, List.of(new FoldIn.Rated(y, w)), 0.3, 5);
        double scoreBefore = Vectors.dot(before, y);
        assertThat(scoreBefore).isPositive();
        // x' = (A + c·y yᵀ)⁻¹ b gives y·x' = y·x / (1 + c·yᵀA⁻¹y), c = alpha·w
        double yAy = Vectors.dot(FoldIn.inverse(gram, 4, rated, 0.3, 5).times(y), y);
        assertThat(Vectors.dot(after, y)).isCloseTo(scoreBefore / (1 + 5 * w * yAy), within(1e-5));
        assertThat(Vectors.dot(after, y)).isLessThan(scoreBefore);
    }

    @Test
    void noDismissalsIsExactlyTheVectorWithout() {
        Random random = new Random(4);
        List<float[]> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) items.add(gaussian(random, 3));
        double[] gram = FoldIn.gram(items, 3);
        List<FoldIn.Rated> rated = List.of(new FoldIn.Rated(items.get(0), 4), new FoldIn.Rated(items.get(1), 0.5));
        assertThat(FoldIn.userFactors(gram, 3, rated, List.of(), 0.1, 8))
                .containsExactly(FoldIn.userFactors(gram, 3, rated, 0.1, 8));
    }

    @Test
    void theInverseWithDismissalsSplitsTheirVectorExactly() {
        // x = A⁻¹ Σ_j (1 + alpha·r_j) y_j with A including the dismissals: the explanations' split stays exact
        Random random = new Random(5);
        List<float[]> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) items.add(gaussian(random, 3));
        double[] gram = FoldIn.gram(items, 3);
        List<FoldIn.Rated> rated = new ArrayList<>();
        for (int i = 0; i < 5; i++) rated.add(new FoldIn.Rated(items.get(i), 0.5 + i));
        List<FoldIn.Rated> dismissed = List.of(new FoldIn.Rated(items.get(7), 1), new FoldIn.Rated(items.get(9), 1));
        float[] x = FoldIn.userFactors(gram, 3, rated, dismissed, 0.3, 5);
        FoldIn.Inverse inverse = FoldIn.inverse(gram, 3, rated, dismissed, 0.3, 5);
        double[] sum = new double[3];
        for (FoldIn.Rated r : rated) {
            double[] z = inverse.times(r.factors());
            for (int d = 0; d < 3; d++) sum[d] += (1 + 5 * r.rating()) * z[d];
        }
        for (int d = 0; d < 3; d++) assertThat(sum[d]).isCloseTo(x[d], within(1e-5));
    }

    @Test
    void dismissalsAloneGiveNoVector() {
        float[] y = {1f, 0f};
        assertThat(FoldIn.userFactors(
                        FoldIn.gram(List.of(y), 2), 2, List.of(), List.of(new FoldIn.Rated(y, 1)), 0.1, 1))
                .isNull();
    }

    @Test
    void noRatingsNoVector() {
        assertThat(FoldIn.userFactors(new double[4], 2, List.of(), 0.1, 1)).isNull();
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian();
        return out;
    }
}
