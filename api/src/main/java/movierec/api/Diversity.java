package movierec.api;

import java.util.Arrays;
import java.util.List;
import movierec.common.Vectors;

/**
 * Re-ranking for diversity by maximal marginal relevance (Carbonell and Goldstein, 1998): from candidates in the
 * model's order, pick greedily the one with the largest {@code (1 − d) · relevance − d · max similarity to those
 * already picked}. d = 0 keeps the model's order; d = 1 ignores relevance (the first pick is then a tie, won by the
 * model's first candidate).
 */
final class Diversity {
    private Diversity() {}

    /**
     * How many kNN candidates a diversified list of k is picked from: max(50, 5k). Five times the list leaves room to
     * swap most of it; 50 keeps a short list from being picked among near-duplicates. A larger pool would reach
     * deeper but costs its source fetch and k × pool cosines (500 × 100 at most).
     */
    static int candidates(int k) {
        return Math.max(50, 5 * k);
    }

    /**
     * The positions of the k candidates to serve, in serving order. {@code scores} are the model's scores (any scale:
     * they are mapped to 0..1 over the candidates, so that relevance and cosine similarity weigh on one footing),
     * {@code vectors} what similarity is measured on (null: like nothing). Ties go to the earlier candidate, so
     * equal terms keep the model's order.
     */
    static int[] rerank(double[] scores, List<float[]> vectors, double d, int k) {
        int n = scores.length;
        double min = Arrays.stream(scores).min().orElse(0);
        double max = Arrays.stream(scores).max().orElse(0);
        double[] maxSim = new double[n]; // each candidate's largest similarity to a picked one
        boolean[] picked = new boolean[n];
        int[] out = new int[Math.min(k, n)];
        for (int p = 0; p < out.length; p++) {
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (picked[i]) continue;
                double relevance = max > min ? (scores[i] - min) / (max - min) : 1;
                double value = (1 - d) * relevance - (p == 0 ? 0 : d * maxSim[i]);
                if (value > bestValue) {
                    best = i;
                    bestValue = value;
                }
            }
            out[p] = best;
            picked[best] = true;
            for (int i = 0; i < n; i++) {
                if (picked[i]) continue;
                double sim = similarity(vectors.get(i), vectors.get(best));
                maxSim[i] = p == 0 ? sim : Math.max(maxSim[i], sim);
            }
        }
        return out;
    }

    private static double similarity(float[] a, float[] b) {
        return a == null || b == null ? 0 : Vectors.cosine(a, b);
    }
}
