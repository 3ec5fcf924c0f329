package movierec.spark;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import movierec.common.Events;
import movierec.common.RatingEvent;
import movierec.common.VectorLayout;
import movierec.es.ErasureDoc;
import movierec.es.ModelCache;
import movierec.es.UserDoc;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The users query's batch ({@link RatingsByUser}'s profiles), written from the executors: each changed user's whole
 * profile plus their live vector — the ALS fold-in over the current item vectors of everything they rated, the
 * sequential context of their latest movies and their genre taste ({@link ModelCache.Model#userVector}) — upserted
 * into {@code users}. The next API call reads it with a real-time GET. An erased user's document is deleted, and what
 * the erasure forgot is sent on: one retraction per pair to {@code ratings.erasures}, one tombstone per key to the
 * compacted {@code ratings.pairs}, and to the served lists an erasure record in {@code erasures} and a marker to
 * {@code impressions} ({@link ImpressionsSink}).
 */
public final class UsersSink {
    private UsersSink() {}

    /** One partition of a batch (an {@link ExecutorSink.PartitionWriter}). */
    static void write(ExecutorClients x, Iterator<RatingsByUser.Profile> profiles, BatchMetrics metrics) {
        String index = x.config.index("users");
        String erasuresTopic = x.config.topic("ratings.erasures");
        String pairsTopic = x.config.topic("ratings.pairs");
        ModelCache.Model model = x.models.current();
        long now = System.currentTimeMillis();
        EsBulk.Writer ops = x.bulk.writer();
        List<Long> producedAt = new ArrayList<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        List<ErasureDoc> erasures = new ArrayList<>();
        while (profiles.hasNext()) {
            RatingsByUser.Profile p = profiles.next();
            String id = String.valueOf(p.getUserId());
            if (p.getErasedAt() != null) erasures.add(new ErasureDoc(p.getUserId(), p.getErasedAt()));
            ops.add(p.isErased() ? EsBulk.delete(index, id) : EsBulk.upsert(index, id, document(p, model, now)));
            producedAt.addAll(p.getAppliedProducedAt());
            for (long movieId : p.getErasedMovieIds()) {
                RatingEvent r = RatingEvent.erasureRetraction(p.getUserId(), movieId, p.getErasureOffset(), now);
                sends.add(x.kafka.send(erasuresTopic, r.key(), Events.toJson(r)));
            }
            for (String key : p.getForgottenKeys()) sends.add(x.kafka.send(pairsTopic, key, null));
        }
        eraseServedLists(x, erasures);
        ops.close();
        x.kafka.await(sends);
        // applied = acknowledged by Elasticsearch, so readable by the API's real-time GET from now on
        long applied = System.currentTimeMillis();
        for (long t : producedAt) metrics.applied.add(applied - t);
        metrics.writeMs.add(ops.blockedMs());
        metrics.out.add(ops.count());
    }

    /**
     * New erasures reach the served lists: each erasure's record in {@code erasures}, acknowledged before its marker
     * goes to the {@code impressions} topic. So every impressions batch that can contain the marker, and every later one,
     * finds the record and drops the user's lists served before it; the marker's batch deletes those indexed earlier.
     * Then the record gets the marker's position, for the API's erasure status (a retried task rewrites it with the
     * position of its own marker: the same erasure, so the same version).
     */
    private static void eraseServedLists(ExecutorClients x, List<ErasureDoc> erasures) {
        if (erasures.isEmpty()) return;
        String index = x.config.index("erasures");
        x.bulk.write(erasures.stream()
                .map(e -> EsBulk.indexIfNewer(index, String.valueOf(e.userId()), e, e.erasedAt()))
                .toList());
        String topic = x.config.topic("impressions");
        List<Future<RecordMetadata>> markers = new ArrayList<>();
        for (ErasureDoc e : erasures)
            markers.add(x.kafka.send(topic, String.valueOf(e.userId()), Served.erasure(e.userId(), e.erasedAt())));
        List<RecordMetadata> written = x.kafka.await(markers);
        List<BulkOperation> located = new ArrayList<>();
        for (int i = 0; i < erasures.size(); i++) {
            ErasureDoc e = erasures.get(i);
            RecordMetadata m = written.get(i);
            located.add(EsBulk.indexIfNotOlder(
                    index, String.valueOf(e.userId()), e.withMarker(m.partition(), m.offset()), e.erasedAt()));
        }
        x.bulk.write(located);
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
