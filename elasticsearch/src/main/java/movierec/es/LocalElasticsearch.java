package movierec.es;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import movierec.common.LocalCredentials;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;

/**
 * A local Elasticsearch node: the 9.x integ-test distribution from Maven Central (unpacked by this module's build),
 * run from its place with config, data, logs and temp files under {@code <data.dir>/elasticsearch[-N]}. {@code up}
 * runs one single-node cluster; {@code up --cluster} runs three nodes of one cluster (node i: HTTP on
 * {@code es.port} + 10·(i−1), transport 100 above). Elasticsearch refuses to run as root, so as root it runs as the
 * system user {@code movierec-es} (created once). Security is on unless {@code es.security=false}: anonymous requests
 * are refused and each component signs in as its own user ({@link FileRealm}).
 */
public final class LocalElasticsearch {
    static final String SERVICE_USER = "movierec-es";
    /** Port distance between the nodes of a local cluster. */
    public static final int PORT_STEP = 10;

    private final MovierecConfig config;
    private final LocalProcess process;
    private final Path dir;
    private final int node;
    private final int nodes;

    /** The single local node. */
    public LocalElasticsearch(MovierecConfig config) {
        this(config, 1, 1);
    }

    /** Node {@code node} (1-based) of a local cluster of {@code nodes}. */
    public LocalElasticsearch(MovierecConfig config, int node, int nodes) {
        this.config = config;
        this.node = node;
        this.nodes = nodes;
        String name = nodes == 1 ? "elasticsearch" : "elasticsearch-" + node;
        this.process = new LocalProcess(config, name);
        this.dir = config.dataDir().resolve(name);
    }

    public LocalProcess process() {
        return process;
    }

    public int port() {
        return config.getInt("es.port") + PORT_STEP * (node - 1);
    }

    public String url() {
        return config.esScheme() + "://127.0.0.1:" + port();
    }

    /** Every node's URL: what the clients of a local cluster are given. */
    public static String urls(MovierecConfig config, int nodes) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) out.add(new LocalElasticsearch(config, i, nodes).url());
        return String.join(",", out);
    }

    /** Starts Elasticsearch unless it already answers, and waits for cluster health yellow or green. Idempotent. */
    public void start(int timeoutSeconds) {
        launch();
        waitHealthy(timeoutSeconds);
    }

    /**
     * Starts the node's JVM without waiting (unless it runs already). A node of a cluster answers health only once a
     * majority of the master-eligible nodes runs: start them all, then {@link #waitHealthy}.
     */
    public void launch() {
        int port = port();
        if (process.running() && LocalProcess.listening("127.0.0.1", port)) return;
        if (process.running()) return; // still starting
        String key = nodes == 1 ? "es.port" : "es.port (node " + node + " uses it + " + PORT_STEP * (node - 1) + ")";
        LocalProcess.requireFreePort(port, "Elasticsearch", key);
        LocalProcess.requireFreePort(port + 100, "the Elasticsearch transport", key);
        Path javaHome = findJava21(config.get("es.java.home"));
        Path home = distribution();
        try {
            Path conf = dir.resolve("config");
            if (!Files.exists(conf.resolve("elasticsearch.yml"))) copyTree(home.resolve("config"), conf);
            for (String sub : List.of("data", "logs", "tmp")) Files.createDirectories(dir.resolve(sub));
            boolean secured = config.get("es.security").equals("true");
            if (secured) FileRealm.write(conf, LocalCredentials.ensure(config.dataDir()));
            boolean tls = config.esScheme().equals("https");
            if (tls) {
                // Elasticsearch reads files in its config directory only
                Path certs = LocalTls.ensure(config);
                Files.createDirectories(conf.resolve("tls"));
                for (String f : List.of(LocalTls.CA, LocalTls.CERT, LocalTls.KEY)) {
                    Files.copy(certs.resolve(f), conf.resolve("tls").resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            boolean root = "root".equals(System.getProperty("user.name"));
            List<String> cmd = new ArrayList<>();
            if (root) {
                ensureServiceUser();
                run(List.of("chown", "-R", SERVICE_USER + ":" + SERVICE_USER, dir.toString()));
                allowTraversal(dir);
                allowTraversal(home);
                cmd.addAll(List.of(
                        "setpriv", "--reuid=" + SERVICE_USER, "--regid=" + SERVICE_USER, "--init-groups", "--"));
            }
            cmd.addAll(List.of(home.resolve("bin/elasticsearch").toString()));
            if (nodes == 1) {
                cmd.addAll(List.of("-E", "discovery.type=single-node"));
            } else {
                List<String> seeds = new ArrayList<>();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= nodes; i++) {
                    seeds.add("127.0.0.1:" + (new LocalElasticsearch(config, i, nodes).port() + 100));
                    names.add("node-" + i);
                }
                cmd.addAll(List.of(
                        "-E",
                        "node.name=node-" + node,
                        "-E",
                        "discovery.seed_hosts=" + String.join(",", seeds),
                        "-E",
                        "cluster.initial_master_nodes=" + String.join(",", names)));
            }
            cmd.addAll(List.of(
                    "-E",
                    "xpack.security.enabled=" + secured,
                    // Our own users and roles (FileRealm), no generated passwords or certificates on first start.
                    "-E",
                    "xpack.security.autoconfiguration.enabled=false",
                    "-E",
                    "xpack.security.http.ssl.enabled=" + tls,
                    "-E",
                    "network.host=127.0.0.1",
                    "-E",
                    "http.port=" + port,
                    "-E",
                    "transport.port=" + (port + 100),
                    "-E",
                    "cluster.name=movierec",
                    "-E",
                    "cluster.routing.allocation.disk.threshold_enabled=false",
                    "-E",
                    "path.data=" + dir.resolve("data"),
                    "-E",
                    "path.logs=" + dir.resolve("logs"),
                    "-E",
                    "action.destructive_requires_name=false",
                    "-p",
                    dir.resolve("tmp/es.pid").toString()));
            if (tls) {
                cmd.addAll(List.of(
                        "-E",
                        "xpack.security.http.ssl.key=tls/" + LocalTls.KEY,
                        "-E",
                        "xpack.security.http.ssl.certificate=tls/" + LocalTls.CERT,
                        "-E",
                        "xpack.security.http.ssl.certificate_authorities=tls/" + LocalTls.CA));
            }
            Map<String, String> env = new HashMap<>();
            env.put("ES_JAVA_HOME", javaHome.toString());
            env.put("ES_PATH_CONF", conf.toString());
            env.put("ES_TMPDIR", dir.resolve("tmp").toString());
            env.put("HOME", dir.toString());
            String heap = config.get(nodes == 1 ? "es.heap" : "cluster.es.heap");
            env.put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap + " -Dmovierec.component=" + process.name());
            process.start(cmd, env, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until this node answers cluster health (yellow or green). */
    public void waitHealthy(int timeoutSeconds) {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        try (var es = EsClients.create(config.with(Map.of("es.url", url())))) {
            while (System.currentTimeMillis() < deadline) {
                if (!process.running()) {
                    throw new IllegalStateException(process.name() + " exited during start-up: see " + process.logFile()
                            + " and " + dir.resolve("logs/movierec.log"));
                }
                if (EsClients.health(es) != null) return;
                LocalProcess.sleep(500);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(
                process.name() + " did not become ready in " + timeoutSeconds + " s: see " + process.logFile());
    }

    /** The unpacked distribution, e.g. elasticsearch/target/distribution/elasticsearch-9.2.0. */
    Path distribution() {
        Path base = config.home().resolve("elasticsearch/target/distribution");
        try (Stream<Path> s = Files.exists(base) ? Files.list(base) : Stream.empty()) {
            return s.filter(p -> Files.exists(p.resolve("bin/elasticsearch")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "the Elasticsearch distribution is missing under " + base + ": build first with "
                                    + "'mvn -q -DskipTests install' (./movierec does this for you)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Elasticsearch 9 needs Java 21+. Looks at es.java.home, $ES_JAVA_HOME, $JAVA_HOME, then every JDK under
     * /usr/lib/jvm, and fails with what to install when none is new enough.
     */
    public static Path findJava21(String configured) {
        List<Path> candidates = new ArrayList<>();
        for (String s : new String[] {configured, System.getenv("ES_JAVA_HOME"), System.getenv("JAVA_HOME")}) {
            if (s != null && !s.isBlank()) candidates.add(Path.of(s));
        }
        try (Stream<Path> jvms =
                Files.exists(Path.of("/usr/lib/jvm")) ? Files.list(Path.of("/usr/lib/jvm")) : Stream.empty()) {
            jvms.sorted(Comparator.reverseOrder()).forEach(candidates::add);
        } catch (IOException ignored) {
            // no system JDKs
        }
        for (Path c : candidates) {
            if (javaMajor(c).orElse(0) >= 21 && Files.isExecutable(c.resolve("bin/java"))) return c;
        }
        throw new IllegalStateException(
                "Elasticsearch 9 needs Java 21 or newer and none was found: install one "
                        + "(e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin 21+) and set ES_JAVA_HOME (or es.java.home) to it");
    }

    static Optional<Integer> javaMajor(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.exists(release)) return Optional.empty();
        try {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.startsWith("1.") ? v.substring(2, 3) : v.split("[.+-]")[0];
                    return Optional.of(Integer.parseInt(major));
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // unreadable release file: not a usable JDK
        }
        return Optional.empty();
    }

    private static void ensureServiceUser() throws IOException {
        if (run(List.of("id", "-u", SERVICE_USER)) == 0) return;
        if (run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER))
                != 0) {
            throw new IllegalStateException("Elasticsearch refuses to run as root and the user " + SERVICE_USER
                    + " could not be created: create it (useradd --system " + SERVICE_USER
                    + ") or run movierec as a normal user");
        }
    }

    /**
     * The service user must reach the distribution and the data directory. A checkout under a private directory
     * (mode 700, as mktemp makes) would block it: add the search (x) permission for others on such ancestors only.
     */
    private static void allowTraversal(Path path) throws IOException {
        for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            var perms = Files.getPosixFilePermissions(p);
            if (!perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, perms);
                System.err.println("note: allowed " + SERVICE_USER + " to traverse " + p
                        + " (chmod o+x) so Elasticsearch can reach its files");
            }
        }
    }

    private static int run(List<String> cmd) throws IOException {
        try {
            return new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
