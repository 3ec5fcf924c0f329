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

  public Stack(MovierecConfig config) {
    this.config = config;
    this.kafka = new LocalKafka(config);
    this.elasticsearch = new LocalElasticsearch(config);
    this.stream = new LocalProcess(config, "stream");
  }

  public MovierecConfig config() { return config; }

  /** Local processes in stop order (reverse of start order). */
  public List<LocalProcess> processesInStopOrder() {
    return List.of(stream, elasticsearch.process(), kafka.process());
  }

  public LocalProcess stream() { return stream; }

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
      try (ElasticsearchClient es = EsClients.create(config)) {
        if (EsClients.health(es) == null) {
          throw new IllegalStateException("cannot reach Elasticsearch at " + config.esUrl()
              + ": check MOVIEREC_ES_URL (es.url), MOVIEREC_ES_API_KEY or MOVIEREC_ES_USERNAME/PASSWORD");
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
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
    List<String> cmd = List.of(config.home().resolve("bin/supervise").toString(), "stream", state.toString(), "--",
        config.home().resolve("spark/submit_spark_job.sh").toString(), "stream");
    Map<String, String> env = new HashMap<>(config.toEnv());
    stream.start(cmd, env, config.home());
  }

  public Path streamStatusFile() { return config.dataDir().resolve("run/stream-status.json"); }

  public Path supervisorFile() { return config.dataDir().resolve("run/stream.supervisor.json"); }
}
