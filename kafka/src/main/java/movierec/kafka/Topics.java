package movierec.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import movierec.common.KafkaClientSecurity;
import movierec.common.LocalCredentials;
import movierec.common.MovierecConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

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
    /**
     * Internal: the stream job's retractions on behalf of a user's erasure, from its user-keyed stage back to its
     * movie-keyed one.
     */
    public static final String RATING_ERASURES = "ratings.erasures";
    /** Every list the API served ({@code Impression}), keyed by user id, on its way to the {@code impressions} index. */
    public static final String IMPRESSIONS = "impressions";
    /** How long {@link #RATING_ERASURES} and {@link #IMPRESSIONS} keep its records (the user and movie ids of erased pairs): 7 days. */
    static final long WEEK_MS = 7L * 24 * 3600 * 1000;

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
        // ratings.erasures: keyed by user id; read within seconds, so a week's retention bounds how long it holds the
        // ids
        // of erased pairs (a replay needs none of it: replaying the erasure itself sends its retractions again).
        topics.add(new NewTopic(config.topic(RATING_ERASURES), config.getInt("kafka.partitions.ratings"), replication)
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        String.valueOf(WEEK_MS),
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                        minIsr)));
        // impressions: keyed by user id, with the stream job's erasure markers among them (its impressions query
        // drops an erased user's lists); the index keeps them, the topic a week.
        topics.add(new NewTopic(config.topic(IMPRESSIONS), config.getInt("kafka.partitions.ratings"), replication)
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        String.valueOf(WEEK_MS),
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

    /**
     * Creates the missing topics; existing ones are left as they are. Returns the names it created. On the local
     * secured brokers it first grants the namespace's ACLs ({@link #acls}, idempotent): a broker applies metadata in
     * order, so any broker that knows a topic already knows who may use it.
     */
    public static List<String> ensure(MovierecConfig config) {
        try (Admin admin = admin(provisioner(config))) {
            if (config.localKafkaSecured()) admin.createAcls(acls(config)).all().get();
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

    /** Deletes the namespace's topics (and on the local secured brokers its ACLs): what {@code evaluate} and benches clean up. */
    public static void drop(MovierecConfig config) throws Exception {
        try (Admin admin = admin(provisioner(config))) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> names = definitions(config).stream()
                    .map(NewTopic::name)
                    .filter(existing::contains)
                    .toList();
            admin.deleteTopics(names).all().get();
            if (config.localKafkaSecured()) {
                admin.deleteAcls(acls(config).stream().map(AclBinding::toFilter).toList())
                        .all()
                        .get();
            }
        }
    }

    /**
     * Who may do what with a namespace's topics on the local secured brokers, per component user (the broker's own
     * user is a super user and needs none). One literal pattern per topic, granted when {@link #ensure} creates the
     * namespace's topics: ACL patterns match a whole name or a prefix only, and a prefix is too wide both ways: a
     * PREFIXED {@code ns_ratings} also covers {@code ns_ratings.dlq} and {@code ns_ratings.pairs}, and a PREFIXED
     * namespace covers every topic in it.
     *
     * <ul>
     *   <li>{@code api}: write {@code ratings} (POST /api/users/{id}/ratings) and {@code impressions} (every list
     *       served).
     *   <li>{@code cli} (load, collect, simulate, bench, evaluate, tests): write {@code movies} and {@code ratings};
     *       read the dead-letter topics (what an operator inspects); describe every topic and its settings (status,
     *       lag and waits read end offsets). Creating and deleting topics and ACLs is done as the broker user.
     *   <li>{@code stream}: read {@code movies}, {@code ratings}, {@code impressions} and its internal
     *       {@code ratings.pairs} and {@code ratings.erasures}; write the dead-letter topics, the internal ones and
     *       {@code impressions} (erasure markers); its Kafka source's consumer groups
     *       ({@link MovierecConfig#streamGroupPrefix}).
     * </ul>
     *
     * Nobody else reads {@code movies} or {@code ratings}, and nobody else writes them.
     */
    public static List<AclBinding> acls(MovierecConfig config) {
        List<AclBinding> out = new ArrayList<>();
        String api = principal("api"), cli = principal("cli"), stream = principal("stream");
        out.add(topic(config, RATINGS, api, AclOperation.WRITE));
        out.add(topic(config, IMPRESSIONS, api, AclOperation.WRITE));
        for (String t : List.of(MOVIES, RATINGS)) out.add(topic(config, t, cli, AclOperation.WRITE));
        for (String t : List.of(MOVIES_DLQ, RATINGS_DLQ)) out.add(topic(config, t, cli, AclOperation.READ));
        for (String t : List.of(MOVIES, RATINGS, RATING_PAIRS, RATING_ERASURES, IMPRESSIONS, MOVIES_DLQ, RATINGS_DLQ)) {
            for (AclOperation op : List.of(AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS))
                out.add(topic(config, t, cli, op));
        }
        for (String t : List.of(MOVIES, RATINGS, RATING_PAIRS, RATING_ERASURES, IMPRESSIONS))
            out.add(topic(config, t, stream, AclOperation.READ));
        for (String t : List.of(MOVIES_DLQ, RATINGS_DLQ, RATING_PAIRS, RATING_ERASURES, IMPRESSIONS))
            out.add(topic(config, t, stream, AclOperation.WRITE));
        out.add(binding(
                new ResourcePattern(ResourceType.GROUP, config.streamGroupPrefix(), PatternType.PREFIXED),
                stream,
                AclOperation.READ));
        return out;
    }

    private static String principal(String component) {
        return "User:" + MovierecConfig.LOCAL_USER_PREFIX + component;
    }

    private static AclBinding topic(MovierecConfig config, String name, String principal, AclOperation op) {
        return binding(new ResourcePattern(ResourceType.TOPIC, config.topic(name), PatternType.LITERAL), principal, op);
    }

    private static AclBinding binding(ResourcePattern pattern, String principal, AclOperation op) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    /** Creating topics and ACLs on the local secured brokers is the broker user's job; elsewhere the configured user's. */
    private static MovierecConfig provisioner(MovierecConfig config) {
        return config.localKafkaSecured() ? config.with(Map.of("identity", LocalCredentials.KAFKA_BROKER)) : config;
    }

    /** An admin client signed in as {@code config}'s identity ({@link KafkaClientSecurity}). */
    public static Admin admin(MovierecConfig config) {
        Properties p = new Properties();
        p.putAll(KafkaClientSecurity.properties(config));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(p);
    }
}
