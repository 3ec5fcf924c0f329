package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream job: one SparkSession, two queries.
 * <pre>
 *   movies  topic -> parse/validate (-> movies.dlq) -> enrich -> upsert movies by id
 *   ratings topic -> parse/validate (-> ratings.dlq) -> latest per (user, movie) -> rating state
 *                 -> ratings by user:movie, movie statistics, user profiles (whole values)
 * </pre>
 * Run: {@code spark/submit_spark_job.sh stream} (what {@code movierec up} does, under a supervisor that restarts it).
 * Checkpoints live in {@code <data.dir>/checkpoints/}: a restart resumes from them; a replay rewrites the same ids.
 */
public final class StreamJob {
  private static final Logger LOG = LoggerFactory.getLogger(StreamJob.class);
  static final int WARM_UP_RECORDS = 5_000;

  public static void main(String[] args) {
    int code = 0;
    try {
      run(MovierecConfig.load());
    } catch (Throwable t) {
      LOG.error("stream job stopped: {}", t.toString(), t);
      code = 1;
    }
    // Spark leaves non-daemon threads behind: exit explicitly so the supervisor sees the end and restarts.
    System.exit(code);
  }

  static void run(MovierecConfig config) throws Exception {
    waitForTopics(config);
    ElasticsearchClient es = EsClients.create(config);
    waitForElasticsearch(es, config);
    MovieCatalog catalog = MovieCatalog.load(es, config.index("movies"));
    RatingState state = RatingStateLoader.load(es, config.index("ratings"));
    LOG.info("state loaded: {} movies, {} ratings by {} users", catalog.size(), state.pairCount(), state.userCount());

    SparkSession spark = SparkSession.builder()
        .appName("movierec-stream")
        .master(config.get("spark.master"))
        .config("spark.ui.enabled", "false")
        // Batches are small (thousands of rows): two shuffle partitions fit two cores better than the default 200.
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.noDataMicroBatches.enabled", "false")
        .getOrCreate();
    warmUp(spark);
    Path checkpoints = config.dataDir().resolve("checkpoints").resolve(config.get("namespace") + "stream");
    StreamStatus status = new StreamStatus(config.dataDir().resolve("run").resolve(config.get("namespace") + "stream-status.json"));
    spark.streams().addListener(status);
    status.seedFromCheckpoint("movies", checkpoints.resolve("movies"));
    status.seedFromCheckpoint("ratings", checkpoints.resolve("ratings"));

    try (StreamContext ctx = new StreamContext(config, es, catalog, state, status)) {
      long triggerMs = config.getInt("spark.trigger.ms");
      StreamingQuery movies = readTopic(spark, config, ctx.moviesTopic())
          .writeStream().queryName("movies")
          .option("checkpointLocation", checkpoints.resolve("movies").toString())
          .trigger(Trigger.ProcessingTime(triggerMs, TimeUnit.MILLISECONDS))
          .foreachBatch(new MoviesSink(ctx))
          .start();
      StreamingQuery ratings = readTopic(spark, config, ctx.ratingsTopic())
          .writeStream().queryName("ratings")
          .option("checkpointLocation", checkpoints.resolve("ratings").toString())
          .trigger(Trigger.ProcessingTime(triggerMs, TimeUnit.MILLISECONDS))
          .foreachBatch(new RatingsSink(ctx))
          .start();
      LOG.info("stream job running: {} and {} -> Elasticsearch {} (trigger {} ms)", ctx.moviesTopic(), ctx.ratingsTopic(),
          config.esUrl(), triggerMs);
      spark.streams().awaitAnyTermination();
      for (StreamingQuery q : List.of(movies, ratings)) {
        if (q.exception().isDefined()) throw q.exception().get();
      }
    }
  }

  /**
   * Runs both pipelines on a few thousand in-memory records before the queries start. A fresh JVM spends seconds
   * on its first batch loading classes, generating code and compiling the hot paths; paying that at start-up keeps
   * the first real batch (after a restart: the backlog) about as fast as the later ones.
   */
  static void warmUp(SparkSession spark) {
    long t0 = System.currentTimeMillis();
    StructType kafka = new StructType().add("key", DataTypes.BinaryType).add("value", DataTypes.BinaryType)
        .add("topic", DataTypes.StringType).add("partition", DataTypes.IntegerType).add("offset", DataTypes.LongType);
    List<Row> movies = new ArrayList<>();
    List<Row> ratings = new ArrayList<>();
    for (int i = 1; i <= WARM_UP_RECORDS; i++) {
      movies.add(RowFactory.create(null, utf8("{\"id\":" + i + ",\"title\":\"Warm-up " + i + "\",\"overview\":\"A film.\","
          + "\"genre_ids\":[16,35],\"release_date\":\"1995-10-30\",\"original_language\":\"en\",\"vote_average\":7.5,"
          + "\"vote_count\":10,\"popularity\":3.5}"), "warm-up", 0, (long) i));
      ratings.add(RowFactory.create(null, utf8("{\"userId\":" + (i % 100 + 1) + ",\"movieId\":" + i + ",\"rating\":4.0,\"timestamp\":" + i + "}"),
          "warm-up", 0, (long) i));
    }
    MovieTransforms.latestPerId(MovieTransforms.enrich(MovieTransforms.parse(spark.createDataFrame(movies, kafka))).collectAsList());
    RatingTransforms.latestPerPair(RatingTransforms.parse(spark.createDataFrame(ratings, kafka)).collectAsList());
    LOG.info("pipelines warmed up in {} ms", System.currentTimeMillis() - t0);
  }

  private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  /** A Kafka source: earliest offsets on first start, the checkpoint afterwards. */
  static Dataset<Row> readTopic(SparkSession spark, MovierecConfig config, String topic) {
    return spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", config.kafkaBootstrap())
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        // The default 500 ms fetch wait would add half a second to every micro-batch.
        .option("kafka.fetch.max.wait.ms", "20")
        // Bounded batches keep driver memory flat during a full replay.
        .option("maxOffsetsPerTrigger", "100000")
        // movies is compacted: offsets removed by compaction are expected, not data loss.
        .option("failOnDataLoss", "false")
        .load();
  }

  /** The Kafka source fails on a missing topic: wait for {@code movierec up} (or the admin) to create them. */
  static void waitForTopics(MovierecConfig config) throws InterruptedException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    Set<String> needed = Set.of(config.topic("movies"), config.topic("ratings"), config.topic("movies.dlq"), config.topic("ratings.dlq"));
    try (Admin admin = Admin.create(p)) {
      for (int attempt = 0; ; attempt++) {
        try {
          if (admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(needed)) return;
        } catch (Exception e) {
          // broker not reachable yet
        }
        if (attempt % 10 == 0) LOG.warn("waiting for Kafka topics {} at {} (run ./movierec up)", needed, config.kafkaBootstrap());
        Thread.sleep(1000);
      }
    }
  }

  static void waitForElasticsearch(ElasticsearchClient es, MovierecConfig config) throws Exception {
    for (int attempt = 0; ; attempt++) {
      if (EsClients.health(es) != null && es.indices().existsAlias(a -> a.name(config.index("ratings"))).value()) return;
      if (attempt % 10 == 0) LOG.warn("waiting for Elasticsearch at {} and its indices (run ./movierec up)", config.esUrl());
      Thread.sleep(1000);
    }
  }
}
