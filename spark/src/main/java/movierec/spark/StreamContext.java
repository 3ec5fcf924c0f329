package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import movierec.common.MovierecConfig;
import movierec.es.ModelCache;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** What both sinks share in the driver: clients, names, the movie catalog, the rating state and the status. */
public final class StreamContext implements AutoCloseable {
  private final MovierecConfig config;
  private final ElasticsearchClient es;
  private final EsBulk bulk;
  private final DeadLetters deadLetters;
  private final MovieCatalog catalog;
  private final RatingState state;
  private final StreamStatus status;
  private final Admin admin;
  private final ModelCache models;

  StreamContext(MovierecConfig config, ElasticsearchClient es, MovieCatalog catalog, RatingState state, StreamStatus status) {
    this.config = config;
    this.es = es;
    this.bulk = new EsBulk(es, config.getInt("es.bulk.concurrency"));
    this.deadLetters = new DeadLetters(config.kafkaBootstrap());
    this.catalog = catalog;
    this.state = state;
    this.status = status;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    this.admin = Admin.create(p);
    this.models = new ModelCache(es, config);
    models.current(); // load the model now rather than in the first batch
  }

  MovierecConfig config() { return config; }
  ElasticsearchClient es() { return es; }
  EsBulk bulk() { return bulk; }
  DeadLetters deadLetters() { return deadLetters; }
  MovieCatalog catalog() { return catalog; }
  RatingState state() { return state; }
  StreamStatus status() { return status; }
  ModelCache models() { return models; }
  String moviesIndex() { return config.index("movies"); }
  String usersIndex() { return config.index("users"); }
  String ratingsIndex() { return config.index("ratings"); }
  String moviesTopic() { return config.topic("movies"); }
  String ratingsTopic() { return config.topic("ratings"); }
  String moviesDlqTopic() { return config.topic("movies.dlq"); }
  String ratingsDlqTopic() { return config.topic("ratings.dlq"); }

  /** True when the movies query has processed everything currently in the movies topic. */
  boolean moviesCaughtUp() {
    try {
      JsonNode done = status.offsets("movies");
      if (done == null) return false;
      Map<TopicPartition, OffsetSpec> req = new HashMap<>();
      String topic = moviesTopic();
      admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
          .forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      var ends = admin.listOffsets(req).all().get(10, TimeUnit.SECONDS);
      for (var e : ends.entrySet()) {
        if (done.path(String.valueOf(e.getKey().partition())).asLong(0) < e.getValue().offset()) return false;
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    deadLetters.close();
    admin.close();
    es.close();
  }
}
