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
 * The local single-node KRaft broker: {@code kafka_2.13} from Maven Central in its own JVM, with the classpath the
 * {@code kafka/broker} module writes at build time. Storage is formatted once; later starts reuse it.
 */
public final class LocalKafka {
  private final MovierecConfig config;
  private final LocalProcess process;
  private final Path dir;

  public LocalKafka(MovierecConfig config) {
    this.config = config;
    this.process = new LocalProcess(config, "kafka");
    this.dir = config.dataDir().resolve("kafka");
  }

  public LocalProcess process() { return process; }

  /** Starts the broker unless it already runs, and waits until it answers. Idempotent. */
  public void start(int timeoutSeconds) {
    if (process.running() && healthy()) return;
    int port = config.getInt("kafka.port");
    int controllerPort = config.getInt("kafka.controller.port");
    LocalProcess.requireFreePort(port, "Kafka", "kafka.port");
    LocalProcess.requireFreePort(controllerPort, "the Kafka controller", "kafka.controller.port");
    try {
      Files.createDirectories(dir);
      Path props = renderServerProperties(port, controllerPort);
      String classpath = brokerClasspath();
      if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
        format(classpath, props);
      }
      List<String> cmd = new ArrayList<>(List.of(LocalProcess.currentJava(),
          "-Xms" + config.get("kafka.heap"), "-Xmx" + config.get("kafka.heap"),
          "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
          "-Dlog4j2.configurationFile=" + config.home().resolve("kafka/config/log4j2.yaml"),
          "-Dmovierec.component=kafka",
          "-cp", classpath, "kafka.Kafka", props.toString()));
      process.start(cmd, Map.of(), config.home());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      if (!process.running()) {
        throw new IllegalStateException("Kafka exited during start-up: see " + process.logFile());
      }
      if (healthy()) return;
      LocalProcess.sleep(250);
    }
    throw new IllegalStateException("Kafka did not become ready in " + timeoutSeconds + " s: see " + process.logFile());
  }

  /** True when the broker answers a metadata request. */
  public boolean healthy() {
    if (!LocalProcess.listening("127.0.0.1", config.getInt("kafka.port"))) return false;
    return reachable(config, 3);
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

  private Path renderServerProperties(int port, int controllerPort) throws IOException {
    String template = Files.readString(config.home().resolve("kafka/config/server.properties"));
    String rendered = template.replace("${port}", Integer.toString(port))
        .replace("${controller_port}", Integer.toString(controllerPort))
        .replace("${log_dirs}", dir.resolve("logs").toString());
    Path out = dir.resolve("server.properties");
    Files.writeString(out, rendered);
    return out;
  }

  private void format(String classpath, Path props) throws IOException {
    String clusterId = Uuid.randomUuid().toString();
    ProcessBuilder pb = new ProcessBuilder(LocalProcess.currentJava(), "-Xmx256m",
        "-Dlog4j2.configurationFile=" + config.home().resolve("kafka/config/log4j2.yaml"),
        "-cp", classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props.toString())
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

  private String brokerClasspath() throws IOException {
    Path file = config.home().resolve("kafka/broker/target/classpath.txt");
    if (!Files.exists(file)) {
      throw new IllegalStateException("the Kafka broker classpath is missing (" + file + "): build first with "
          + "'mvn -q -DskipTests install' (./movierec does this for you)");
    }
    return Files.readString(file).trim();
  }
}
