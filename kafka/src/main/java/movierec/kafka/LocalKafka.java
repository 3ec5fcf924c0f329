package movierec.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import movierec.common.LocalCredentials;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;

/**
 * A local KRaft node (broker and controller in one JVM): {@code kafka_2.13} from Maven Central in its own JVM, with
 * the classpath the {@code kafka/broker} module writes at build time. Storage is formatted once; later starts reuse
 * it. {@code up} runs one node; {@code up --cluster} runs three (node i of n listens on {@code kafka.port} + 10·(i−1),
 * its controller on {@code kafka.controller.port} + 10·(i−1)), all voters of one controller quorum.
 *
 * <p>Security is on unless {@code kafka.security.local=false}. Clients sign in with SASL/SCRAM-SHA-256 as their
 * component's user ({@code movierec-stream}, {@code movierec-api}, {@code movierec-cli}; passwords from
 * {@link LocalCredentials}), and {@code StandardAuthorizer} refuses whatever the ACLs ({@link Topics#acls}) do not
 * grant. The broker's own user {@code movierec-broker} is the super user: it signs in with PLAIN, on the controller
 * listener (KRaft controllers cannot use SCRAM: the SCRAM credentials live in the metadata they serve) and between
 * brokers, and creates the components' SCRAM credentials and the ACLs. The client listener also takes PLAIN from the
 * components, for third-party tools whose SCRAM Kafka 4 refuses. Everything listens on 127.0.0.1 only, so PLAIN's
 * clear-text password never leaves the machine.
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
            if (secured()) LocalCredentials.ensure(config.dataDir());
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

    /** Waits until the node answers a metadata request, then makes sure the components' users exist. */
    public void awaitReady(int timeoutSeconds) {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (!process.running()) {
                throw new IllegalStateException(process.name() + " exited during start-up: see " + process.logFile());
            }
            if (healthy()) {
                if (secured()) createUsers();
                return;
            }
            LocalProcess.sleep(250);
        }
        throw new IllegalStateException(
                process.name() + " did not become ready in " + timeoutSeconds + " s: see " + process.logFile());
    }

    /** True when this node answers a metadata request (asked as the broker's user). */
    public boolean healthy() {
        if (!LocalProcess.listening("127.0.0.1", port())) return false;
        return reachable(asBroker(), 3);
    }

    /** A client configuration for this node, signed in as the broker's own (super) user when security is on. */
    private MovierecConfig asBroker() {
        return config.with(Map.of(
                "kafka.bootstrap",
                address(),
                "kafka.bootstrap.local",
                "true",
                "identity",
                LocalCredentials.KAFKA_BROKER));
    }

    private boolean secured() {
        return Boolean.parseBoolean(config.get("kafka.security.local"));
    }

    /**
     * Sets every component's SCRAM credentials from the credentials file, at each start (idempotent; a new file
     * replaces the old passwords). Done through the Admin API as the broker, rather than with
     * {@code kafka-storage format --add-scram}, so no password appears on a command line and storage formatted
     * before security was on gets them too.
     */
    private void createUsers() {
        LocalCredentials creds = LocalCredentials.ensure(config.dataDir());
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (String c : LocalCredentials.COMPONENTS) {
            users.add(new UserScramCredentialUpsertion(
                    MovierecConfig.LOCAL_USER_PREFIX + c,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                    creds.password("kafka", c)));
        }
        try (Admin admin = Topics.admin(asBroker())) {
            admin.alterUserScramCredentials(users).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "could not create the Kafka users on " + process.name() + " (" + e.getMessage() + "): see "
                            + process.logFile(),
                    e);
        }
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
        String rendered = template.replace("${protocol}", secured() ? "SASL_PLAINTEXT" : "PLAINTEXT")
                .replace("${port}", Integer.toString(port()))
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
        if (secured()) rendered += saslSettings();
        Path out = dir.resolve("server.properties");
        Files.createDirectories(dir);
        // It holds the broker's password: readable by this user only, from its creation on.
        Files.deleteIfExists(out);
        Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(out, rendered);
        return out;
    }

    /** The listeners' SASL settings and the authorizer (see the class comment). */
    private String saslSettings() {
        LocalCredentials creds = LocalCredentials.ensure(config.dataDir());
        String broker = MovierecConfig.LOCAL_USER_PREFIX + LocalCredentials.KAFKA_BROKER;
        String brokerPassword = creds.password("kafka", LocalCredentials.KAFKA_BROKER);
        // Client side (to the controllers, to other brokers): signing in as the broker; server side: its PLAIN users.
        String signIn = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + broker
                + "\" password=\"" + brokerPassword + "\"";
        String brokerOnly = signIn + plainUser(broker, brokerPassword) + ";";
        StringBuilder everyone = new StringBuilder(signIn + plainUser(broker, brokerPassword));
        for (String c : LocalCredentials.COMPONENTS)
            everyone.append(plainUser(MovierecConfig.LOCAL_USER_PREFIX + c, creds.password("kafka", c)));
        return String.join(
                "\n",
                "listener.name.client.sasl.enabled.mechanisms=" + MovierecConfig.LOCAL_KAFKA_MECHANISM + ",PLAIN",
                "listener.name.client.scram-sha-256.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                // The components may sign in with PLAIN too, for third-party tools on librdkafka before 2.6.1
                // (Debian's kcat): their SCRAM sends a nonce Kafka 4 rejects. Same users, same ACLs.
                "listener.name.client.plain.sasl.jaas.config=" + everyone + ";",
                "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                "listener.name.controller.plain.sasl.jaas.config=" + brokerOnly,
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                "sasl.mechanism.controller.protocol=PLAIN",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users=User:" + broker,
                "allow.everyone.if.no.acl.found=false",
                "");
    }

    private static String plainUser(String user, String password) {
        return " user_" + user + "=\"" + password + "\"";
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
