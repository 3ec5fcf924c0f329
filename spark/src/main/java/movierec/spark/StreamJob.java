package movierec.spark;

import static org.apache.spark.sql.functions.col;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import movierec.common.ImpressionBatch;
import movierec.common.KafkaClientSecurity;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream job: one SparkSession, four queries. Every per-record step runs on the executors; the driver only plans
 * batches and adds up counts.
 * <pre>
 *   movies            -> parse/validate -> enrich ----------------------------------> movies (upsert by id), movies.dlq
 *   movies + ratings  -> parse/validate -> by movie id: RatingsByMovie (state) -----> ratings (by user:movie), movie
 *                                                                                     statistics, ratings.dlq, ratings.pairs
 *   + ratings.erasures
 *   ratings.pairs     -> by user id: RatingsByUser (state) -> live vector ----------> users (whole profiles; an
 *                                                                                     erasure: delete, retractions to
 *                                                                                     ratings.erasures, a marker to
 *                                                                                     impressions)
 *   impressions       -> ImpressionsSink (erased users from the erasures index) ----> impressions (every 30 s)
 * </pre>
 * State lives in Spark's state store (RocksDB) under the checkpoints; a restart resumes from them and reads nothing
 * back from Elasticsearch. Run: {@code spark/submit_spark_job.sh stream} (what {@code movierec up} does, under a
 * supervisor that restarts it). Checkpoints live in {@code <data.dir>/checkpoints/}; a replay rewrites the same ids.
 */
public final class StreamJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamJob.class);

    /** Records per batch of a bounded source ({@link #readTopics}). */
    private static final long MAX_RECORDS_PER_BATCH = 100_000;

    /**
     * Records per batch of the impressions query. A record holds up to {@link ImpressionBatch#MAX_LISTS} lists, so a
     * replay's batch holds at most a million; live, each API server sends a few records per flush, so a 10 s batch
     * keeps up with some 250 servers (records of one list, from older API servers, are read 10,000 a batch too).
     */
    private static final long IMPRESSION_RECORDS_PER_BATCH = 10_000;

    public static void main(String[] args) {
        int code = 0;
        try {
            run(MovierecConfig.load().with(Map.of("identity", "stream")).withLocalCredentials());
        } catch (Throwable t) {
            LOG.error("stream job stopped: {}", t.toString(), t);
            code = 1;
        }
        // Spark leaves non-daemon threads behind: exit explicitly so the supervisor sees the end and restarts.
        System.exit(code);
    }

    static void run(MovierecConfig config) throws Exception {
        waitForTopics(config);
        try (ElasticsearchClient es = EsClients.create(config)) {
            waitForElasticsearch(es, config);
        }
        SparkSession spark = session(config);
        Path checkpoints = config.dataDir().resolve("checkpoints").resolve(config.get("namespace") + "stream");
        int triggerMs = config.getInt("spark.trigger.ms");
        Map<String, Integer> triggersMs = Map.of(
                "movies",
                config.getInt("stream.movies.trigger.ms"),
                "ratings",
                triggerMs,
                "users",
                triggerMs,
                "impressions",
                config.getInt("stream.impressions.trigger.ms"));
        StreamStatus status = new StreamStatus(
                config.dataDir().resolve("run").resolve(config.get("namespace") + "stream-status.json"), triggersMs);
        spark.streams().addListener(status);
        for (String q : List.of("movies", "ratings", "users", "impressions"))
            status.seedFromCheckpoint(q, checkpoints.resolve(checkpointName(q)));
        BatchMetrics ratingsMetrics = new BatchMetrics(spark.sparkContext(), "ratings");
        BatchMetrics usersMetrics = new BatchMetrics(spark.sparkContext(), "users");
        // the driver's own client, for the one progress document (what read-your-writes waits on)
        ElasticsearchClient progressEs = EsClients.create(config);
        AppliedProgress applied = new AppliedProgress(progressEs, config, usersMetrics.applied);
        applied.seed(
                config,
                checkpoints.resolve(checkpointName("ratings")),
                checkpoints.resolve(checkpointName("users")),
                checkpoints.resolve(checkpointName("impressions")));
        spark.streams().addListener(applied);
        // The settings travel to the executors with each task; there they build their clients once per JVM.
        Map<String, String> settings = config.toEnv();
        Trigger trigger = Trigger.ProcessingTime(triggerMs, TimeUnit.MILLISECONDS);

        StreamingQuery movies = MovieTransforms.enrich(
                        MovieTransforms.parse(readTopics(spark, config, config.topic("movies"), true)))
                .writeStream()
                .queryName("movies")
                .option(
                        "checkpointLocation",
                        checkpoints.resolve(checkpointName("movies")).toString())
                // the catalogue changes rarely and no rating waits for this query (the ratings query reads the movies
                // topic itself): a slower trigger spares its offset polls
                .trigger(Trigger.ProcessingTime(triggersMs.get("movies"), TimeUnit.MILLISECONDS))
                .foreachBatch(new ExecutorSink<>(
                        "movies",
                        settings,
                        new BatchMetrics(spark.sparkContext(), "movies"),
                        status,
                        MoviesSink::write))
                .start();

        // Two sources: the movies topic unthrottled, so that every movie produced before a rating reaches the state no
        // later than the rating does, even when a backlog of ratings is read 100,000 at a time.
        // ratings.erasures: the stream job's own retractions on behalf of users' erasures (RatingsByUser).
        long holdMs = config.getInt("stream.unknown.movie.hold.ms");
        long statsIntervalMs = config.getInt("stream.movie.stats.interval.ms");
        String heartbeatKey = config.get("namespace") + "ratings";
        Dataset<Row> moviesAndRatings = readTopics(spark, config, config.topic("movies"), false)
                .union(readTopics(
                        spark, config, config.topic("ratings") + "," + config.topic("ratings.erasures"), true));
        StreamingQuery ratings = RatingTransforms.parse(
                        moviesAndRatings, config.topic("movies"), config.topic("ratings.erasures"))
                // timers registered before a restart may fall due within the hold (or the statistics' interval)
                .unionByName(RatingTransforms.heartbeat(spark, heartbeatKey, holdMs + statsIntervalMs))
                .as(Encoders.bean(RatingsByMovie.Event.class))
                .groupByKey((MapFunction<RatingsByMovie.Event, Long>) RatingsByMovie.Event::getMovieId, Encoders.LONG())
                // processing time: the hold of ratings whose movie is unknown, and the pacing of statistics writes, are
                // timers
                .transformWithState(
                        new RatingsByMovie(holdMs, statsIntervalMs, ratingsMetrics),
                        TimeMode.ProcessingTime(),
                        OutputMode.Update(),
                        Encoders.bean(RatingsByMovie.Emitted.class))
                .writeStream()
                .queryName("ratings")
                .option(
                        "checkpointLocation",
                        checkpoints.resolve(checkpointName("ratings")).toString())
                .trigger(trigger)
                .foreachBatch(new ExecutorSink<>(
                        "ratings", settings, ratingsMetrics, status, RatingsSink::write, (batchId, m) -> {
                            applied.ratingsBatchWritten(batchId, m.pairsWritten.value());
                            Heartbeat.timersUntil(heartbeatKey, m.timers.value());
                        }))
                .start();

        StreamingQuery users = readTopics(spark, config, config.topic("ratings.pairs"), true)
                .select(col("value"))
                .filter(col("value").isNotNull()) // an erasure's tombstones
                .map((MapFunction<Row, PairChange>) r -> PairChange.decode(r.getAs(0)), Encoders.bean(PairChange.class))
                .groupByKey((MapFunction<PairChange, Long>) PairChange::getUserId, Encoders.LONG())
                // processing time: how long an erasure is remembered is a timer
                .transformWithState(
                        new RatingsByUser(config.getInt("stream.erasure.keep.ms")),
                        TimeMode.ProcessingTime(),
                        OutputMode.Update(),
                        Encoders.bean(RatingsByUser.Profile.class))
                .writeStream()
                .queryName("users")
                .option(
                        "checkpointLocation",
                        checkpoints.resolve(checkpointName("users")).toString())
                .trigger(trigger)
                .foreachBatch(new ExecutorSink<>("users", settings, usersMetrics, status, UsersSink::write))
                .start();

        // Served lists: many, and nobody waits for them, so a batch every few seconds, apart from the ratings' path.
        StreamingQuery impressions = readImpressions(spark, config)
                .select(col("value"), col("headers"))
                .flatMap(
                        (FlatMapFunction<Row, Served>) r -> Served.fromRecord(r.getAs(0), headers(r.getList(1)))
                                .iterator(),
                        Encoders.bean(Served.class))
                .writeStream()
                .queryName("impressions")
                .option(
                        "checkpointLocation",
                        checkpoints.resolve(checkpointName("impressions")).toString())
                .trigger(Trigger.ProcessingTime(triggersMs.get("impressions"), TimeUnit.MILLISECONDS))
                .foreachBatch(new ExecutorSink<>(
                        "impressions",
                        settings,
                        new BatchMetrics(spark.sparkContext(), "impressions"),
                        status,
                        ImpressionsSink::write))
                .start();

        LOG.info(
                "stream job running: {} and {} -> Elasticsearch {} (trigger {} ms)",
                config.topic("movies"),
                config.topic("ratings"),
                config.esUrl(),
                triggerMs);
        spark.streams().awaitAnyTermination();
        for (StreamingQuery q : List.of(movies, ratings, users, impressions)) {
            if (q.exception().isDefined()) throw q.exception().get();
        }
    }

    /**
     * A query's checkpoint directory. Spark refuses a checkpoint whose state schema differs from the code's, so when a
     * query's state changes its checkpoint gets a new name: an upgraded job starts that query fresh — replaying the
     * topics, rebuilding the state and rewriting the same documents — instead of refusing the old checkpoint forever.
     * The ratings query's moved to the executors ({@code ratings-by-movie}), then both stateful queries' events gained
     * their Kafka partition and time for read-your-writes ({@code -2}), then erasure and the users query's served
     * lists ({@code -3}), which then moved to a query of their own ({@code users-4}); the users' pairs then became one
     * list per user ({@code users-5}). The impressions query lost its state ({@code impressions-2}).
     */
    static String checkpointName(String query) {
        return switch (query) {
            case "ratings" -> "ratings-by-movie-3";
            case "users" -> "users-5";
            case "impressions" -> "impressions-2";
            default -> query;
        };
    }

    static SparkSession session(MovierecConfig config) {
        return SparkSession.builder()
                .appName("movierec-stream")
                .master(config.get("spark.master"))
                .config("spark.ui.enabled", "false")
                // State per key lives in RocksDB on the executors' disks (off the JVM heap), checkpointed with each
                // batch as a changelog, so a batch writes only what changed.
                .config(
                        "spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .config("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")
                // Counting keys makes every put read the key first; the count is only a metric.
                .config("spark.sql.streaming.stateStore.rocksdb.trackTotalNumberOfRows", "false")
                // The number of state partitions is fixed when a checkpoint is created: it caps how many executors
                // share the stateful work. Batches here are small; raise it (on a fresh checkpoint) for a bigger
                // cluster.
                .config("spark.sql.shuffle.partitions", config.get("spark.state.partitions"))
                // Spark would run a batch of the ratings query (processing-time timers) at every trigger even when
                // idle; its Heartbeat source fires the timers instead, with a small batch a second while one may be
                // due.
                .config("spark.sql.streaming.noDataMicroBatches.enabled", "false")
                // Four queries' generated classes outgrow Spark's default cache of 100: with ratings flowing, each
                // impressions batch found its classes evicted and compiled 30-50 again (1-2 s of CPU every batch,
                // beside the ratings' batches). A class is a few KB of metaspace.
                .config("spark.sql.codegen.cache.maxEntries", "1000")
                // Each batch writes a dozen small checkpoint files (offsets, commits, state changelogs). Without
                // Hadoop's native library the local file system forks chmod for each; NioLocalFileSystem does not.
                // Renames are atomic on a local (or NFS) disk, so the plain FileSystem-based manager is safe and skips
                // FileContext's extra calls.
                .config("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName())
                .config(
                        "spark.sql.streaming.checkpointFileManagerClass",
                        "org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager")
                .getOrCreate();
    }

    /** A Kafka source: earliest offsets on first start, the checkpoint afterwards; {@code bounded}: at most 100,000 a batch. */
    static Dataset<Row> readTopics(SparkSession spark, MovierecConfig config, String topics, boolean bounded) {
        var reader = kafkaSource(spark, config, topics);
        // Bounded batches keep a replay's batches (and their memory on the executors) bounded.
        return (bounded ? reader.option("maxOffsetsPerTrigger", MAX_RECORDS_PER_BATCH) : reader).load();
    }

    /** The impressions topic, with the records' headers (a {@code headers} column). */
    static Dataset<Row> readImpressions(SparkSession spark, MovierecConfig config) {
        return kafkaSource(spark, config, config.topic("impressions"))
                .option("includeHeaders", "true")
                .option("maxOffsetsPerTrigger", IMPRESSION_RECORDS_PER_BATCH)
                .load();
    }

    private static DataStreamReader kafkaSource(SparkSession spark, MovierecConfig config, String topics) {
        return spark.readStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", config.kafkaBootstrap())
                // The stream job's user; Spark passes kafka.-prefixed options to its consumers and admin client.
                .options(kafkaOptions(config))
                .option("groupIdPrefix", config.streamGroupPrefix())
                .option("subscribe", topics)
                .option("startingOffsets", "earliest")
                // The default 500 ms fetch wait would add up to half a second to every micro-batch.
                .option("kafka.fetch.max.wait.ms", "5")
                // movies and ratings.pairs are compacted: offsets removed by compaction are expected, not data loss.
                .option("failOnDataLoss", "false");
    }

    /** A record's {@code headers} column by name (the last value of a repeated name). */
    static Map<String, byte[]> headers(List<Row> headers) {
        Map<String, byte[]> out = new java.util.HashMap<>();
        if (headers != null) for (Row h : headers) out.put(h.getString(0), h.getAs(1));
        return out;
    }

    /** The Kafka client security settings as Spark Kafka source options (each with the {@code kafka.} prefix). */
    static Map<String, String> kafkaOptions(MovierecConfig config) {
        Map<String, String> out = new java.util.HashMap<>();
        KafkaClientSecurity.properties(config).forEach((k, v) -> out.put("kafka." + k, v));
        return out;
    }

    /** The Kafka source fails on a missing topic: wait for {@code movierec up} (or the admin) to create them. */
    static void waitForTopics(MovierecConfig config) throws InterruptedException {
        Properties p = new Properties();
        p.putAll(KafkaClientSecurity.properties(config));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        Set<String> needed = Set.of(
                config.topic("movies"),
                config.topic("ratings"),
                config.topic("movies.dlq"),
                config.topic("ratings.dlq"),
                config.topic("ratings.pairs"),
                config.topic("ratings.erasures"),
                config.topic("impressions"));
        try (Admin admin = Admin.create(p)) {
            for (int attempt = 0; ; attempt++) {
                // Only topics this user may use are listed: missing ones may also lack their ACLs (Topics.ensure).
                String why = "not all created";
                try {
                    if (admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(needed)) return;
                } catch (Exception e) {
                    why = e.getCause() != null ? e.getCause().toString() : e.toString(); // unreachable, refused
                }
                if (attempt % 10 == 0)
                    LOG.warn(
                            "waiting for Kafka topics {} at {}: {} (run ./movierec up)",
                            needed,
                            config.kafkaBootstrap(),
                            why);
                Thread.sleep(1000);
            }
        }
    }

    static void waitForElasticsearch(ElasticsearchClient es, MovierecConfig config) throws Exception {
        for (int attempt = 0; ; attempt++) {
            if (EsClients.health(es) != null
                    && es.indices()
                            .existsAlias(a -> a.name(config.index("ratings")))
                            .value()) return;
            if (attempt % 10 == 0)
                LOG.warn("waiting for Elasticsearch at {} and its indices (run ./movierec up)", config.esUrl());
            Thread.sleep(1000);
        }
    }
}
