package movierec.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;

/**
 * A Spark standalone cluster on this machine: Spark's own {@code Master} and {@code Worker} classes from the Maven
 * jars, each in its own JVM. No Spark distribution is downloaded: a worker launches its executors from
 * {@code $SPARK_HOME/jars}, so {@link #layOutHome} makes a Spark home whose {@code jars/} links the spark module's
 * runtime classpath (the Maven-built one, Spark itself included) plus our classes as a jar. The stream job then runs
 * as a client-mode application on the master (its driver is the supervised JVM {@code up} starts), its executors on
 * the workers.
 */
public final class SparkStandalone {
    private final MovierecConfig config;
    private final LocalProcess master;
    private final List<LocalProcess> workers = new ArrayList<>();

    public SparkStandalone(MovierecConfig config) {
        this.config = config;
        this.master = new LocalProcess(config, "spark-master");
        for (int i = 1; i <= config.getInt("cluster.spark.workers"); i++)
            workers.add(new LocalProcess(config, "spark-worker-" + i));
    }

    public LocalProcess master() {
        return master;
    }

    public List<LocalProcess> workers() {
        return workers;
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + config.getInt("cluster.spark.master.port");
    }

    /** The Spark home under the spark module's build output: {@code jars/} and {@code conf/}. */
    public Path home() {
        return config.home().resolve("spark/target/spark-home");
    }

    /**
     * Makes {@code spark/target/spark-home}: {@code jars/} holds a link to every jar of the spark module's runtime
     * classpath (links, not 360 MB of copies) and {@code movierec-*.jar} packed from our modules' class directories;
     * {@code conf/} holds the log configuration. Rebuilt on every start, so it always matches the last build.
     */
    public void layOutHome() {
        Path cpFile = config.home().resolve("spark/target/classpath.txt");
        Path classes = config.home().resolve("spark/target/classes");
        if (!Files.exists(cpFile) || !Files.isDirectory(classes)) {
            throw new IllegalStateException("the spark module is not built (" + cpFile
                    + "): run 'mvn -DskipTests install' (./movierec does this for you)");
        }
        try {
            Path jars = home().resolve("jars");
            deleteTree(home());
            Files.createDirectories(jars);
            Files.createDirectories(home().resolve("conf"));
            Files.copy(config.home().resolve("spark/log4j2.properties"), home().resolve("conf/log4j2.properties"));
            List<String> entries =
                    new ArrayList<>(List.of(Files.readString(cpFile).trim().split(":")));
            entries.add(0, classes.toString());
            for (String entry : entries) {
                if (entry.isBlank()) continue;
                Path p = Path.of(entry);
                if (Files.isDirectory(p)) {
                    // a module of this build compiled but not packaged (target/classes): pack it, executors only read
                    // jars/*.jar
                    jar(p, jars.resolve("movierec-" + p.getParent().getParent().getFileName() + ".jar"));
                } else if (Files.exists(p)) {
                    Path link = jars.resolve(p.getFileName());
                    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        Files.createSymbolicLink(link, p.toAbsolutePath());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the Spark home " + home() + ": " + e.getMessage(), e);
        }
    }

    /** Starts the master and the workers (those not running) and waits until every worker has registered. */
    public void start(int timeoutSeconds) {
        layOutHome();
        int port = config.getInt("cluster.spark.master.port");
        if (!master.running()) {
            LocalProcess.requireFreePort(port, "the Spark master", "cluster.spark.master.port");
            LocalProcess.requireFreePort(port + 1, "the Spark master's web UI", "cluster.spark.master.port");
            master.start(
                    command(
                            "spark-master",
                            "org.apache.spark.deploy.master.Master",
                            List.of(
                                    "--host",
                                    "127.0.0.1",
                                    "--port",
                                    String.valueOf(port),
                                    "--webui-port",
                                    String.valueOf(port + 1))),
                    env(),
                    config.home());
        }
        for (int i = 0; i < workers.size(); i++) startWorker(i + 1);
        awaitWorkers(timeoutSeconds);
    }

    /** Starts worker {@code n} (1-based) unless it runs; it registers with the master on its own. */
    public void startWorker(int n) {
        LocalProcess w = workers.get(n - 1);
        if (w.running()) return;
        Path workDir = config.dataDir().resolve("spark/" + w.name());
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Executor memory is the application's (spark.executor.memory); a worker offers room for two executors: one of
        // the stream job, one of a training run beside it.
        int executorMb = megabytes(config.get("cluster.spark.executor.memory"));
        w.start(
                command(
                        w.name(),
                        "org.apache.spark.deploy.worker.Worker",
                        List.of(
                                "--host",
                                "127.0.0.1",
                                "--port",
                                "0",
                                "--webui-port",
                                "0",
                                "--cores",
                                config.get("cluster.spark.worker.cores"),
                                "--memory",
                                (2 * executorMb + 256) + "m",
                                "--work-dir",
                                workDir.toString(),
                                masterUrl())),
                workerEnv(workDir),
                config.home());
    }

    /** Waits until the master reports every worker ALIVE (its JSON page lists them). */
    public void awaitWorkers(int timeoutSeconds) {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (!master.running())
                throw new IllegalStateException("the Spark master exited during start-up: see " + master.logFile());
            for (LocalProcess w : workers) {
                if (!w.running())
                    throw new IllegalStateException(w.name() + " exited during start-up: see " + w.logFile());
            }
            if (aliveWorkers() >= workers.size()) return;
            LocalProcess.sleep(500);
        }
        throw new IllegalStateException("the Spark workers did not register with the master in " + timeoutSeconds
                + " s: see " + master.logFile() + " and " + workers.get(0).logFile());
    }

    /** The master's web UI (one port above the master's): its {@code /json/} page is how status reads the cluster. */
    public String masterUiUrl() {
        return "http://127.0.0.1:" + (config.getInt("cluster.spark.master.port") + 1);
    }

    /** The master's view of the cluster ({@code /json/}: workers, cores, applications), or null when it does not answer. */
    public com.fasterxml.jackson.databind.JsonNode masterState() {
        try {
            var http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(java.time.Duration.ofSeconds(2))
                    .build();
            var r = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(masterUiUrl() + "/json/"))
                            .timeout(java.time.Duration.ofSeconds(3))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Workers the master sees ALIVE, or -1 when the master does not answer. */
    public int aliveWorkers() {
        var state = masterState();
        return state == null ? -1 : state.path("aliveworkers").asInt();
    }

    /** Stop order: workers (and their executors) first, then the master. */
    public List<LocalProcess> processesInStopOrder() {
        List<LocalProcess> out = new ArrayList<>(workers);
        out.add(master);
        return out;
    }

    /** SPARK_HOME and the Scala version: what a worker needs to build its executors' command line. */
    Map<String, String> env() {
        return Map.of("SPARK_HOME", home().toString(), "SPARK_SCALA_VERSION", "2.13");
    }

    /** A worker's environment: its executors' scratch space (shuffle files, block manager) under its work dir, not /tmp. */
    private Map<String, String> workerEnv(Path workDir) {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("SPARK_LOCAL_DIRS", workDir.resolve("local").toString());
        return env;
    }

    /** The executors' and the driver's Spark settings for this cluster, as system properties of the driver JVM. */
    String driverJavaOptions() {
        return String.join(
                " ",
                "-Dspark.executor.memory=" + config.get("cluster.spark.executor.memory"),
                // at most this many task slots per application: the stream job leaves the rest to a training run
                "-Dspark.cores.max=" + config.get("cluster.spark.app.cores"),
                // executors: serial GC (no GC threads competing for the two cores), logs through conf/log4j2.properties
                "-Dspark.executor.extraJavaOptions=-XX:+UseSerialGC",
                "-Dspark.driver.host=127.0.0.1",
                "-Dspark.driver.bindAddress=127.0.0.1");
    }

    private List<String> command(String name, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                LocalProcess.currentJava(),
                "-Xms64m",
                "-Xmx192m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dmovierec.component=" + name,
                "-Dlog4j2.configurationFile=" + home().resolve("conf/log4j2.properties")));
        cmd.addAll(List.of(
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "-Dio.netty.tryReflectionSetAccessible=true"));
        cmd.addAll(List.of("-cp", home().resolve("jars") + "/*", mainClass));
        cmd.addAll(args);
        return cmd;
    }

    static int megabytes(String size) {
        String s = size.trim().toLowerCase();
        long n = Long.parseLong(s.replaceAll("[^0-9]", ""));
        if (s.endsWith("g")) return (int) (n * 1024);
        if (s.endsWith("k")) return (int) (n / 1024);
        if (s.endsWith("m")) return (int) n;
        return (int) (n / (1024 * 1024));
    }

    private static void jar(Path dir, Path out) throws IOException {
        try (OutputStream os = Files.newOutputStream(out);
                JarOutputStream jar = new JarOutputStream(os)) {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    jar.putNextEntry(new JarEntry(dir.relativize(file).toString()));
                    Files.copy(file, jar);
                    jar.closeEntry();
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
