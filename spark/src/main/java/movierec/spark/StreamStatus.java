package movierec.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-batch observability: the sinks record rows in/out and dead letters; on each query progress this logs one line
 * and rewrites {@code <data>/run/stream-status.json} (read by {@code movierec status} and {@code up}'s wait) with
 * the batch's figures, running totals and the Kafka offsets the query has reached (lag = topic end - these).
 */
public final class StreamStatus extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamStatus.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Figures of one query's latest batch plus running totals. */
    static final class Counts {
        long batchId = -1;
        long rowsIn;
        long rowsOut;
        long dlq;
        long totalIn;
        long totalOut;
        long totalDlq;
        long totalWriteMs;
        long lastProgressAt;
        long statsDueBy;
    }

    private final Path file;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> offsets = new ConcurrentHashMap<>();
    private final Map<String, Long> durations = new ConcurrentHashMap<>();
    private final Map<String, Long> firstBusyStart = new ConcurrentHashMap<>();
    private final Map<String, Long> lastBusyEnd = new ConcurrentHashMap<>();

    /** Each query's trigger interval, written beside its figures: the bench reports (and paces by) the job's own. */
    private final Map<String, Integer> triggersMs;

    public StreamStatus(Path file, Map<String, Integer> triggersMs) {
        this.file = file;
        this.triggersMs = triggersMs;
    }

    /**
     * Called by a sink at the end of its batch with its {@link BatchMetrics} totals before and after it ({out, dlq,
     * writeMs}: documents written, dead letters, milliseconds in Elasticsearch {@code _bulk} writes), and the latest
     * time a statistics timer was set for (0 when none): once a batch has started after it, every statistic is written.
     */
    public synchronized void recordBatch(String query, long batchId, long[] before, long[] after, long statsDueBy) {
        Counts c = counts.computeIfAbsent(query, q -> new Counts());
        c.statsDueBy = statsDueBy;
        c.batchId = batchId;
        c.rowsOut = after[0] - before[0];
        c.dlq = after[1] - before[1];
        c.totalOut += c.rowsOut;
        c.totalDlq += c.dlq;
        c.totalWriteMs += after[2] - before[2];
    }

    /**
     * Seeds a query's offsets from its checkpoint (the last committed batch's offset log entry), so that after a
     * restart with nothing new to read — when Spark reports no progress — the lag shown is still right.
     */
    public void seedFromCheckpoint(String query, Path checkpoint) {
        try {
            ObjectNode committed = committedOffsets(checkpoint);
            if (committed == null) return;
            offsets.put(query, committed);
            write();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the checkpoint of {}: {}", query, e.toString());
        }
    }

    /**
     * The Kafka offsets (topic -> partition -> next offset) of a checkpoint's last committed batch, from its offset log;
     * null when nothing was committed yet.
     */
    static ObjectNode committedOffsets(Path checkpoint) throws IOException {
        Path offsetsDir = checkpoint.resolve("offsets");
        Path commitsDir = checkpoint.resolve("commits");
        if (!Files.isDirectory(offsetsDir) || !Files.isDirectory(commitsDir)) return null;
        long last = -1;
        try (var files = Files.list(commitsDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.matches("\\d+")) last = Math.max(last, Long.parseLong(name));
            }
        }
        if (last < 0) return null;
        // the offset log: a version line, the batch's metadata, then one line per source
        List<String> lines = Files.readAllLines(offsetsDir.resolve(Long.toString(last)));
        ObjectNode merged = JSON.createObjectNode();
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            if (line.startsWith("{")) mergeKafkaOffsets(merged, JSON.readTree(line));
        }
        return merged;
    }

    /** Adds a Kafka source offset ({@code {"topic": {"partition": offset}}}) to {@code into}; other sources' are skipped. */
    static void mergeKafkaOffsets(ObjectNode into, JsonNode sourceOffset) {
        if (!sourceOffset.isObject()) return;
        sourceOffset.fields().forEachRemaining(topic -> {
            if (topic.getValue().isObject()) into.set(topic.getKey(), topic.getValue());
        });
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        StreamingQueryProgress p = event.progress();
        String query = p.name();
        try {
            // each Kafka source's {"movies": {"0": 9066}}, merged: topic -> partition -> next offset (the heartbeat's
            // skipped)
            ObjectNode merged = JSON.createObjectNode();
            for (var source : p.sources()) {
                if (source.endOffset() != null) mergeKafkaOffsets(merged, JSON.readTree(source.endOffset()));
            }
            if (!merged.isEmpty()) offsets.put(query, merged);
        } catch (IOException e) {
            LOG.warn("unreadable offsets in progress of {}: {}", query, e.getMessage());
        }
        Long d = p.durationMs().get("triggerExecution");
        if (d != null) durations.put(query, d);
        Counts c = counts.computeIfAbsent(query, q -> new Counts());
        c.lastProgressAt = System.currentTimeMillis();
        c.rowsIn = p.numInputRows();
        c.totalIn += p.numInputRows();
        // A batch that wrote nothing (the ratings query's heartbeat, a replayed event) is not work: keep it out of the
        // busy span and out of the log.
        if (c.rowsOut + c.dlq > 0) {
            // wall-clock span of the batches that did work: what `movierec bench` divides the documents by
            long start = java.time.Instant.parse(p.timestamp()).toEpochMilli();
            firstBusyStart.putIfAbsent(query, start);
            lastBusyEnd.put(query, start + (d == null ? 0 : d));
            StringBuilder state = new StringBuilder();
            for (var op : p.stateOperators()) {
                state.append(String.format(
                        "; %s %,d keys, %,d updated in %d ms, commit %d ms",
                        op.operatorName(),
                        op.numRowsTotal(),
                        op.numRowsUpdated(),
                        op.allUpdatesTimeMs(),
                        op.commitTimeMs()));
            }
            LOG.info(
                    "{} batch {}: in {} out {} dlq {} in {} ms (totals in {} out {} dlq {}; phases {}{})",
                    query,
                    p.batchId(),
                    p.numInputRows(),
                    c.rowsOut,
                    c.dlq,
                    d,
                    c.totalIn,
                    c.totalOut,
                    c.totalDlq,
                    p.durationMs(),
                    state);
        }
        write();
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}

    /**
     * Heap in use after the latest collection of the old generation (live data, not garbage yet to be collected), in
     * MB: the driver's footprint that `bench --scale` compares across history sizes. Falls back to the heap in use.
     */
    static long heapUsedAfterGcMb() {
        long used = -1;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            var u = pool.getCollectionUsage();
            if (pool.getType() == java.lang.management.MemoryType.HEAP
                    && u != null
                    && pool.getName().matches("(?i).*(old|tenured).*")) {
                used = Math.max(used, 0) + u.getUsed();
            }
        }
        if (used < 0)
            used = java.lang.management.ManagementFactory.getMemoryMXBean()
                    .getHeapMemoryUsage()
                    .getUsed();
        return used / (1024 * 1024);
    }

    private synchronized void write() {
        ObjectNode root = JSON.createObjectNode();
        root.put("at", System.currentTimeMillis());
        root.put("pid", ProcessHandle.current().pid());
        root.put("heapUsedMb", heapUsedAfterGcMb());
        root.put("heapMaxMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        ObjectNode queries = root.putObject("queries");
        for (String q : offsets.keySet()) {
            ObjectNode n = queries.putObject(q);
            Counts c = counts.getOrDefault(q, new Counts());
            n.put("batchId", c.batchId)
                    .put("rowsIn", c.rowsIn)
                    .put("rowsOut", c.rowsOut)
                    .put("dlq", c.dlq)
                    .put("totalIn", c.totalIn)
                    .put("totalOut", c.totalOut)
                    .put("totalDlq", c.totalDlq)
                    .put("totalWriteMs", c.totalWriteMs)
                    .put("lastProgressAt", c.lastProgressAt)
                    .put("durationMs", durations.getOrDefault(q, 0L))
                    .put("firstBusyStart", firstBusyStart.getOrDefault(q, 0L))
                    .put("lastBusyEnd", lastBusyEnd.getOrDefault(q, 0L))
                    .put("statsDueBy", c.statsDueBy)
                    .put("triggerMs", triggersMs.getOrDefault(q, 0));
            n.set("offsets", offsets.get(q));
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", file, e.getMessage());
        }
    }
}
