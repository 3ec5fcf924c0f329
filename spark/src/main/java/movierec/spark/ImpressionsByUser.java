package movierec.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.streaming.ExpiredTimerInfo;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StatefulProcessor;
import org.apache.spark.sql.streaming.TTLConfig;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.TimerValues;
import org.apache.spark.sql.streaming.ValueState;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The impressions query's stage, keyed by user id: the lists the API served pass through to the writer, unless the
 * user was erased after they were served. The users query's writer sends an erasure marker to the {@code impressions}
 * topic ({@link Served#erasure}); this stage passes a new one on (the writer deletes the user's lists already
 * indexed) and remembers its time for {@code keepMs}, dropping lists from before it that arrive later (still in an API
 * server's producer buffer, or behind in a lagging partition). Anonymous visitors' lists have no state.
 *
 * <p>A query of its own, on a slower trigger than the ratings' path: lists are many and nobody waits for them, so
 * they cost a batch every few seconds instead of one at every trigger beside each rating.
 */
public final class ImpressionsByUser extends StatefulProcessor<Long, Served, Served> {
    /**
     * How far apart the clocks of the API servers (which time the lists) and of Kafka (which times the erasure) may be:
     * a list served up to this long after the erasure's time is erased too.
     */
    static final long CLOCK_SKEW_MS = 5_000;

    /** The time of the user's latest erasure, for {@code keepMs} after it. */
    private transient ValueState<Long> erasedAt;

    private final long keepMs;

    public ImpressionsByUser(long keepMs) {
        this.keepMs = keepMs;
    }

    /** Lists served before this are erased with a user erased at {@code erasedAt}. */
    static long servedBefore(long erasedAt) {
        return erasedAt + CLOCK_SKEW_MS;
    }

    @Override
    public void init(OutputMode outputMode, TimeMode timeMode) {
        erasedAt = getHandle().getValueState("erasedAt", Encoders.LONG(), TTLConfig.NONE());
    }

    @Override
    public scala.collection.Iterator<Served> handleInputRows(
            Long userId, scala.collection.Iterator<Served> rows, TimerValues timers) {
        List<Served> lists = new ArrayList<>();
        if (userId == Served.ANONYMOUS) {
            rows.foreach(lists::add);
            return CollectionConverters.asScala(lists).iterator();
        }
        long known = erasedAt.exists() ? erasedAt.get() : Long.MIN_VALUE;
        long latest = known;
        while (rows.hasNext()) {
            Served s = rows.next();
            if (s.getErasedAt() != null) latest = Math.max(latest, s.getErasedAt());
            else lists.add(s);
        }
        List<Served> out = new ArrayList<>();
        if (latest > known) {
            erasedAt.update(latest);
            Timers.replace(getHandle(), timers.getCurrentProcessingTimeInMs() + keepMs);
            out.add(Served.marker(userId, latest));
        }
        for (Served s : lists) if (latest == Long.MIN_VALUE || s.getServedAt() >= servedBefore(latest)) out.add(s);
        return CollectionConverters.asScala(out).iterator();
    }

    @Override
    public scala.collection.Iterator<Served> handleExpiredTimer(
            Long userId, TimerValues timers, ExpiredTimerInfo expired) {
        erasedAt.clear();
        return CollectionConverters.asScala(List.<Served>of()).iterator();
    }
}
