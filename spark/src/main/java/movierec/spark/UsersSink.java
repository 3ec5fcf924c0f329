package movierec.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import movierec.common.VectorLayout;
import movierec.es.ModelCache;
import movierec.es.UserDoc;

/**
 * The users query's batch ({@link RatingsByUser}'s profiles), written from the executors: each changed user's whole
 * profile plus their live vector — the ALS fold-in over the current item vectors of everything they rated, the
 * sequential context of their latest movies and their genre taste ({@link ModelCache.Model#userVector}) — upserted
 * into {@code users}. The next API call reads it with a real-time GET.
 */
public final class UsersSink {
    private UsersSink() {}

    /** One partition of a batch (an {@link ExecutorSink.PartitionWriter}). */
    static void write(ExecutorClients x, Iterator<RatingsByUser.Profile> profiles, BatchMetrics metrics) {
        String index = x.config.index("users");
        ModelCache.Model model = x.models.current();
        long now = System.currentTimeMillis();
        EsBulk.Writer ops = x.bulk.writer();
        List<Long> producedAt = new ArrayList<>();
        while (profiles.hasNext()) {
            RatingsByUser.Profile p = profiles.next();
            ops.add(EsBulk.upsert(index, String.valueOf(p.getUserId()), document(p, model, now)));
            producedAt.addAll(p.getAppliedProducedAt());
        }
        ops.close();
        // applied = acknowledged by Elasticsearch, so readable by the API's real-time GET from now on
        long applied = System.currentTimeMillis();
        for (long t : producedAt) metrics.applied.add(applied - t);
        metrics.writeMs.add(ops.blockedMs());
        metrics.out.add(ops.count());
    }

    static UserDoc document(RatingsByUser.Profile p, ModelCache.Model model, long now) {
        float[] vector = liveVector(model, p);
        return new UserDoc(
                p.getUserId(),
                p.getCount(),
                p.getMean(),
                p.getTopGenres(),
                p.getRecentMovieIds(),
                p.getRatedMovieIds(),
                p.getHistoryRatings(),
                p.getLastRatedAt(),
                now,
                vector == null ? null : VectorLayout.userForCosine(vector),
                vector == null ? null : model.version(),
                p.getAppliedPartition(),
                p.getAppliedOffset(),
                p.getDismissedMovieIds(),
                p.getDismissedGenres());
    }

    /** The user's query vector from their history (oldest first); null until a model exists or without known movies. */
    static float[] liveVector(ModelCache.Model model, RatingsByUser.Profile p) {
        if (model.empty() || p.getHistoryMovieIds().isEmpty()) return null;
        double[] ratings =
                p.getHistoryRatings().stream().mapToDouble(Double::doubleValue).toArray();
        // "not interested" counts against a movie in the ALS part (FoldIn), as training counts it
        return model.userVector(p.getHistoryMovieIds(), ratings, p.getDismissedMovieIds());
    }
}
