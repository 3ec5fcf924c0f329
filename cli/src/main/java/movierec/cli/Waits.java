package movierec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.common.Progress;
import movierec.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** Kafka offsets, the stream job's progress and the wait for "everything produced is indexed". */
public final class Waits {
    private Waits() {}

    /** Latest offset of every partition of a topic. */
    public static Map<Integer, Long> endOffsets(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<Integer, Long> out = new HashMap<>();
        admin.listOffsets(request)
                .all()
                .get(10, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    public static long topicSize(MovierecConfig config, String topic) throws Exception {
        try (Admin admin = Topics.admin(config)) {
            return endOffsets(admin, topic).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** The stream job's last reported progress ({@code <data>/run/stream-status.json}), or null. */
    public static JsonNode streamStatus(MovierecConfig config) {
        return readJson(config.dataDir().resolve("run/" + config.get("namespace") + "stream-status.json"));
    }

    /**
     * The running stream job's trigger interval for {@code query}, as it reports it; {@code configKey}'s value here when
     * it reports none (not running, or older). The bench paces and labels its figures by the job's own setting.
     */
    static int jobTriggerMs(MovierecConfig config, String query, String configKey) {
        JsonNode status = streamStatus(config);
        int reported = status == null
                ? 0
                : status.path("queries").path(query).path("triggerMs").asInt();
        return reported > 0 ? reported : config.getInt(configKey);
    }

    public static JsonNode readJson(Path file) {
        try {
            return Files.exists(file) ? new ObjectMapper().readTree(file.toFile()) : null;
        } catch (Exception e) {
            return null; // being rewritten: try again next poll
        }
    }

    /** Events not yet processed by the job's query for {@code topic}: end offsets minus the job's offsets. */
    public static long lag(Admin admin, JsonNode status, String query, String topic) throws Exception {
        Map<Integer, Long> end = endOffsets(admin, topic);
        JsonNode done = status == null
                ? null
                : status.path("queries").path(query).path("offsets").path(topic);
        long lag = 0;
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            long processed =
                    done == null ? 0 : done.path(String.valueOf(e.getKey())).asLong(0);
            lag += Math.max(0, e.getValue() - processed);
        }
        return lag;
    }

    /**
     * Waits until the stream job has processed everything in the movies and ratings topics (movies query; ratings
     * query, which reads both) and every pair change that produced (users query), showing progress; then until the
     * movie statistics left to a timer are written.
     */
    public static void untilIndexed(MovierecConfig config, int timeoutSeconds, PrintStream out) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        try (Admin admin = Topics.admin(config)) {
            long total = 0;
            for (String t : List.of(Topics.MOVIES, Topics.RATINGS)) {
                total += endOffsets(admin, config.topic(t)).values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
            }
            Progress progress = null;
            long reported = 0;
            while (true) {
                JsonNode status = streamStatus(config);
                long lag = lag(admin, status, "movies", config.topic(Topics.MOVIES))
                        + lag(admin, status, "ratings", config.topic(Topics.RATINGS));
                long done = Math.max(0, total - lag);
                if (progress == null) {
                    // what the job had read before this wait is shown, not counted in the rate
                    progress = new Progress("indexing", done, total, out);
                    reported = done;
                }
                // the pairs topic is read after the ratings query's lag: once that is 0, its end offsets are final
                if (lag == 0)
                    lag = lag(admin, status, "ratings", config.topic(Topics.MOVIES))
                            + lag(admin, status, "users", config.topic(Topics.RATING_PAIRS));
                progress.step(done - reported);
                reported = done;
                if (lag == 0) break;
                if (System.currentTimeMillis() > deadline) {
                    progress.finish();
                    throw new IllegalStateException("the stream job still has " + lag + " events to index after "
                            + timeoutSeconds + " s: see ./movierec logs stream");
                }
                LocalProcess.sleep(500);
            }
            progress.finish();
        }
        // The last statistics of a busy movie may wait up to stream.movie.stats.interval.ms for their timer
        // (RatingsByMovie): the job reports the latest such timer, and its heartbeat starts a ratings batch after it.
        JsonNode status = streamStatus(config);
        long due = status == null
                ? 0
                : status.path("queries").path("ratings").path("statsDueBy").asLong(0);
        while (batchStart(streamStatus(config), "ratings") <= due) {
            // a batch can take long (a cluster's first one ships every task): the caller's time-out applies
            if (System.currentTimeMillis() > Math.max(deadline, due + 30_000)) {
                throw new IllegalStateException(
                        "the stream job's ratings query completed no batch in time: see" + " ./movierec logs stream");
            }
            LocalProcess.sleep(200);
        }
    }

    /** When the query's last reported batch started (epoch ms), 0 before its first. */
    private static long batchStart(JsonNode status, String query) {
        JsonNode q = status == null ? null : status.path("queries").path(query);
        return q == null
                ? 0
                : q.path("lastProgressAt").asLong(0) - q.path("durationMs").asLong(0);
    }
}
