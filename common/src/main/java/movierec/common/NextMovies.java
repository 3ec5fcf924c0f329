package movierec.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code next} variant's re-ranking: the blend's top {@link #CANDIDATES} re-scored by what tends to follow the
 * user's last {@link #LAST} movies. The blend's sequential part is a rank-192 summary of which movies follow which;
 * this puts back the exact transitions of the movies that matter most, the latest ones. Training keeps each movie's
 * {@link #ROW} strongest transitions (its row of the sequential part's normalised transition matrix, divided by the
 * row's sum). A candidate's transition score is Σ_k contextWeight(k) · row(k-th latest)[candidate]; its new score is
 * blend / top blend + {@link #WEIGHT} · transition / top transition among the candidates. Measured offline on the
 * bundled split (README, Experiments): NDCG@10 0.1545 validation, 0.1456 test, against the blend's 0.1492 and 0.1421.
 */
public final class NextMovies {
    private NextMovies() {}

    /** The user's latest movies whose transitions count ... */
    public static final int LAST = 3;
    /** ... with this weight beside the blend's score (both divided by their top among the candidates). */
    public static final double WEIGHT = 0.4;
    /** The blend's candidates re-ranked. */
    public static final int CANDIDATES = 100;
    /** Transitions kept per movie. */
    public static final int ROW = 100;

    /** A movie's strongest transitions: the movies that follow it and their shares of its row. */
    public record Row(long[] movieIds, float[] weights) {
        public static final Row NONE = new Row(new long[0], new float[0]);
    }

    /**
     * The new scores of {@code candidates} (with the blend's {@code scores}), given the transition rows of the user's
     * latest movies, latest first (at most {@link #LAST} are used; a movie without a row counts as none).
     */
    public static double[] rescore(long[] candidates, double[] scores, List<Row> latestFirst) {
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < candidates.length; i++) position.put(candidates[i], i);
        double[] transition = new double[candidates.length];
        for (int k = 0; k < Math.min(LAST, latestFirst.size()); k++) {
            Row row = latestFirst.get(k);
            double w = Sequence.contextWeight(k);
            for (int j = 0; j < row.movieIds().length; j++) {
                Integer i = position.get(row.movieIds()[j]);
                if (i != null) transition[i] += w * row.weights()[j];
            }
        }
        double topScore = 1e-12;
        double topTransition = 1e-12;
        for (int i = 0; i < candidates.length; i++) {
            topScore = Math.max(topScore, Math.abs(scores[i]));
            topTransition = Math.max(topTransition, transition[i]);
        }
        double[] out = new double[candidates.length];
        for (int i = 0; i < candidates.length; i++)
            out[i] = scores[i] / topScore + WEIGHT * transition[i] / topTransition;
        return out;
    }

    /** The rows of the last {@link #LAST} movies of {@code oldestFirst}, latest first ({@code row} may give null). */
    public static List<Row> latest(List<Long> oldestFirst, Function<Long, Row> row) {
        List<Row> out = new ArrayList<>(LAST);
        for (int i = oldestFirst.size() - 1; i >= 0 && out.size() < LAST; i--) {
            Row r = row.apply(oldestFirst.get(i));
            out.add(r == null ? Row.NONE : r);
        }
        return out;
    }

    /** The indices of the {@code k} highest scores, highest first (ties: the earlier first). */
    public static int[] top(double[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int[] out = new int[Math.min(k, order.length)];
        for (int i = 0; i < out.length; i++) out[i] = order[i];
        return out;
    }
}
