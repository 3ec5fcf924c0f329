package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import movierec.es.EsScan;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import movierec.common.FoldIn;
import movierec.common.MovierecConfig;
import movierec.common.Ranking;
import movierec.common.RatingEvent;
import movierec.common.TemporalSplit;
import movierec.es.EsClients;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ALS training (Spark MLlib, implicit feedback: every rating is a positive interaction with confidence
 * 1 + alpha·rating·w, where w weights a user's ratings by recency, see {@link FoldIn#recencyWeight}). Tunes rank, regularisation and alpha on a validation split of the training data only (per user
 * the latest 10 % by time, scored by NDCG@10 over every movie the user has not rated), retrains the best on all
 * ratings, and writes item vectors to {@code movies.embedding}, user vectors to {@code users.embedding} and a
 * {@code models} document. Run: {@code spark/submit_spark_job.sh train} (what {@code movierec train} does).
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  /** One hyper-parameter setting. */
  public record Params(int rank, double regParam, double alpha, int maxIter, double recencyScale, double recencyFloor) {}

  /** The grid searched on the validation split; chosen from offline measurements on the bundled data. */
  static final List<Params> GRID = List.of(
      // first = the default for train.grid=fixed: the best on the bundled data's validation split (NDCG@10 ≈ 0.099)
      new Params(64, 0.3, 5, 10, 2, 0.1), new Params(64, 0.3, 8, 10, 2, 0.1), new Params(64, 0.3, 5, 10, 3, 0.1),
      new Params(64, 0.3, 3, 10, 2, 0.1));

  static final StructType SCHEMA = new StructType()
      .add("userId", DataTypes.IntegerType).add("movieId", DataTypes.IntegerType).add("rating", DataTypes.FloatType);

  public static void main(String[] args) {
    int code = 0;
    try {
      run(MovierecConfig.load());
    } catch (Throwable t) {
      LOG.error("training failed: {}", t.toString(), t);
      code = 1;
    }
    System.exit(code);
  }

  static void run(MovierecConfig config) throws Exception {
    long t0 = System.currentTimeMillis();
    try (ElasticsearchClient es = EsClients.create(config)) {
      List<RatingEvent> ratings = new ArrayList<>();
      EsScan.scan(es, config.index("ratings"), List.of("user_id", "movie_id"), List.of("user_id", "movie_id", "rating", "timestamp"),
          d -> ratings.add(RatingEvent.of(((Number) d.get("user_id")).longValue(), ((Number) d.get("movie_id")).longValue(),
              ((Number) d.get("rating")).doubleValue(), ((Number) d.get("timestamp")).longValue(), null)));
      if (ratings.isEmpty()) throw new IllegalStateException("no ratings in " + config.index("ratings") + ": load data first");
      LOG.info("training on {} ratings", ratings.size());

      SparkSession spark = SparkSession.builder().appName("movierec-train").master(config.get("spark.master"))
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
      spark.sparkContext().setCheckpointDir(config.dataDir().resolve("checkpoints/als").toString());

      TemporalSplit.Split split = TemporalSplit.of(ratings, 0.1);
      Dataset<Row> fit = null;
      // train.grid=fixed skips tuning and validates only the first setting (tests, quick demos).
      List<Params> grid = config.get("train.grid").equals("fixed") ? GRID.subList(0, 1) : GRID;
      Params best = null;
      double bestNdcg = -1;
      Map<String, Object> validation = new LinkedHashMap<>();
      for (Params p : grid) {
        long t = System.currentTimeMillis();
        if (fit != null) fit.unpersist();
        fit = toDataset(spark, weighted(split.train(), p)).cache();
        ALSModel m = als(p).fit(fit);
        Ranking.Metrics metrics = validate(m, split);
        validation.put(p.toString(), Map.of("ndcg10", metrics.ndcg(), "precision10", metrics.precision(),
            "recall10", metrics.recall(), "hit10", metrics.hit(), "seconds", (System.currentTimeMillis() - t) / 1000.0));
        LOG.info("{}: validation NDCG@10 {} P@10 {} ({} ms)", p, String.format("%.4f", metrics.ndcg()),
            String.format("%.4f", metrics.precision()), System.currentTimeMillis() - t);
        if (metrics.ndcg() > bestNdcg) {
          bestNdcg = metrics.ndcg();
          best = p;
        }
      }
      fit.unpersist();
      ALSModel model = als(best).fit(toDataset(spark, weighted(ratings, best)));
      Map<Integer, float[]> items = factors(model.itemFactors());
      Map<Integer, float[]> users = factors(model.userFactors());
      String version = "als-" + System.currentTimeMillis();
      writeVectors(es, config, version, best, items, users);
      Map<String, Object> params = Map.of("rank", best.rank(), "regParam", best.regParam(), "alpha", best.alpha(),
          "maxIter", best.maxIter(), "implicitPrefs", true, "recencyScale", best.recencyScale(), "recencyFloor", best.recencyFloor());
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("version", version);
      doc.put("algorithm", "als-implicit");
      doc.put("params", params);
      doc.put("validation", Map.of("chosen", Map.of("ndcg10", bestNdcg), "grid", validation));
      doc.put("trained_at", System.currentTimeMillis());
      doc.put("current", true);
      es.index(i -> i.index(config.index("models")).id(version).document(doc));
      // "current" is what the stream job and the API poll: switched last, after every vector is written.
      es.index(i -> i.index(config.index("models")).id("current").document(doc).refresh(co.elastic.clients.elasticsearch._types.Refresh.True));
      LOG.info("model {} ({}) written: {} movies, {} users, validation NDCG@10 {} in {} s", version, best, items.size(),
          users.size(), String.format("%.4f", bestNdcg), (System.currentTimeMillis() - t0) / 1000);
      spark.stop();
    }
  }

  /** Each user's ratings times their recency weights ({@link FoldIn#recencyWeight}), by position in time. */
  static List<RatingEvent> weighted(List<RatingEvent> ratings, Params p) {
    Map<Long, List<RatingEvent>> byUser = new HashMap<>();
    for (RatingEvent r : ratings) byUser.computeIfAbsent(r.userId(), u -> new ArrayList<>()).add(r);
    List<RatingEvent> out = new ArrayList<>(ratings.size());
    for (List<RatingEvent> mine : byUser.values()) {
      mine.sort(java.util.Comparator.comparingLong(RatingEvent::timestamp).thenComparingLong(RatingEvent::movieId));
      for (int i = 0; i < mine.size(); i++) {
        RatingEvent r = mine.get(i);
        double w = FoldIn.recencyWeight(mine.size() - 1 - i, p.recencyScale(), p.recencyFloor());
        out.add(RatingEvent.of(r.userId(), r.movieId(), r.rating() * w, r.timestamp(), null));
      }
    }
    return out;
  }

  static ALS als(Params p) {
    return new ALS().setImplicitPrefs(true).setRank(p.rank()).setRegParam(p.regParam()).setAlpha(p.alpha())
        .setMaxIter(p.maxIter()).setUserCol("userId").setItemCol("movieId").setRatingCol("rating")
        .setSeed(42).setColdStartStrategy("drop").setCheckpointInterval(5);
  }

  static Dataset<Row> toDataset(SparkSession spark, List<RatingEvent> ratings) {
    List<Row> rows = new ArrayList<>(ratings.size());
    for (RatingEvent r : ratings) rows.add(RowFactory.create(r.userId().intValue(), r.movieId().intValue(), r.rating().floatValue()));
    return spark.createDataFrame(rows, SCHEMA).repartition(4);
  }

  static Map<Integer, float[]> factors(Dataset<Row> df) {
    Map<Integer, float[]> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      List<Float> f = r.getList(1);
      float[] v = new float[f.size()];
      for (int i = 0; i < v.length; i++) v[i] = f.get(i);
      out.put(r.getInt(0), v);
    }
    return out;
  }

  /** NDCG@10 etc. of the model on the held-out part, ranking every movie with factors the user has not rated. */
  static Ranking.Metrics validate(ALSModel m, TemporalSplit.Split split) {
    Map<Integer, float[]> items = factors(m.itemFactors());
    Map<Integer, float[]> users = factors(m.userFactors());
    Map<Long, Set<Long>> seen = new HashMap<>();
    for (RatingEvent r : split.train()) seen.computeIfAbsent(r.userId(), u -> new HashSet<>()).add(r.movieId());
    Map<Long, Set<Long>> held = new HashMap<>();
    for (RatingEvent r : split.test()) held.computeIfAbsent(r.userId(), u -> new HashSet<>()).add(r.movieId());
    List<Ranking.Metrics> all = new ArrayList<>();
    for (Map.Entry<Long, Set<Long>> e : held.entrySet()) {
      float[] x = users.get(e.getKey().intValue());
      if (x == null) continue;
      all.add(Ranking.of(topK(x, items, seen.getOrDefault(e.getKey(), Set.of()), 10), e.getValue(), 10));
    }
    return Ranking.mean(all);
  }

  static List<Long> topK(float[] x, Map<Integer, float[]> items, Set<Long> exclude, int k) {
    PriorityQueue<Map.Entry<Integer, Double>> heap = new PriorityQueue<>(Map.Entry.comparingByValue());
    for (Map.Entry<Integer, float[]> it : items.entrySet()) {
      if (exclude.contains(it.getKey().longValue())) continue;
      double s = FoldIn.dot(x, it.getValue());
      if (heap.size() < k) heap.add(Map.entry(it.getKey(), s));
      else if (s > heap.peek().getValue()) {
        heap.poll();
        heap.add(Map.entry(it.getKey(), s));
      }
    }
    List<Map.Entry<Integer, Double>> sorted = new ArrayList<>(heap);
    sorted.sort(Map.Entry.<Integer, Double>comparingByValue().reversed());
    return sorted.stream().map(e -> (long) e.getKey()).toList();
  }

  private static void writeVectors(ElasticsearchClient es, MovierecConfig config, String version, Params p,
                                   Map<Integer, float[]> items, Map<Integer, float[]> users) {
    double maxNorm = items.values().stream().mapToDouble(v -> Math.sqrt(FoldIn.dot(v, v))).max().orElse(1);
    List<BulkOperation> ops = new ArrayList<>();
    for (Map.Entry<Integer, float[]> e : items.entrySet()) {
      ops.add(EsBulk.upsert(config.index("movies"), String.valueOf(e.getKey()),
          Map.of("embedding", FoldIn.itemForCosine(e.getValue(), maxNorm), "model_version", version)));
    }
    for (Map.Entry<Integer, float[]> e : users.entrySet()) {
      ops.add(EsBulk.upsert(config.index("users"), String.valueOf(e.getKey()),
          Map.of("embedding", FoldIn.userForCosine(e.getValue()), "model_version", version)));
    }
    new EsBulk(es).write(ops);
  }
}
