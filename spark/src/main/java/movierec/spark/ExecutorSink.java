package movierec.spark;

import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;

/**
 * A query's {@code foreachBatch}: one pass over the batch on the executors, a {@link PartitionWriter} per partition
 * with its JVM's {@link ExecutorClients}, then the batch's counts (accumulators: the only thing the driver gets back).
 */
final class ExecutorSink<T> implements VoidFunction2<Dataset<T>, Long> {
    /** Writes one partition of a batch; it may only return once everything it wrote is acknowledged. */
    @FunctionalInterface
    interface PartitionWriter<T> extends Serializable {
        void write(ExecutorClients clients, Iterator<T> rows, BatchMetrics metrics);
    }

    private final String query;
    private final Map<String, String> settings;
    private final BatchMetrics metrics;
    private final transient StreamStatus status;
    private final transient AfterBatch afterBatch;
    private final PartitionWriter<T> writer;

    /** What the driver does with a batch's figures once every partition is written (before Spark commits it). */
    @FunctionalInterface
    interface AfterBatch {
        void written(long batchId, BatchMetrics metrics);
    }

    ExecutorSink(
            String query,
            Map<String, String> settings,
            BatchMetrics metrics,
            StreamStatus status,
            PartitionWriter<T> writer) {
        this(query, settings, metrics, status, writer, (id, m) -> {});
    }

    ExecutorSink(
            String query,
            Map<String, String> settings,
            BatchMetrics metrics,
            StreamStatus status,
            PartitionWriter<T> writer,
            AfterBatch afterBatch) {
        this.query = query;
        this.settings = settings;
        this.metrics = metrics;
        this.status = status;
        this.writer = writer;
        this.afterBatch = afterBatch;
    }

    @Override
    public void call(Dataset<T> batch, Long batchId) {
        long[] before = metrics.totals();
        // the task closure: the settings, the counters and the writer, nothing of the driver's
        Map<String, String> s = settings;
        BatchMetrics m = metrics;
        PartitionWriter<T> w = writer;
        batch.foreachPartition((ForeachPartitionFunction<T>) rows -> w.write(ExecutorClients.of(s), rows, m));
        status.recordBatch(query, batchId, before, metrics.totals(), metrics.statsTimers.value());
        afterBatch.written(batchId, metrics);
    }
}
