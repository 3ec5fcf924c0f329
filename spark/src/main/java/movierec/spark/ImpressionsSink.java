package movierec.spark;

import co.elastic.clients.json.JsonData;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * The impressions query's batch ({@link ImpressionsByUser}'s output), written from the executors: each served list
 * indexed into {@code impressions} under its own id, its bytes as the API logged them (a replay rewrites the same
 * documents); for each new erasure marker, the user's lists already indexed from before it deleted.
 */
public final class ImpressionsSink {
    private ImpressionsSink() {}

    /** One partition of a batch (an {@link ExecutorSink.PartitionWriter}). */
    static void write(ExecutorClients x, Iterator<Served> rows, BatchMetrics metrics) {
        String index = x.config.index("impressions");
        EsBulk.Writer ops = x.bulk.writer();
        while (rows.hasNext()) {
            Served s = rows.next();
            if (s.getErasedAt() != null)
                deleteImpressions(x, index, s.getUserId(), ImpressionsByUser.servedBefore(s.getErasedAt()));
            else ops.add(EsBulk.index(index, s.getId(), BinaryData.of(s.getDocument(), ContentType.APPLICATION_JSON)));
        }
        ops.close();
        metrics.writeMs.add(ops.blockedMs());
        metrics.out.add(ops.count());
    }

    /**
     * An erased user's lists served before {@code before}. Every earlier batch's impressions are acknowledged, so after a
     * refresh a search finds them all; later ones never get here (ImpressionsByUser drops them). Erasures are rare: a
     * search and a delete per thousand lists is fine.
     */
    private static void deleteImpressions(ExecutorClients x, String index, long userId, long before) {
        try {
            while (true) {
                x.es.indices().refresh(r -> r.index(index));
                var hits = x.es.search(
                                s -> s.index(index)
                                        .size(1_000)
                                        .source(src -> src.fetch(false))
                                        .query(q -> q.bool(b -> b.filter(f -> f.term(
                                                        t -> t.field("user_id").value(userId)))
                                                .filter(f -> f.range(r -> r.untyped(u ->
                                                        u.field("served_at").lt(JsonData.of(before))))))),
                                Void.class)
                        .hits()
                        .hits();
                if (hits.isEmpty()) return;
                x.bulk.write(
                        hits.stream().map(h -> EsBulk.delete(index, h.id())).toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the impressions of erased user " + userId, e);
        }
    }
}
