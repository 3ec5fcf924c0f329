package movierec.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeSet;
import movierec.common.GenreTaste;
import movierec.common.NextMovies;
import movierec.common.RatingEvent;
import movierec.common.Sequence;
import movierec.common.VectorLayout;
import movierec.common.Vectors;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A trained model: ALS item and user factors, the sequential vectors over the same movies and the genre taste, put
 * together by the {@link VectorLayout}, whose two scales put the ALS and sequential halves on one footing (each the
 * mean over users of their top-10 scores).
 */
record Trained(
        Map<Integer, float[]> items,
        Map<Integer, float[]> users,
        Map<Integer, Integer> index,
        SequenceModel.Vectors seq,
        Map<Integer, float[]> userSeq,
        VectorLayout layout,
        Map<Integer, List<String>> genres,
        Map<Integer, float[]> userGenres) {
    /** Weight of the sequential scores beside the ALS scores, each first divided by its typical top score (measured). */
    static final double SEQ_WEIGHT = 2.0;

    static Trained alsOnly(ALSModel m) {
        Map<Integer, float[]> items = factors(m.itemFactors());
        return new Trained(
                items,
                factors(m.userFactors()),
                Map.of(),
                null,
                Map.of(),
                VectorLayout.alsOnly(m.rank()),
                Map.of(),
                Map.of());
    }

    /** The ALS model plus the sequential model trained on the same ratings' histories. */
    static Trained of(ALSModel m, List<RatingEvent> ratings, Map<Integer, List<String>> genres) {
        Map<Integer, float[]> items = factors(m.itemFactors());
        Map<Integer, float[]> users = factors(m.userFactors());
        List<Integer> ids = new ArrayList<>(new TreeSet<>(items.keySet()));
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) index.put(ids.get(i), i);
        Map<Integer, int[]> histories = histories(ratings, index);
        SequenceModel.Vectors seq = SequenceModel.train(new ArrayList<>(histories.values()), ids.size(), 42);
        Map<Integer, float[]> userSeq = new HashMap<>();
        Map<Integer, float[]> userGenres = new HashMap<>();
        histories.forEach((u, h) -> {
            List<float[]> contexts = new ArrayList<>(h.length);
            List<List<String>> rated = new ArrayList<>(h.length);
            for (int i : h) {
                contexts.add(seq.context(i));
                rated.add(genres.getOrDefault(ids.get(i), List.of()));
            }
            userSeq.put(u, Sequence.userVector(contexts, seq.rank()));
            userGenres.put(u, GenreTaste.userVector(rated));
        });
        Map<Integer, float[]> seqItems = new HashMap<>();
        index.forEach((id, i) -> seqItems.put(id, seq.item(i)));
        VectorLayout layout = new VectorLayout(
                m.rank(),
                seq.rank(),
                GenreTaste.GENRES.size(),
                meanTopScore(users, items),
                meanTopScore(userSeq, seqItems),
                SEQ_WEIGHT);
        return new Trained(items, users, index, seq, userSeq, layout, genres, userGenres);
    }

    /** Each movie's strongest transitions ({@link NextMovies}), by movie id. */
    Map<Integer, NextMovies.Row> followers() {
        long[] movieOf = new long[index.size()];
        index.forEach((id, i) -> movieOf[i] = id);
        Map<Integer, NextMovies.Row> out = new HashMap<>();
        index.forEach((id, i) -> {
            int[] next = seq.nextItems()[i];
            long[] ids = new long[next.length];
            for (int f = 0; f < next.length; f++) ids[f] = movieOf[next[f]];
            out.put(id, new NextMovies.Row(ids, seq.nextWeights()[i]));
        });
        return out;
    }

    /** The stored movie vector (before the cosine augmentation). */
    float[] itemVector(int movieId) {
        float[] v = items.get(movieId);
        if (seq == null) return v;
        return layout.item(
                v, seq.item(index.get(movieId)), GenreTaste.itemVector(genres.getOrDefault(movieId, List.of())));
    }

    /** The user's query vector; null for a user without factors. */
    float[] userVector(int userId) {
        float[] u = users.get(userId);
        if (u == null || seq == null) return u;
        return layout.user(
                u,
                userSeq.getOrDefault(userId, new float[seq.rank()]),
                userGenres.getOrDefault(userId, new float[GenreTaste.GENRES.size()]));
    }

    /** Each user's movies (as item indices) in time order, ties by movie id: the order live updates use too. */
    private static Map<Integer, int[]> histories(List<RatingEvent> ratings, Map<Integer, Integer> index) {
        Map<Integer, List<RatingEvent>> byUser = new HashMap<>();
        for (RatingEvent r : ratings)
            byUser.computeIfAbsent(r.userId().intValue(), u -> new ArrayList<>())
                    .add(r);
        Map<Integer, int[]> out = new HashMap<>();
        byUser.forEach((u, mine) -> {
            mine.sort(RatingEvent.OLDEST_FIRST);
            out.put(
                    u,
                    mine.stream()
                            .map(r -> index.get(r.movieId().intValue()))
                            .filter(Objects::nonNull)
                            .mapToInt(Integer::intValue)
                            .toArray());
        });
        return out;
    }

    /** Mean over users of the mean of their 10 best scores over every movie: the typical size of a top score. */
    private static double meanTopScore(Map<Integer, float[]> users, Map<Integer, float[]> items) {
        double sum = 0;
        int n = 0;
        List<float[]> all = new ArrayList<>(items.values());
        for (float[] x : users.values()) {
            PriorityQueue<Double> top = new PriorityQueue<>();
            for (float[] y : all) {
                double s = Vectors.dot(x, y);
                if (top.size() < 10) top.add(s);
                else if (s > top.peek()) {
                    top.poll();
                    top.add(s);
                }
            }
            sum += top.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            n++;
        }
        return n == 0 || sum <= 0 ? 1 : sum / n;
    }

    private static Map<Integer, float[]> factors(Dataset<Row> df) {
        Map<Integer, float[]> out = new HashMap<>();
        for (Row r : df.collectAsList()) {
            List<Float> f = r.getList(1);
            float[] v = new float[f.size()];
            for (int i = 0; i < v.length; i++) v[i] = f.get(i);
            out.put(r.getInt(0), v);
        }
        return out;
    }
}
