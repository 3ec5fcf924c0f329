package movierec.spark;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import movierec.es.ErasureDoc;
import org.apache.spark.TaskContext;

/**
 * The impressions query's batch, written from the executors without a shuffle or state: each served list indexed into
 * {@code impressions} under its own id, its bytes as the API logged them (a replay rewrites the same documents), unless
 * its user was erased after it was served; for each erasure marker, the user's lists already indexed from before the
 * erasure deleted.
 *
 * <p>Whether a user was erased is read from {@code erasures}, which the users query's writer fills before it sends the
 * marker ({@link UsersSink}): every batch that can hold the marker, and every later one, finds the record, so a list
 * from before the erasure that arrives late (still in an API server's producer buffer, behind in a lagging partition,
 * or replayed) is dropped whenever it comes. One refresh and a search per 5,000 lists of a partition: the index holds
 * one small document per user erased in the last {@link #ERASURE_RECORD_MS}, so the check costs the batch almost
 * nothing.
 */
public final class ImpressionsSink {
    /**
     * How far apart the clocks of the API servers (which time the lists) and of Kafka (which times the erasure) may be:
     * a list served up to this long after the erasure's time is erased too.
     */
    static final long CLOCK_SKEW_MS = 5_000;

    /**
     * How long an erasure's record is kept: as long as a list served before it can still be read from the
     * {@code impressions} topic, which keeps a record for its week's retention and at most until its segment (a week
     * by default) rolls. Older records are deleted at each batch.
     */
    static final long ERASURE_RECORD_MS = 14L * 24 * 3600 * 1000;

    /** Lists checked against {@code erasures} in one search. */
    private static final int CHECK_CHUNK = 5_000;

    private ImpressionsSink() {}

    /** One partition of a batch (an {@link ExecutorSink.PartitionWriter}). */
    static void write(ExecutorClients x, Iterator<Served> rows, BatchMetrics metrics) {
        String index = x.config.index("impressions");
        Erasures erasures = new Erasures(x);
        if (TaskContext.getPartitionId() == 0) erasures.deleteExpired(System.currentTimeMillis());
        EsBulk.Writer ops = x.bulk.writer();
        List<Served> lists = new ArrayList<>(CHECK_CHUNK);
        while (rows.hasNext()) {
            Served s = rows.next();
            if (s.getErasedAt() != null) {
                deleteImpressions(x, index, s.getUserId(), servedBefore(s.getErasedAt()));
                continue;
            }
            lists.add(s);
            if (lists.size() == CHECK_CHUNK) indexUnerased(index, lists, erasures, ops);
        }
        indexUnerased(index, lists, erasures, ops);
        ops.close();
        metrics.writeMs.add(ops.blockedMs());
        metrics.out.add(ops.count());
    }

    /** Lists served before this are erased with a user erased at {@code erasedAt}. */
    static long servedBefore(long erasedAt) {
        return erasedAt + CLOCK_SKEW_MS;
    }

    /** Whether the list was served to a user erased after it ({@code erasedAt}: the erased users among its chunk's). */
    static boolean erased(Served list, Map<Long, Long> erasedAt) {
        Long at = list.getUserId() == null ? null : erasedAt.get(list.getUserId());
        return at != null && list.getServedAt() < servedBefore(at);
    }

    private static void indexUnerased(String index, List<Served> lists, Erasures erasures, EsBulk.Writer ops) {
        if (lists.isEmpty()) return;
        Map<Long, Long> erasedAt = erasures.of(lists);
        for (Served s : lists) {
            if (!erased(s, erasedAt))
                ops.add(EsBulk.index(index, s.getId(), BinaryData.of(s.getDocument(), ContentType.APPLICATION_JSON)));
        }
        lists.clear();
    }

    /** The {@code erasures} index, as one task reads it: refreshed once, at the task's first lists. */
    private static final class Erasures {
        private final ExecutorClients x;
        private final String index;
        private boolean refreshed;

        Erasures(ExecutorClients x) {
            this.x = x;
            this.index = x.config.index("erasures");
        }

        /** One task of each batch deletes the records older than {@link #ERASURE_RECORD_MS}. */
        void deleteExpired(long now) {
            deleteMatching(
                    x,
                    index,
                    Query.of(q -> q.range(
                            r -> r.untyped(u -> u.field("erased_at").lt(JsonData.of(now - ERASURE_RECORD_MS))))));
            refreshed = true; // deleteMatching's last search followed a refresh
        }

        /**
         * The erasure times of the lists' users that were erased. The refresh comes after the batch started, so after
         * every record written before its markers were sent.
         */
        Map<Long, Long> of(List<Served> lists) {
            Set<Long> users = new LinkedHashSet<>();
            for (Served s : lists) if (s.getUserId() != null) users.add(s.getUserId());
            Map<Long, Long> erasedAt = new HashMap<>();
            if (users.isEmpty()) return erasedAt;
            try {
                if (!refreshed) {
                    x.es.indices().refresh(r -> r.index(index));
                    refreshed = true;
                }
                List<FieldValue> ids = users.stream().map(FieldValue::of).toList();
                x.es.search(
                                s -> s.index(index)
                                        .size(ids.size())
                                        .query(q ->
                                                q.terms(t -> t.field("user_id").terms(v -> v.value(ids)))),
                                ErasureDoc.class)
                        .hits()
                        .hits()
                        .forEach(h ->
                                erasedAt.put(h.source().userId(), h.source().erasedAt()));
                return erasedAt;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + index + ": the batch will be retried", e);
            }
        }
    }

    /**
     * An erased user's lists served before {@code before}. Every earlier batch's impressions are acknowledged, so after a
     * refresh a search finds them all; this batch's and later ones find the user's record in {@code erasures} and are
     * dropped. Erasures are rare: a search and a delete per thousand lists is fine.
     */
    private static void deleteImpressions(ExecutorClients x, String index, long userId, long before) {
        deleteMatching(
                x,
                index,
                Query.of(q ->
                        q.bool(b -> b.filter(f -> f.term(t -> t.field("user_id").value(userId)))
                                .filter(f -> f.range(
                                        r -> r.untyped(u -> u.field("served_at").lt(JsonData.of(before))))))));
    }

    /**
     * Deletes what the query finds, a thousand at a time after a refresh (the local Elasticsearch has no
     * {@code _delete_by_query}: it ships without the reindex module).
     */
    private static void deleteMatching(ExecutorClients x, String index, Query query) {
        try {
            while (true) {
                x.es.indices().refresh(r -> r.index(index));
                var hits = x.es.search(
                                s -> s.index(index)
                                        .size(1_000)
                                        .source(src -> src.fetch(false))
                                        .query(query),
                                Void.class)
                        .hits()
                        .hits();
                if (hits.isEmpty()) return;
                x.bulk.write(
                        hits.stream().map(h -> EsBulk.delete(index, h.id())).toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete from " + index + ": the batch will be retried", e);
        }
    }
}
