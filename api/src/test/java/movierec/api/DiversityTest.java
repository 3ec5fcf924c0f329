package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiversityTest {
    // a and b point the same way, c is orthogonal to both, e the opposite of a
    static final float[] A = {1, 0};
    static final float[] B = {0.9f, 0.1f};
    static final float[] C = {0, 1};
    static final float[] E = {-1, 0};

    @Test
    void zeroKeepsTheModelsOrder() {
        double[] scores = {5, 4, 3, 2};
        assertThat(Diversity.rerank(scores, List.of(A, B, C, E), 0, 3)).containsExactly(0, 1, 2);
    }

    @Test
    void oneTakesTheBestFirstThenTheMostDissimilar() {
        double[] scores = {5, 4, 3, 2};
        // after a: e (cosine −1) beats c (0) and b (near 1); then c (max similarity 0) beats b
        assertThat(Diversity.rerank(scores, List.of(A, B, C, E), 1, 4)).containsExactly(0, 3, 2, 1);
    }

    @Test
    void inBetweenTradesRelevanceForDissimilarity() {
        double[] scores = {1.0, 0.95, 0.5};
        List<float[]> vectors = List.of(A, B, C);
        assertThat(Diversity.rerank(scores, vectors, 0.3, 2)).containsExactly(0, 1);
        // relevance of b 0.9 vs c 0, similarity to a about 1 vs 0: 0.4·0.9 − 0.6·0.99 < 0
        assertThat(Diversity.rerank(scores, vectors, 0.6, 2)).containsExactly(0, 2);
    }

    @Test
    void scoresAreComparedWithinTheCandidatesWhateverTheirScale() {
        List<float[]> vectors = List.of(A, B, C);
        assertThat(Diversity.rerank(new double[] {1.0, 0.95, 0.5}, vectors, 0.6, 2))
                .containsExactly(Diversity.rerank(new double[] {1000, 950, 500}, vectors, 0.6, 2));
    }

    @Test
    void tiesKeepTheModelsOrder() {
        double[] equal = {2, 2, 2, 2};
        assertThat(Diversity.rerank(equal, List.of(A, A, A, A), 0.5, 4)).containsExactly(0, 1, 2, 3);
        // two candidates equally unlike the first: the earlier one first
        assertThat(Diversity.rerank(new double[] {2, 2, 2}, List.of(A, C, C), 1, 3))
                .containsExactly(0, 1, 2);
    }

    @Test
    void aCandidateWithoutAVectorIsLikeNothing() {
        double[] scores = {3, 2, 1};
        assertThat(Diversity.rerank(scores, Arrays.asList(A, B, null), 1, 2)).containsExactly(0, 2);
    }

    @Test
    void fewerCandidatesThanAskedGivesThemAll() {
        assertThat(Diversity.rerank(new double[] {1, 2}, List.of(A, C), 0.5, 10))
                .hasSize(2)
                .containsExactlyInAnyOrder(0, 1);
        assertThat(Diversity.rerank(new double[0], List.of(), 0.5, 10)).isEmpty();
    }

    @Test
    void candidatesAreFiveTimesTheListAndAtLeastFifty() {
        assertThat(List.of(1, 10, 20, 100).stream().map(Diversity::candidates)).containsExactly(50, 50, 100, 500);
    }
}
