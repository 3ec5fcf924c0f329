package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The heartbeat ticks only while a timer may be due, as a real streaming query on a local SparkSession sees it. */
class HeartbeatTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start();
        // as the stream job runs: a batch only when a source has something new
        spark.conf().set("spark.sql.streaming.noDataMicroBatches.enabled", "false");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void ticksOnceATickUntilATickCameAtOrAfterTheLatestTimer() {
        long until = 10_000;
        assertThat(Heartbeat.due(until - 500, until - 1500, until)).isTrue();
        assertThat(Heartbeat.due(until - 500, until - 1000, until))
                .as("a tick ago")
                .isFalse();
        assertThat(Heartbeat.due(until + 600, until - 500, until))
                .as("the tick at or after the timer")
                .isTrue();
        assertThat(Heartbeat.due(until + 5000, until - 9000, until))
                .as("learnt of only after it came due")
                .isTrue();
        assertThat(Heartbeat.due(until + 5000, until, until))
                .as("a tick came at it")
                .isFalse();
        assertThat(Heartbeat.due(5_000, 0, 0)).as("no timer").isFalse();
    }

    @Test
    void anIdleQueryRunsNoBatchUntilATimerIsRegisteredAndTicksOnAcrossARestart() throws Exception {
        Path checkpoint = Files.createTempDirectory("heartbeat");
        StreamingQuery q = start("idle", 0, checkpoint);
        try {
            TimeUnit.MILLISECONDS.sleep(2500);
            // the start window's end is a timer like any other: at most the one tick at the start
            List<Long> idle = ticks("idle");
            assertThat(idle).as("no timer: no tick after the start").hasSizeLessThanOrEqualTo(1);
            assertThat(q.recentProgress().length)
                    .as("batches: the first and the start's tick")
                    .isLessThanOrEqualTo(2);

            Heartbeat.timersUntil("idle", System.currentTimeMillis() + 1500);
            TimeUnit.MILLISECONDS.sleep(4000);
            List<Long> ticked = ticks("idle");
            assertThat(ticked.size() - idle.size())
                    .as("a tick a second until one at or after the timer")
                    .isBetween(2, 3);
            TimeUnit.MILLISECONDS.sleep(1500);
            assertThat(ticks("idle")).as("no tick once the timer is past").hasSameSizeAs(ticked);
            q.stop();

            // the same checkpoint: the count goes on from where it was, and a start window ticks at once
            q = start("idle", 1500, checkpoint);
            TimeUnit.MILLISECONDS.sleep(2000);
            List<Long> after = ticks("idle");
            assertThat(after).as("the start window").isNotEmpty();
            assertThat(after.get(0)).isGreaterThan(ticked.get(ticked.size() - 1));
        } finally {
            q.stop();
        }
    }

    /** The rows' offsets each query saw, in order (the test collects them; the stream job never does). */
    static final Map<String, List<Long>> SEEN = new ConcurrentHashMap<>();

    private static StreamingQuery start(String key, long afterStartMs, Path checkpoint) throws Exception {
        SEEN.put(key, new CopyOnWriteArrayList<>());
        return RatingTransforms.heartbeat(spark, key, afterStartMs)
                .select("offset")
                .as(Encoders.LONG())
                .writeStream()
                .option("checkpointLocation", checkpoint.toString())
                .trigger(Trigger.ProcessingTime(50, TimeUnit.MILLISECONDS))
                .foreachBatch((VoidFunction2<Dataset<Long>, Long>)
                        (batch, id) -> SEEN.get(key).addAll(batch.collectAsList()))
                .start();
    }

    private static List<Long> ticks(String key) {
        return List.copyOf(SEEN.get(key));
    }
}
