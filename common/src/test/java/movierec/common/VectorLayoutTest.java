package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorLayoutTest {
    @Test
    void cosineAugmentationRanksByDotProduct() {
        float[] user = {1f, 1f};
        float[] small = {0.5f, 0.5f}; // dot 1.0, same direction
        float[] big = {3f, 0f}; // dot 3.0, different direction: cosine alone would prefer `small`
        double max = 3.0;
        float[] u = VectorLayout.userForCosine(user);
        double cosSmall = cosine(u, VectorLayout.itemForCosine(small, max));
        double cosBig = cosine(u, VectorLayout.itemForCosine(big, max));
        assertThat(cosBig).isGreaterThan(cosSmall);
        assertThat(cosBig / cosSmall).isCloseTo(3.0, within(1e-6));
        assertThat(VectorLayout.itemForCosine(big, max)).startsWith(3f, 0f);
    }

    private static double cosine(float[] a, float[] b) {
        return Vectors.dot(a, b) / Math.sqrt(Vectors.dot(a, a) * Vectors.dot(b, b));
    }

    @Test
    void aMovieVectorIsScaledAlsThenWeightedSequentialThenGenresAndSlicesBack() {
        VectorLayout layout = new VectorLayout(2, 1, 2, 4.0, 0.5, 2.0);
        float[] y = layout.item(new float[] {2f, -4f}, new float[] {0.25f}, new float[] {1f, 0f});
        assertThat(y).containsExactly(0.5f, -1f, 1f, 1f, 0f);
        assertThat(layout.dims()).isEqualTo(y.length);
        assertThat(layout.alsFactors(y)).containsExactly(2f, -4f);
        assertThat(layout.sequential(y)).containsExactly(1f);
        float[] stored = VectorLayout.itemForCosine(y, 3);
        assertThat(layout.alsQuery(stored)).containsExactly(0.5f, -1f, 0f, 0f, 0f, 0f);
        assertThat(VectorLayout.alsOnly(0).alsQuery(stored)).containsExactly(stored);
    }

    @Test
    void aUserVectorIsAlsThenSequentialThenGenresAndItsDotWithAMovieIsTheScore() {
        VectorLayout layout = new VectorLayout(2, 1, 2, 4.0, 0.5, 2.0);
        float[] x = layout.user(new float[] {1f, 1f}, new float[] {2f}, new float[] {0f, 3f});
        assertThat(x).containsExactly(1f, 1f, 2f, 0f, 3f);
        float[] y = layout.item(new float[] {2f, -4f}, new float[] {0.25f}, new float[] {1f, 1f});
        // ALS (2 - 4) / 4 + sequential 2 · (2 · 0.25 / 0.5) + genres 3 · 1
        assertThat(Vectors.dot(x, y)).isCloseTo(-0.5 + 2 + 3, within(1e-6));
        assertThat(layout.user(new float[] {1f}, null, null)).containsExactly(1f);
    }

    @Test
    void theModelDocumentsParamsRoundTripAndOldModelsAreAlsOnly() {
        VectorLayout layout = new VectorLayout(64, 16, 19, 0.7, 0.2, 2.0);
        assertThat(VectorLayout.of(layout.params())).isEqualTo(layout);
        assertThat(VectorLayout.of(Map.of("rank", 10, "regParam", 0.1))).isEqualTo(VectorLayout.alsOnly(10));
    }
}
