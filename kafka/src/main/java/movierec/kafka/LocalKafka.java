package movierec.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * A local KRaft node (broker and controller in one JVM): {@code kafka_2.13} from Maven Central in its own JVM, with
 * the classpath the {@code kafka/broker} module writes at build time. Storage is formatted once; later starts reuse
 * it. {@code up} runs one node; {@code up --cluster} runs three (node i of n listens on {@code kafka.port} + 10·(i−1),
 * its controller on {@code kafka.controller.port} + 10·(i−1)), all voters of one controller quorum.
 */
public final class LocalKafka {
    /** Port distance between the nodes of a local cluster. */
    public static final int PORT_STEP = 10;

    private final MovierecConfig config;
    private final LocalProcess process;
    private final Path dir;
    private final int node;
    private final int nodes;

    /** The single local node. */
    public LocalKafka(MovierecConfig config) {
        this(config, 1, 1);
    }

    /** Node {@code node} (1-based) of a local cluster of {@code nodes}. */
    public LocalKafka(MovierecConfig config, int node, int nodes) {
        this.config = config;
        this.node = node;
        this.nodes = nodes;
        String name = nodes == 1 ? "kafka" : "kafka-" + node;
        this.process = new LocalProcess(config, name);
        this.dir = config.dataDir().resolve(name);
    }

    public LocalProcess process() {
        return process;
    }

    public int port() {
        return config.getInt("kafka.port") + PORT_STEP * (node - 1);
    }

    private int controllerPort() {
        return config.getInt("kafka.controller.port") + PORT_STEP * (node - 1);
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Every node's client address: the bootstrap list of a local cluster. */
    public static String bootstrap(MovierecConfig config, int nodes) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) out.add(new LocalKafka(config, i, nodes).address());
        return String.join(",", out);
    }

    /** Starts the node unless it already runs, and waits until it answers. Idempotent. */
    public void start(int timeoutSeconds) {
        if (process.running() && healthy()) return;
        launch();
        awaitReady(timeoutSeconds);
    }

    /**
     * Starts the node's JVM without waiting (unless it runs already). A node of a cluster only answers once a majority
     * of the controllers runs: start them all, then {@link #awaitReady}.
     */
    public void launch() {
        if (process.running()) return;
        String key =
                nodes == 1 ? "kafka.port" : "kafka.port (node " + node + " uses it + " + PORT_STEP * (node - 1) + ")";
        LocalProcess.requireFreePort(port(), "Kafka", key);
        LocalProcess.requireFreePort(controllerPort(), "the Kafka controller", "kafka.controller.port");
        try {
            Files.createDirectories(dir);
            Path props = renderServerProperties();
            String classpath = brokerClasspath();
            if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
                format(classpath, props);
            }
            String heap = config.get(nodes == 1 ? "kafka.heap" : "cluster.kafka.heap");
            List<String> cmd = new ArrayList<>(List.of(LocalProcess.currentJava(), "-Xms" + heap, "-Xmx" + heap));
            // Three nodes share two cores with everything else: the serial collector needs no GC threads of its own.
            cmd.addAll(
                    nodes == 1
                            ? List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20")
                            : List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            cmd.addAll(List.of(
                    "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + config.home().resolve("kafka/config/log4j2.yaml"),
                    "-Dmovierec.component=" + process.name(),
                    "-cp",
                    classpath,
                    "kafka.Kafka",
                    props.toString()));
            process.start(cmd, Map.of(), config.home());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the node answers a metadata request. */
    public void awaitReady(int timeoutSeconds) {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (!process.running()) {
                throw new IllegalStateException(process.name() + " exited during start-up: see " + process.logFile());
            }
            if (healthy()) return;
            LocalProcess.sleep(250);
        }
        throw new IllegalStateException(
                process.name() + " did not become ready in " + timeoutSeconds + " s: see " + process.logFile());
    }

    /** True when this node answers a metadata request. */
    public boolean healthy() {
        if (!LocalProcess.listening("127.0.0.1", port())) return false;
        return reachable(config.with(Map.of("kafka.bootstrap", address())), 3);
    }

    /** True when the (local or external) cluster answers describeCluster within the timeout. */
    public static boolean reachable(MovierecConfig config, int timeoutSeconds) {
        try (Admin admin = Topics.admin(config)) {
            admin.describeCluster().nodes().get(timeoutSeconds, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    Path renderServerProperties() throws IOException {
        String template = Files.readString(config.home().resolve("kafka/config/server.properties"));
        List<String> voters = new ArrayList<>();
        for (int i = 1; i <= nodes; i++)
            voters.add(i + "@127.0.0.1:" + new LocalKafka(config, i, nodes).controllerPort());
        String rendered = template.replace("${port}", Integer.toString(port()))
                .replace("${controller_port}", Integer.toString(controllerPort()))
                .replace("${node_id}", Integer.toString(node))
                .replace("${voters}", String.join(",", voters))
                .replace("${replication}", Integer.toString(Math.min(nodes, 3)))
                .replace("${min_isr}", Integer.toString(nodes >= 3 ? 2 : 1))
                .replace("${log_dirs}", dir.resolve("logs").toString());
        if (nodes > 1) {
            // A node that dies is fenced after 3 s instead of 9, so its partitions get new leaders quickly.
            rendered += "broker.heartbeat.interval.ms=500\nbroker.session.timeout.ms=3000\n";
        }
        Path out = dir.resolve("server.properties");
        Files.createDirectories(dir);
        Files.writeString(out, rendered);
        return out;
    }

    private void format(String classpath, Path props) throws IOException {
        String clusterId = clusterId();
        ProcessBuilder pb = new ProcessBuilder(
                        LocalProcess.currentJava(),
                        "-Xmx256m",
                        "-Dlog4j2.configurationFile=" + config.home().resolve("kafka/config/log4j2.yaml"),
                        "-cp",
                        classpath,
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        clusterId,
                        "-c",
                        props.toString())
                .redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) throw new IllegalStateException("formatting Kafka storage failed:\n" + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One id for every node of a cluster (each node's storage is formatted with it), kept beside the nodes' data. */
    private String clusterId() throws IOException {
        if (nodes == 1) return Uuid.randomUuid().toString();
        Path file = config.dataDir().resolve("kafka-cluster.id");
        synchronized (LocalKafka.class) {
            if (!Files.exists(file)) Files.writeString(file, Uuid.randomUuid().toString());
            return Files.readString(file).trim();
        }
    }

    private String brokerClasspath() throws IOException {
        Path file = config.home().resolve("kafka/broker/target/classpath.txt");
        if (!Files.exists(file)) {
            throw new IllegalStateException("the Kafka broker classpath is missing (" + file + "): build first with "
                    + "'mvn -q -DskipTests install' (./movierec does this for you)");
        }
        return Files.readString(file).trim();
    }
}
