package movierec.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Counts the executors' writers add up per query: documents written, dead letters and milliseconds in
 * {@code _bulk}. Accumulators are the only thing a batch sends back to the driver.
 */
final class BatchMetrics implements Serializable {
    final LongAccumulator out;
    final LongAccumulator dlq;
    final LongAccumulator writeMs;

    BatchMetrics(SparkContext sc, String query) {
        out = sc.longAccumulator(query + ".out");
        dlq = sc.longAccumulator(query + ".dlq");
        writeMs = sc.longAccumulator(query + ".writeMs");
    }

    /** The totals so far: {out, dlq, writeMs}. */
    long[] totals() {
        return new long[] {out.value(), dlq.value(), writeMs.value()};
    }
}
