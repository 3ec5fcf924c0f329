package movierec.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import movierec.common.LatencyHistogram;
import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;
import org.apache.spark.util.LongAccumulator;

/**
 * What the executors' writers add up per query: documents written, dead letters and milliseconds in {@code _bulk};
 * the last {@code ratings.pairs} offset written per partition (ratings query) and the event -> applied latencies
 * (users query); the latest timer the movie-keyed stage registered, and the latest for statistics (ratings query: how
 * long its heartbeat ticks; when the statistics are all written).
 * Accumulators are the only thing a batch sends back to the driver: counts and offsets, never rows.
 */
final class BatchMetrics implements Serializable {
    final LongAccumulator out;
    final LongAccumulator dlq;
    final LongAccumulator writeMs;
    final MaxOffsets pairsWritten = new MaxOffsets();
    final Latencies applied = new Latencies();
    final Latest timers = new Latest();
    final Latest statsTimers = new Latest();

    BatchMetrics(SparkContext sc, String query) {
        out = sc.longAccumulator(query + ".out");
        dlq = sc.longAccumulator(query + ".dlq");
        writeMs = sc.longAccumulator(query + ".writeMs");
        sc.register(pairsWritten, query + ".pairsWritten");
        sc.register(applied, query + ".applied");
        sc.register(timers, query + ".timers");
        sc.register(statsTimers, query + ".statsTimers");
    }

    /** The totals so far: {out, dlq, writeMs}. */
    long[] totals() {
        return new long[] {out.value(), dlq.value(), writeMs.value()};
    }

    /** The highest offset per partition: of everything a query's tasks wrote to a topic and saw acknowledged. */
    static final class MaxOffsets extends AccumulatorV2<Map<Integer, Long>, Map<Integer, Long>> {
        private final Map<Integer, Long> max = new HashMap<>();

        @Override
        public boolean isZero() {
            return max.isEmpty();
        }

        @Override
        public MaxOffsets copy() {
            MaxOffsets c = new MaxOffsets();
            c.max.putAll(max);
            return c;
        }

        @Override
        public void reset() {
            max.clear();
        }

        @Override
        public void add(Map<Integer, Long> offsets) {
            offsets.forEach((p, o) -> max.merge(p, o, Math::max));
        }

        void add(int partition, long offset) {
            max.merge(partition, offset, Math::max);
        }

        @Override
        public void merge(AccumulatorV2<Map<Integer, Long>, Map<Integer, Long>> other) {
            add(other.value());
        }

        @Override
        public Map<Integer, Long> value() {
            return Map.copyOf(max);
        }
    }

    /** The largest value added (a time, epoch ms); 0 when none. A retried task adding it again changes nothing. */
    static final class Latest extends AccumulatorV2<Long, Long> {
        private long max;

        @Override
        public boolean isZero() {
            return max == 0;
        }

        @Override
        public Latest copy() {
            Latest c = new Latest();
            c.max = max;
            return c;
        }

        @Override
        public void reset() {
            max = 0;
        }

        @Override
        public void add(Long v) {
            max = Math.max(max, v);
        }

        @Override
        public void merge(AccumulatorV2<Long, Long> other) {
            add(other.value());
        }

        @Override
        public Long value() {
            return max;
        }
    }

    /** A {@link LatencyHistogram} the tasks fill. */
    static final class Latencies extends AccumulatorV2<Long, LatencyHistogram> {
        private LatencyHistogram histogram = new LatencyHistogram();

        @Override
        public boolean isZero() {
            return histogram.count() == 0;
        }

        @Override
        public Latencies copy() {
            Latencies c = new Latencies();
            c.histogram.merge(histogram);
            return c;
        }

        @Override
        public void reset() {
            histogram = new LatencyHistogram();
        }

        @Override
        public void add(Long ms) {
            histogram.add(ms);
        }

        @Override
        public void merge(AccumulatorV2<Long, LatencyHistogram> other) {
            histogram.merge(other.value());
        }

        @Override
        public LatencyHistogram value() {
            return histogram;
        }
    }
}
