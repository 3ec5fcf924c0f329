package movierec.it;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import movierec.common.KafkaClientSecurity;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.IndexBootstrap;
import movierec.es.LocalElasticsearch;
import movierec.kafka.LocalKafka;
import movierec.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The real stack for integration tests: one Kafka broker and one Elasticsearch per test run (all test classes run
 * in one JVM and share them), on their own ports and data directory so a developer's running system is untouched.
 * Each test uses its own namespace (topic and index prefix), so tests never see each other's data.
 */
public final class TestStack {
    private static MovierecConfig base;
    private static final List<LocalProcess> started = new ArrayList<>();

    private TestStack() {}

    public static synchronized MovierecConfig config() {
        if (base != null) return base;
        Path home = home();
        // -Dit.portOffset=N runs a second suite beside this one (own ports and data directory).
        int off = Integer.getInteger("it.portOffset", 0);
        MovierecConfig c = MovierecConfig.load(home, Map.of(), new Properties())
                .with(Map.of(
                        "data.dir",
                        "it/target/stack" + (off == 0 ? "" : "-" + off),
                        "kafka.port",
                        String.valueOf(19092 + off),
                        "kafka.controller.port",
                        String.valueOf(19093 + off),
                        "es.port",
                        String.valueOf(19200 + off),
                        "train.grid",
                        "fixed",
                        "es.refresh.interval",
                        "200ms",
                        "spark.trigger.ms",
                        "200",
                        "stream.unknown.movie.hold.ms",
                        "5000",
                        // what an erasure's completion waits for: the tests' waits stay short
                        "stream.impressions.trigger.ms",
                        "5000"));
        long t0 = System.nanoTime();
        wipe(c.dataDir()); // every run starts from empty topics and indices
        LocalKafka kafka = new LocalKafka(c);
        LocalElasticsearch es = new LocalElasticsearch(c);
        started.add(kafka.process());
        started.add(es.process());
        Runtime.getRuntime().addShutdownHook(new Thread(TestStack::stopAll));
        kafka.start(90);
        es.start(150);
        System.out.printf("[it] Kafka and Elasticsearch up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        base = c;
        return base;
    }

    /** The shared stack with a namespace prefix: topics and indices created. */
    public static MovierecConfig namespace(String ns) throws Exception {
        MovierecConfig c = config().with(Map.of("namespace", ns));
        Topics.ensure(c);
        try (ElasticsearchClient es = EsClients.create(c)) {
            new IndexBootstrap(es, c).ensure();
        }
        return c;
    }

    /** Starts the stream job for a namespace in its own JVM under the supervisor, as {@code up} does; stopped at the end of the run. */
    public static synchronized LocalProcess startStreamJob(MovierecConfig c) {
        LocalProcess p = new LocalProcess(c, "stream-" + c.get("namespace"));
        if (p.running()) return p;
        p.start(
                List.of(
                        c.home().resolve("bin/supervise").toString(),
                        "stream",
                        c.dataDir()
                                .resolve("run/" + c.get("namespace") + "supervisor.json")
                                .toString(),
                        "--",
                        c.home().resolve("spark/submit_spark_job.sh").toString(),
                        "stream"),
                c.toEnv(),
                c.home());
        if (!started.contains(p)) started.add(0, p);
        return p;
    }

    /** The configuration signed in as another local identity: {@code stream} reads movies and ratings, ... */
    public static MovierecConfig as(MovierecConfig c, String identity) {
        return c.with(Map.of("identity", identity));
    }

    /**
     * A consumer of every partition of {@code topic} from the beginning, signed in as {@code c}'s identity. Assigned,
     * not subscribed: no consumer group, so reading needs only the topic's READ grant.
     */
    public static <K, V> KafkaConsumer<K, V> consumer(
            MovierecConfig c,
            String topic,
            Class<? extends Deserializer<K>> keys,
            Class<? extends Deserializer<V>> values) {
        Properties p = new Properties();
        p.putAll(KafkaClientSecurity.properties(c));
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.kafkaBootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, keys.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, values.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 * 1024 * 1024)); // dead letters
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // A refused client (no or wrong credentials) fails within seconds instead of retrying for a minute.
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }

    /**
     * The start of a kcat command (a real third-party client) against the stack, signed in as {@code c}'s identity.
     * Its SASL settings go in a config file of this user's only ({@code -F}), not on the command line. PLAIN, not
     * SCRAM: Debian's kcat (librdkafka 2.0) sends a SCRAM nonce that Kafka 4 rejects (fixed in librdkafka 2.6.1).
     */
    public static List<String> kcat(MovierecConfig c) throws java.io.IOException {
        // -q before -F: no "Reading configuration" line mixed into the output.
        List<String> cmd = new ArrayList<>(List.of("kcat", "-q", "-b", c.kafkaBootstrap()));
        MovierecConfig signed = c.withLocalCredentials();
        if (signed.get("kafka.security.protocol").isEmpty()) return cmd;
        Path file = c.dataDir().resolve("kcat-" + c.identity() + ".conf");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "security.protocol=" + signed.get("kafka.security.protocol"),
                        "sasl.mechanisms=PLAIN",
                        "sasl.username=" + signed.get("kafka.sasl.username"),
                        "sasl.password=" + signed.get("kafka.sasl.password"),
                        ""));
        cmd.addAll(List.of("-F", file.toString()));
        return cmd;
    }

    static synchronized void stopAll() {
        for (LocalProcess p : started) p.stop(20);
    }

    public static void await(String what, long timeoutMs, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline)
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            LocalProcess.sleep(250);
        }
    }

    private static void wipe(Path dir) {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(
                    "cannot clear " + dir + " (a previous test run still running?): " + e.getMessage(), e);
        }
    }

    static Path home() {
        String env = System.getenv("MOVIEREC_HOME");
        Path p = Path.of(env != null ? env : "..").toAbsolutePath().normalize();
        if (!Files.exists(p.resolve("movierec")))
            p = Path.of(".").toAbsolutePath().normalize();
        return p;
    }
}
