package movierec.spark;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.SupportsAdmissionControl;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A streaming source of one row ({@code value}: its offset) per tick, which ticks once a second only while a
 * processing-time timer may be due. With no-data batches off, a stateful query runs its expired timers only in a batch,
 * so something must make a batch when the timers are due and no data comes. Spark's rate source did, every second
 * whatever was pending: an idle job then spent a fifth of a core on a batch a second and wrote its checkpoint files
 * every second. This source decides in the driver, where Spark asks each source for its latest offset at every trigger:
 * it ticks until it has ticked after the latest timer any batch registered ({@link #timersUntil}, from an accumulator),
 * and after a window from the query's start, which covers the timers registered before a restart.
 *
 * <p>The offset is a plain number, as the rate source's was, so a checkpoint written with the rate source reads on.
 */
public final class Heartbeat implements TableProvider {
    /** How often it ticks while a timer may be due: how late a due timer may fire. */
    static final long TICK_MS = 1000;

    private static final StructType SCHEMA = new StructType().add("value", DataTypes.LongType, false);

    /** The latest timer expiry per source key (a query in a namespace), as the driver learnt it from the batches. */
    private static final Map<String, Long> TIMERS_UNTIL = new ConcurrentHashMap<>();

    /** The query's stateful stage registered a timer at {@code at} (epoch ms): tick until it is due. */
    static void timersUntil(String key, long at) {
        TIMERS_UNTIL.merge(key, at, Math::max);
    }

    /**
     * When to tick: once every {@link #TICK_MS}, until a tick has come at or after the latest time a timer is due. A
     * batch's processing time is taken after its sources' offsets, so a tick at {@code now} runs every timer due by
     * then. A timer the driver learns of only after it came due (a long batch registered it) still gets its tick.
     */
    static boolean due(long now, long lastTick, long timersUntil) {
        return now - lastTick >= TICK_MS && lastTick < timersUntil;
    }

    @Override
    public StructType inferSchema(CaseInsensitiveStringMap options) {
        return SCHEMA;
    }

    @Override
    public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(properties);
        return new Ticks(options.get("key"), options.getLong("afterStartMs", 0));
    }

    private record Ticks(String key, long afterStartMs) implements SupportsRead {
        @Override
        public String name() {
            return "heartbeat " + key;
        }

        @Override
        @SuppressWarnings("deprecation")
        public StructType schema() {
            return SCHEMA;
        }

        @Override
        public Set<TableCapability> capabilities() {
            return Set.of(TableCapability.MICRO_BATCH_READ);
        }

        @Override
        public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
            return () -> new Scan() {
                @Override
                public StructType readSchema() {
                    return SCHEMA;
                }

                @Override
                public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
                    return new Stream(key, System.currentTimeMillis() + afterStartMs);
                }
            };
        }
    }

    /** The driver's side: decides, at each trigger, whether this batch gets a tick. */
    private static final class Stream implements MicroBatchStream, SupportsAdmissionControl {
        private final String key;
        private final long startWindowEnd;
        private long lastTick;

        Stream(String key, long startWindowEnd) {
            this.key = key;
            this.startWindowEnd = startWindowEnd;
        }

        @Override
        public Offset latestOffset(Offset start, ReadLimit limit) {
            long now = System.currentTimeMillis();
            long at = count(start);
            if (!due(now, lastTick, Math.max(startWindowEnd, TIMERS_UNTIL.getOrDefault(key, 0L)))) return start;
            lastTick = now;
            return new Count(at + 1);
        }

        @Override
        public Offset latestOffset() {
            throw new UnsupportedOperationException("latestOffset(start, limit) is the one Spark calls");
        }

        @Override
        public ReadLimit getDefaultReadLimit() {
            return ReadLimit.allAvailable();
        }

        @Override
        public Offset initialOffset() {
            return new Count(0);
        }

        @Override
        public Offset deserializeOffset(String json) {
            return new Count(Long.parseLong(json.trim()));
        }

        @Override
        public InputPartition[] planInputPartitions(Offset start, Offset end) {
            long from = count(start), to = count(end);
            return to > from ? new InputPartition[] {new Range(from, to)} : new InputPartition[0];
        }

        @Override
        public PartitionReaderFactory createReaderFactory() {
            return partition -> new RangeReader((Range) partition);
        }

        @Override
        public void commit(Offset end) {}

        @Override
        public void stop() {}
    }

    private static long count(Offset offset) {
        return Long.parseLong(offset.json().trim());
    }

    /** An offset: how many ticks there have been. */
    private static final class Count extends Offset {
        final long n;

        Count(long n) {
            this.n = n;
        }

        @Override
        public String json() {
            return Long.toString(n);
        }
    }

    /** The ticks [from, to) of one batch. */
    private record Range(long from, long to) implements InputPartition {}

    /** The executors' side: one row per tick of the range. */
    private static final class RangeReader implements PartitionReader<InternalRow> {
        private final Range range;
        private long next;

        RangeReader(Range range) {
            this.range = range;
            this.next = range.from() - 1;
        }

        @Override
        public boolean next() {
            return ++next < range.to();
        }

        @Override
        public InternalRow get() {
            return new GenericInternalRow(new Object[] {next});
        }

        @Override
        public void close() {}
    }
}
