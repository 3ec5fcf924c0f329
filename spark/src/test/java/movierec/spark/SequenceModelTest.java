package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import movierec.common.Sequence;
import movierec.common.Vectors;
import org.junit.jupiter.api.Test;

/** The sequential model's pieces with exact values, and what it learns from a known pattern. */
class SequenceModelTest {

    @Test
    void transitionsAreWeightedByGapAndNormalisedByPopularity() {
        // 0 -> 1 -> 2 by one user; 0 also rated by a second user alone: count(0) = 2
        SequenceModel.Csr mn = SequenceModel.normalisedTransitions(List.of(new int[] {0, 1, 2}, new int[] {0}), 3);
        assertThat(mn.start()).containsExactly(0, 2, 3, 3);
        assertThat(mn.col()).containsExactly(1, 2, 2);
        assertThat(mn.val()[0]).isCloseTo(Sequence.pairWeight(1) * Math.pow(2, -0.5), within(1e-12));
        assertThat(mn.val()[1]).isCloseTo(Sequence.pairWeight(2) * Math.pow(2, -0.5), within(1e-12));
        assertThat(mn.val()[2]).isCloseTo(1.0, within(1e-12));
        assertThat(Sequence.pairWeight(2)).isCloseTo(Math.exp(-0.1), within(1e-12));
    }

    @Test
    void contextsHaveOneRowPerPrefixWithTheLatestWeightedMost() {
        SequenceModel.Csr c = SequenceModel.contexts(List.of(new int[] {4, 7}), 8);
        assertThat(c.rows()).isEqualTo(2);
        assertThat(c.start()).containsExactly(0, 1, 3);
        assertThat(c.col()).containsExactly(4, 7, 4);
        assertThat(c.val()).containsExactly(1.0, 1.0, Math.exp(-1 / Sequence.CONTEXT_DECAY));
    }

    @Test
    void qrGivesOrthonormalColumnsSpanningTheInput() {
        int n = 40;
        int l = 5;
        double[] x = new double[n * l];
        Random random = new Random(1);
        for (int i = 0; i < x.length; i++) x[i] = random.nextGaussian();
        double[] q = SequenceModel.orthonormalColumns(x, n, l);
        for (int a = 0; a < l; a++) {
            for (int b = 0; b < l; b++) {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += q[i * l + a] * q[i * l + b];
                assertThat(dot).isCloseTo(a == b ? 1 : 0, within(1e-9));
            }
        }
        // the first input column lies in the span of the first output column
        double proj = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            proj += x[i * l] * q[i * l];
            norm += x[i * l] * x[i * l];
        }
        assertThat(Math.abs(proj)).isCloseTo(Math.sqrt(norm), within(1e-9));
    }

    @Test
    void learnsWhatComesNext() {
        // 300 users each rate a run of a fixed cycle 0 -> 1 -> ... -> 59 -> 0, starting anywhere
        int items = 60;
        Random random = new Random(7);
        List<int[]> histories = new ArrayList<>();
        for (int u = 0; u < 300; u++) {
            int start = random.nextInt(items);
            int[] h = new int[8 + random.nextInt(8)];
            for (int t = 0; t < h.length; t++) h[t] = (start + t) % items;
            histories.add(h);
        }
        SequenceModel.Vectors v = SequenceModel.train(histories, items, 42);
        for (int last : new int[] {5, 30, 59}) {
            List<float[]> contexts = new ArrayList<>();
            for (int t = 3; t >= 0; t--) contexts.add(v.context((last - t + items) % items));
            float[] user = Sequence.userVector(contexts, v.rank());
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < items; i++) {
                if (i == last
                        || i == (last - 1 + items) % items
                        || i == (last - 2 + items) % items
                        || i == (last - 3 + items) % items) continue;
                double s = Vectors.dot(user, v.item(i));
                if (s > bestScore) {
                    bestScore = s;
                    best = i;
                }
            }
            assertThat(best).as("after %d", last).isEqualTo((last + 1) % items);
        }
    }

    @Test
    void userVectorWeighsTheLatestMostAndSkipsUnknownMovies() {
        float[] a = {1, 0};
        float[] b = {0, 1};
        float[] x = Sequence.userVector(java.util.Arrays.asList(a, null, b), 2);
        assertThat(x[1]).isEqualTo(1f);
        assertThat(x[0]).isCloseTo((float) Math.exp(-1 / Sequence.CONTEXT_DECAY), within(1e-6f));
    }
}
