package movierec.common;

import java.util.List;

/**
 * The sequential half of the model: what a user is likely to rate next, given the last movies they rated.
 * Training (spark/SequenceModel) learns, from which movies follow which in users' histories, two vectors per movie:
 * a context vector a_j ("what tends to come after j") and an item vector b_i; a user's sequential vector is the
 * recency-weighted sum of the context vectors of their last {@link #CONTEXT} movies, and scores b_i by dot product.
 * Training and every live update build that sum the same way, here.
 */
public final class Sequence {
    private Sequence() {}

    /** Transitions are counted between a movie and each of the next WINDOW movies of the same user ... */
    public static final int WINDOW = 30;
    /** ... weighted exp(−(gap − 1) / PAIR_DECAY), so the very next movie counts most. */
    public static final double PAIR_DECAY = 10;
    /** A user's context: their last CONTEXT movies ... */
    public static final int CONTEXT = 20;
    /** ... weighted exp(−k / CONTEXT_DECAY), k = 0 for the latest. */
    public static final double CONTEXT_DECAY = 5;

    /** Weight of a transition to the movie {@code gap} positions later (gap ≥ 1). */
    public static double pairWeight(int gap) {
        return Math.exp(-(gap - 1) / PAIR_DECAY);
    }

    /** Weight of the movie rated {@code k}-th from the end (0 = the latest) in the user's context. */
    public static double contextWeight(int k) {
        return Math.exp(-k / CONTEXT_DECAY);
    }

    /**
     * The user's sequential vector from the context vectors of the movies they rated, oldest first (movies the model
     * does not know given as null and skipped): Σ_k contextWeight(k) · a_(k-th latest) over the last {@link #CONTEXT}.
     */
    public static float[] userVector(List<float[]> contextsOldestFirst, int dims) {
        double[] sum = new double[dims];
        int k = 0;
        for (int i = contextsOldestFirst.size() - 1; i >= 0 && k < CONTEXT; i--) {
            float[] a = contextsOldestFirst.get(i);
            if (a == null) continue;
            double w = contextWeight(k++);
            for (int d = 0; d < dims; d++) sum[d] += w * a[d];
        }
        float[] out = new float[dims];
        for (int d = 0; d < dims; d++) out[d] = (float) sum[d];
        return out;
    }
}
