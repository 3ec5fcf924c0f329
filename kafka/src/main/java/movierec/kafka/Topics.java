package movierec.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import movierec.common.MovierecConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics and their settings. Partitions, replication factor and min.insync.replicas come from configuration, so
 * the same definitions serve this single local broker and a 3-broker cluster.
 */
public final class Topics {
    public static final String MOVIES = "movies";
    public static final String RATINGS = "ratings";
    public static final String MOVIES_DLQ = "movies.dlq";
    public static final String RATINGS_DLQ = "ratings.dlq";
    /** Internal: the stream job's changed (user, movie) pairs, from its movie-keyed stage to its user-keyed stage. */
    public static final String RATING_PAIRS = "ratings.pairs";

    private Topics() {}

    public static List<NewTopic> definitions(MovierecConfig config) {
        short replication = (short) config.getInt("kafka.replication.factor");
        String minIsr = config.get("kafka.min.insync.replicas");
        List<NewTopic> topics = new ArrayList<>();
        // movies: keyed by movie id and compacted, so the topic is the latest version of every movie.
        topics.add(new NewTopic(config.topic(MOVIES), config.getInt("kafka.partitions.movies"), replication)
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                        minIsr)));
        // ratings: keyed by user id so one user's events stay in order; kept forever so a replay rebuilds everything.
        topics.add(new NewTopic(config.topic(RATINGS), config.getInt("kafka.partitions.ratings"), replication)
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr)));
        // ratings.pairs: keyed by user:movie and compacted, so it holds every pair's latest value (retractions
        // included).
        topics.add(new NewTopic(config.topic(RATING_PAIRS), config.getInt("kafka.partitions.ratings"), replication)
                .configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                        minIsr)));
        for (String dlq : List.of(MOVIES_DLQ, RATINGS_DLQ)) {
            // Dead letters can be big (a 1 MB bad value plus its reason): allow them.
            topics.add(new NewTopic(config.topic(dlq), 1, replication)
                    .configs(Map.of(
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            String.valueOf(4 * 1024 * 1024),
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                            minIsr)));
        }
        return topics;
    }

    /** Creates the missing topics; existing ones are left as they are. Returns the names it created. */
    public static List<String> ensure(MovierecConfig config) {
        try (Admin admin = admin(config)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = definitions(config).stream()
                    .filter(t -> !existing.contains(t.name()))
                    .toList();
            List<String> created = new ArrayList<>();
            for (NewTopic t : missing) {
                try {
                    admin.createTopics(List.of(t)).all().get();
                    created.add(t.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw e;
                }
            }
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create topics on " + config.kafkaBootstrap() + ": "
                            + e.getCause().getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Admin admin(MovierecConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(p);
    }
}
