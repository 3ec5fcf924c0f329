package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.IndexBootstrap;
import movierec.es.LocalElasticsearch;
import movierec.kafka.LocalKafka;
import movierec.kafka.Topics;

/**
 * The processes {@code up} starts and {@code down} stops, in start order: Kafka, Elasticsearch, the stream job, the
 * API. A component with an external cluster configured is checked for reachability instead of started.
 */
public final class Stack {
    private final MovierecConfig config;
    private final LocalKafka kafka;
    private final LocalElasticsearch elasticsearch;
    private final LocalProcess stream;
    private final LocalProcess api;
    private final LocalCluster cluster;

    public Stack(MovierecConfig config) {
        this.config = config;
        this.cluster = new LocalCluster(config);
        this.kafka = new LocalKafka(config);
        this.elasticsearch = new LocalElasticsearch(config);
        this.stream = new LocalProcess(config, "stream");
        this.api = new LocalProcess(config, "api");
    }

    public MovierecConfig config() {
        return config;
    }

    /** Local processes in stop order (reverse of start order): the single nodes, or the nodes of {@code up --cluster}. */
    public List<LocalProcess> processesInStopOrder() {
        List<LocalProcess> out = new ArrayList<>(List.of(api, stream));
        if (LocalCluster.active(config)) out.addAll(cluster.processesInStopOrder());
        else out.addAll(List.of(elasticsearch.process(), kafka.process()));
        return out;
    }

    /** Every process either mode starts, in stop order: what {@code down} stops, whatever is recorded. */
    public List<LocalProcess> everyProcessInStopOrder() {
        List<LocalProcess> out = new ArrayList<>(List.of(api, stream));
        out.addAll(cluster.processesInStopOrder());
        out.addAll(List.of(elasticsearch.process(), kafka.process()));
        return out;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public LocalProcess stream() {
        return stream;
    }

    public LocalProcess elasticsearch() {
        return elasticsearch.process();
    }

    public LocalProcess kafka() {
        return kafka.process();
    }

    public LocalProcess api() {
        return api;
    }

    /** Starts the API (its own JVM, the api module's classpath) and waits until it answers. */
    public void startApi() throws IOException {
        String host = config.get("api.host");
        int port = config.getInt("api.port");
        if (!api.running()) {
            LocalProcess.requireFreePort(port, "the API", "api.port");
            String cp = config.home().resolve("api/target/classes") + ":"
                    + Files.readString(config.home().resolve("api/target/classpath.txt"))
                            .trim();
            api.start(
                    List.of(
                            LocalProcess.currentJava(),
                            "-Xms256m",
                            "-Xmx512m",
                            "-XX:+UseG1GC",
                            "-Dmovierec.component=api",
                            "-cp",
                            cp,
                            "movierec.api.ApiServer"),
                    config.toEnv(),
                    config.home());
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (!LocalProcess.listening(host, port)) {
            if (!api.running()) throw new IllegalStateException("the API exited during start-up: see " + api.logFile());
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException("the API did not start in 60 s: see " + api.logFile());
            LocalProcess.sleep(200);
        }
    }

    /** Runs ALS training in the foreground (its own JVM), its log lines on {@code out}. */
    public void train(java.io.PrintStream out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        config.home().resolve("spark/submit_spark_job.sh").toString(), "train")
                .redirectErrorStream(true)
                .directory(config.home().toFile());
        pb.environment().putAll(config.toEnv());
        if (LocalCluster.active(config)) pb.environment().put("SPARK_HOME", "");
        Process p = pb.start();
        p.getOutputStream().close();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = lines.readLine()) != null)
                if (line.contains(" INFO ") || line.contains("ERROR")) out.println("  " + line);
        }
        if (p.waitFor() != 0) throw new IllegalStateException("training failed: see the lines above");
    }

    public void startKafka() {
        if (config.localKafka()) {
            kafka.start(90);
        } else if (!LocalKafka.reachable(config, 10)) {
            throw new IllegalStateException("cannot reach Kafka at " + config.kafkaBootstrap()
                    + ": check MOVIEREC_KAFKA_BOOTSTRAP (kafka.bootstrap) and that the brokers are up");
        }
    }

    public void startElasticsearch() {
        if (config.localElasticsearch()) {
            elasticsearch.start(150);
        } else {
            try (ElasticsearchClient es = reachableElasticsearch(config)) {
                // reachable: nothing to start
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A client of a reachable Elasticsearch, or a one-line error that says what to do. */
    public static ElasticsearchClient reachableElasticsearch(MovierecConfig config) {
        ElasticsearchClient es = EsClients.create(config);
        if (EsClients.health(es) != null) return es;
        try {
            es.close();
        } catch (IOException ignored) {
            // the error below is the one to report
        }
        throw new IllegalStateException(
                "cannot reach Elasticsearch at " + config.esUrl() + ": start it with ./movierec up, or check"
                        + " MOVIEREC_ES_URL (es.url), MOVIEREC_ES_API_KEY or MOVIEREC_ES_USERNAME/PASSWORD");
    }

    /** Creates missing topics and indices; returns what it created. */
    public List<String> bootstrap() throws IOException {
        List<String> created = new ArrayList<>(Topics.ensure(config));
        try (ElasticsearchClient es = EsClients.create(config)) {
            created.addAll(new IndexBootstrap(es, config).ensure());
        }
        return created;
    }

    /** Starts the stream job under {@code bin/supervise}, which restarts it with back-off if it dies. */
    public void startStreamJob() throws IOException {
        if (stream.running()) return;
        Path state = config.dataDir().resolve("run/stream.supervisor.json");
        Files.deleteIfExists(state);
        List<String> cmd = List.of(
                config.home().resolve("bin/supervise").toString(),
                "stream",
                state.toString(),
                "--",
                config.home().resolve("spark/submit_spark_job.sh").toString(),
                "stream");
        Map<String, String> env = new HashMap<>(config.toEnv());
        // On the local cluster the driver is a plain JVM (submit_spark_job.sh's own launch) whatever SPARK_HOME says.
        if (LocalCluster.active(config)) env.put("SPARK_HOME", "");
        stream.start(cmd, env, config.home());
    }

    /** Deletes a namespace's indices and topics (what {@code evaluate} and {@code bench} create for themselves). */
    public static void dropNamespace(ElasticsearchClient es, MovierecConfig ns) throws Exception {
        for (String name : IndexBootstrap.INDICES) {
            es.indices()
                    .delete(d -> d.index(ns.index(name) + "_v*")
                            .ignoreUnavailable(true)
                            .allowNoIndices(true));
        }
        Topics.drop(ns);
    }

    public Path supervisorFile() {
        return config.dataDir().resolve("run/stream.supervisor.json");
    }
}
