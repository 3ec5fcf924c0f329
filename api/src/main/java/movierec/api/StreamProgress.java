package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.util.Arrays;
import movierec.common.LatencyHistogram;
import movierec.common.MovierecConfig;
import movierec.es.ErasureDoc;
import movierec.es.StoreUnavailable;
import movierec.es.StreamProgressDoc;

/**
 * The stream job's progress as the API sees it (the {@link StreamProgressDoc} the job's driver rewrites as batches
 * commit): whether an event is in the users' documents yet, for {@code after=}, and the job's event -> applied
 * latency histogram for {@code /api/metrics}. Read with real-time GETs, at most one per {@link #POLL_MS} however many
 * requests wait, so waiting clients cost Elasticsearch a few small reads a second.
 */
final class StreamProgress {
    static final long POLL_MS = 20;

    private final Polled<StreamProgressDoc> progress;

    StreamProgress(ElasticsearchClient es, MovierecConfig config) {
        String index = config.index("stream_progress");
        this.progress = new Polled<>(() -> {
            GetResponse<StreamProgressDoc> r = StoreUnavailable.call(
                    () -> es.get(g -> g.index(index).id(StreamProgressDoc.ID), StreamProgressDoc.class));
            return r.found() ? r.source() : null;
        });
    }

    /**
     * Waits up to {@code maxWaitMs} until the users' documents reflect the token's event; false when they still do not
     * (the caller answers with what there is and says it is stale).
     */
    boolean await(ConsistencyToken token, long maxWaitMs) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitMs * 1_000_000;
        while (true) {
            StreamProgressDoc p = progress.get(POLL_MS);
            if (p != null && p.covers(token.partition(), token.offset())) return true;
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            Thread.sleep(Math.min(POLL_MS, Math.max(1, left / 1_000_000)));
        }
    }

    /**
     * Whether the impressions query has read past the marker of the erasure {@code record} (read once the erasure is
     * applied): from then on no list served before it can land. The marker's position is fixed, so once true this stays
     * true however many lists arrive after it. No record once applied means it expired, two weeks after the erasure.
     */
    boolean markerRead(ErasureDoc record) {
        if (record == null) return true;
        if (record.markerOffset() == null) return false;
        StreamProgressDoc p = progress.get(POLL_MS);
        return p != null && p.impressionsRead(record.markerPartition(), record.markerOffset() + 1);
    }

    /** The stream job's event -> applied latencies since it started; null before it published any. */
    LatencyHistogram eventToApplied() {
        StreamProgressDoc p = progress.get(1_000);
        if (p == null || p.eventToAppliedCounts() == null) return null;
        try {
            return LatencyHistogram.of(
                    p.eventToAppliedCounts().stream().mapToLong(Long::longValue).toArray());
        } catch (IllegalArgumentException olderBuckets) {
            return null;
        }
    }

    /** The histogram in Prometheus' text format (seconds), appended to {@code /api/metrics}. */
    String renderPrometheus() {
        LatencyHistogram h;
        try {
            h = eventToApplied();
        } catch (StoreUnavailable e) {
            return ""; // the request metrics still answer while Elasticsearch is away
        }
        if (h == null) return "";
        StringBuilder out = new StringBuilder();
        out.append("# HELP movierec_event_to_applied_seconds A rating's event (Kafka's receipt) to the user's document"
                + " acknowledged, measured by the stream job since it started.\n");
        out.append("# TYPE movierec_event_to_applied_seconds histogram\n");
        long[] counts = h.counts();
        long cumulative = 0;
        for (int i = 0; i < LatencyHistogram.BOUNDS_MS.length; i++) {
            cumulative += counts[i];
            out.append(String.format(
                    "movierec_event_to_applied_seconds_bucket{le=\"%s\"} %d%n",
                    LatencyHistogram.BOUNDS_MS[i] / 1000.0, cumulative));
        }
        out.append(String.format("movierec_event_to_applied_seconds_bucket{le=\"+Inf\"} %d%n", h.count()));
        out.append(String.format(
                "movierec_event_to_applied_seconds_count %d%n",
                Arrays.stream(counts).sum()));
        return out.toString();
    }
}
