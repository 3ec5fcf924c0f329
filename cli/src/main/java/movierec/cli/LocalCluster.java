package movierec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.es.LocalElasticsearch;
import movierec.kafka.LocalKafka;

/**
 * {@code up --cluster}: three Kafka nodes, three Elasticsearch nodes and a Spark standalone cluster on this machine.
 * Once they run, the rest of movierec sees them exactly as it sees a user's external clusters: the keys in
 * {@link #clientSettings} (several bootstrap servers, several Elasticsearch URLs, a {@code spark://} master) are
 * written to {@code <data.dir>/run/cluster.properties}, which every later command layers over the configuration
 * until {@code down} removes it.
 */
public final class LocalCluster {
    public static final int NODES = 3;
    private final MovierecConfig config;
    private final List<LocalKafka> kafka = new ArrayList<>();
    private final List<LocalElasticsearch> elasticsearch = new ArrayList<>();
    private final SparkStandalone spark;

    public LocalCluster(MovierecConfig config) {
        this.config = config;
        for (int i = 1; i <= NODES; i++) {
            kafka.add(new LocalKafka(config, i, NODES));
            elasticsearch.add(new LocalElasticsearch(config, i, NODES));
        }
        this.spark = new SparkStandalone(config);
    }

    public List<LocalKafka> kafka() {
        return kafka;
    }

    public List<LocalElasticsearch> elasticsearch() {
        return elasticsearch;
    }

    public SparkStandalone spark() {
        return spark;
    }

    /** The keys that point every client (CLI, stream job, API, training) at this cluster. */
    public Map<String, String> clientSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap", LocalKafka.bootstrap(config, NODES));
        s.put("kafka.bootstrap.local", "true"); // our own nodes: clients sign in with the local credentials
        s.put("kafka.replication.factor", "3");
        s.put("kafka.min.insync.replicas", "2");
        s.put("es.url", LocalElasticsearch.urls(config, NODES));
        s.put("es.replicas", "1");
        s.put("spark.master", spark.masterUrl());
        s.put("spark.driver.memory", config.get("cluster.spark.driver.memory"));
        s.put(
                "spark.driver.java.options",
                (config.get("spark.driver.java.options") + " " + spark.driverJavaOptions()).trim());
        return s;
    }

    static Path file(MovierecConfig config) {
        return config.dataDir().resolve("run/cluster.properties");
    }

    /** True while {@code up --cluster} has a cluster recorded (until {@code down}). */
    public static boolean active(MovierecConfig config) {
        return Files.exists(file(config));
    }

    /** The configuration with the recorded cluster's keys over it, or unchanged when no cluster is recorded. */
    public static MovierecConfig apply(MovierecConfig config) {
        Path f = file(config);
        if (!Files.exists(f)) return config;
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": delete it after ./movierec down", e);
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> overrides.put(k, p.getProperty(k)));
        return config.with(overrides);
    }

    /**
     * Records the client settings, then starts every node that is not running (Kafka nodes together, then Elasticsearch
     * nodes together: a node is ready only once a majority of its cluster runs), then the Spark master and workers.
     * Returns the configuration the rest of {@code up} uses.
     */
    public MovierecConfig start(PrintStream out) {
        // recorded first: should a start fail half-way, `down` (and the next `up`) still know the nodes that did start
        record();
        step(out, "Kafka cluster (3 nodes, " + LocalKafka.bootstrap(config, NODES) + ")", () -> {
            kafka.forEach(LocalKafka::launch);
            kafka.forEach(k -> k.awaitReady(120));
        });
        step(out, "Elasticsearch cluster (3 nodes, " + LocalElasticsearch.urls(config, NODES) + ")", () -> {
            elasticsearch.forEach(LocalElasticsearch::launch);
            elasticsearch.forEach(e -> e.waitHealthy(240));
        });
        step(
                out,
                "Spark standalone cluster (master " + spark.masterUrl() + ", "
                        + spark.workers().size() + " workers)",
                () -> spark.start(120));
        return config.with(clientSettings());
    }

    /** Writes {@link #clientSettings} to {@code <data.dir>/run/cluster.properties}, where {@link #apply} finds them. */
    void record() {
        Properties p = new Properties();
        clientSettings().forEach(p::setProperty);
        try {
            Files.createDirectories(file(config).getParent());
            try (OutputStream o = Files.newOutputStream(file(config))) {
                p.store(
                        o,
                        "written by ./movierec up --cluster, removed by ./movierec down: where the local cluster listens");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stop order: Spark workers and master, then Elasticsearch nodes, then Kafka nodes. */
    public List<LocalProcess> processesInStopOrder() {
        List<LocalProcess> out = new ArrayList<>(spark.processesInStopOrder());
        for (int i = NODES - 1; i >= 0; i--) out.add(elasticsearch.get(i).process());
        for (int i = NODES - 1; i >= 0; i--) out.add(kafka.get(i).process());
        return out;
    }

    /** Forgets the recorded cluster (after {@code down} stopped it): later commands use the plain configuration. */
    public void forget() {
        try {
            Files.deleteIfExists(file(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void step(PrintStream out, String what, Runnable action) {
        long t = System.nanoTime();
        out.print("  starting " + what + " ... ");
        out.flush();
        action.run();
        out.printf("up (%.1f s)%n", (System.nanoTime() - t) / 1e9);
    }
}
