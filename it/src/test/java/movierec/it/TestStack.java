package movierec.it;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.IndexBootstrap;
import movierec.es.LocalElasticsearch;
import movierec.kafka.LocalKafka;
import movierec.kafka.Topics;

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
