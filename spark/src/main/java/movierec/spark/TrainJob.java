package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import movierec.common.FoldIn;
import movierec.common.GenreTaste;
import movierec.common.MovierecConfig;
import movierec.common.NextMovies;
import movierec.common.Ranking;
import movierec.common.RatingEvent;
import movierec.common.TemporalSplit;
import movierec.common.VectorLayout;
import movierec.common.Vectors;
import movierec.es.EmbeddingDoc;
import movierec.es.EsClients;
import movierec.es.EsScan;
import movierec.es.IndexBootstrap;
import movierec.es.ModelDoc;
import movierec.es.MovieVectorsDoc;
import movierec.es.RatingDoc;
import movierec.es.UserDoc;
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
 * Training. ALS (Spark MLlib, implicit feedback: every rating is a positive interaction with confidence
 * 1 + alpha·rating·w, where w weights a user's ratings by recency, see {@link FoldIn#recencyWeight}): rank,
 * regularisation and alpha are tuned on a validation split of the training data only (per user the latest 10 % by
 * time, scored by NDCG@10 over every movie the user has not rated). Beside it the {@link SequenceModel} (what is rated
 * next) and the {@link GenreTaste}; the combination is validated on the same split, then everything is retrained on
 * all ratings and written: movie vectors to {@code movies.embedding} (and {@code movies.context}), user vectors to
 * {@code users.embedding} (of users whose document exists: an erased user stays erased), and a {@code models}
 * document. Run: {@code spark/submit_spark_job.sh train} (what {@code movierec train} does).
 *
 * <p>Longer than our usual unit: it holds the steps of {@link #run} (load, tune, validate the combination, fit,
 * publish) with what several of them share (the grid, the ALS setup and its input, the validation's ranking). The
 * model in memory, which validation scores and publishing writes, is {@link Trained}.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    /** One hyper-parameter setting. */
    public record Params(
            int rank, double regParam, double alpha, int maxIter, double recencyScale, double recencyFloor) {}

    /** The grid searched on the validation split; chosen from offline measurements on the bundled data. */
    static final List<Params> GRID = List.of(
            // first = the default for train.grid=fixed: the best on the bundled data's validation split (NDCG@10 ≈
            // 0.099)
            new Params(64, 0.3, 5, 10, 2, 0.1),
            new Params(64, 0.3, 8, 10, 2, 0.1),
            new Params(64, 0.3, 5, 10, 3, 0.1),
            new Params(64, 0.3, 3, 10, 2, 0.1));

    static final StructType SCHEMA = new StructType()
            .add("userId", DataTypes.IntegerType)
            .add("movieId", DataTypes.IntegerType)
            .add("rating", DataTypes.FloatType);

    public static void main(String[] args) {
        int code = 0;
        try {
            run(MovierecConfig.load().withLocalCredentials());
        } catch (Throwable t) {
            LOG.error("training failed: {}", t.toString(), t);
            code = 1;
        }
        System.exit(code);
    }

    /** What training reads: every rating, each movie's genres, and each user's dismissed ("not interested") movies. */
    record Data(List<RatingEvent> ratings, Map<Integer, List<String>> genres, Map<Long, List<Long>> dismissed) {}

    /** The tuning's outcome: the best setting, its ALS model (fit on the training split) and every setting's figures. */
    record Tuned(Params best, ALSModel model, Map<String, Object> validation) {}

    /** Load, split, tune, validate the combination, fit on everything, publish. */
    static void run(MovierecConfig config) throws Exception {
        long t0 = System.currentTimeMillis();
        try (ElasticsearchClient es = EsClients.create(config)) {
            Data data = load(es, config);
            SparkSession spark = SparkSession.builder()
                    .appName("movierec-train")
                    .master(config.get("spark.master"))
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
            spark.sparkContext()
                    .setCheckpointDir(
                            config.dataDir().resolve("checkpoints/als").toString());
            TemporalSplit.Split split = TemporalSplit.of(data.ratings(), 0.1);
            // train.grid=fixed skips tuning and validates only the first setting (tests, quick demos).
            Tuned tuned = tune(spark, split, config.get("train.grid").equals("fixed") ? GRID.subList(0, 1) : GRID);
            long t = System.currentTimeMillis();
            Trained validated = Trained.of(tuned.model(), split.train(), data.genres());
            Ranking.Metrics chosen = validate(validated, split);
            Ranking.Metrics next = validate(validated, split, true);
            LOG.info(
                    "ALS {} + sequential: validation NDCG@10 {} P@10 {}; re-ranked by transitions (next) NDCG@10 {} ({} ms)",
                    tuned.best(),
                    String.format("%.4f", chosen.ndcg()),
                    String.format("%.4f", chosen.precision()),
                    String.format("%.4f", next.ndcg()),
                    System.currentTimeMillis() - t);
            Params best = tuned.best();
            Trained model = Trained.of(
                    als(best).fit(toDataset(spark, withDismissals(weighted(data.ratings(), best), data.dismissed()))),
                    data.ratings(),
                    data.genres());
            String version = publish(es, config, model, best, chosen, next, tuned.validation());
            LOG.info(
                    "model {} ({}) written: {} movies, {} users, validation NDCG@10 {} in {} s",
                    version,
                    best,
                    model.items().size(),
                    model.users().size(),
                    String.format("%.4f", chosen.ndcg()),
                    (System.currentTimeMillis() - t0) / 1000);
            spark.stop();
        }
    }

    static Data load(ElasticsearchClient es, MovierecConfig config) throws IOException {
        List<RatingEvent> ratings = new ArrayList<>();
        EsScan.scan(
                es,
                config.index("ratings"),
                null,
                List.of("user_id", "movie_id"),
                List.of("user_id", "movie_id", "rating", "timestamp"),
                RatingDoc.class,
                d -> ratings.add(RatingEvent.of(d.userId(), d.movieId(), d.rating(), d.timestamp(), null)));
        if (ratings.isEmpty())
            throw new IllegalStateException("no ratings in " + config.index("ratings") + ": load data first");
        LOG.info("training on {} ratings", ratings.size());
        Map<Integer, List<String>> genres = new HashMap<>();
        EsScan.scan(
                es,
                config.index("movies"),
                null,
                List.of("movie_id"),
                List.of("movie_id", "genres"),
                MovieVectorsDoc.class,
                d -> genres.put((int) d.movieId(), d.genres() == null ? List.of() : d.genres()));
        Map<Long, List<Long>> dismissed = new HashMap<>();
        EsScan.scan(
                es,
                config.index("users"),
                null,
                List.of("user_id"),
                List.of("user_id", "dismissed_movie_ids"),
                UserDoc.class,
                d -> {
                    if (d.dismissedMovieIds() != null && !d.dismissedMovieIds().isEmpty())
                        dismissed.put(d.userId(), d.dismissedMovieIds());
                });
        return new Data(ratings, genres, dismissed);
    }

    /**
     * The ALS input plus each user's dismissed movies as Spark's negative ratings (confidence 1 + alpha·w, preference
     * 0): what the live fold-in does with them ({@link FoldIn#DISMISSAL_WEIGHT}), so a user's vector written here is
     * the one the stream job would fold. As there, only users with ratings, and not movies they rated.
     */
    static List<RatingEvent> withDismissals(List<RatingEvent> ratings, Map<Long, List<Long>> dismissed) {
        if (dismissed.isEmpty()) return ratings;
        Map<Long, Set<Long>> rated = new HashMap<>();
        for (RatingEvent r : ratings)
            rated.computeIfAbsent(r.userId(), u -> new HashSet<>()).add(r.movieId());
        List<RatingEvent> out = new ArrayList<>(ratings);
        dismissed.forEach((user, movies) -> {
            Set<Long> own = rated.get(user);
            if (own == null) return;
            for (long m : new java.util.LinkedHashSet<>(movies))
                if (!own.contains(m)) out.add(RatingEvent.of(user, m, -FoldIn.DISMISSAL_WEIGHT, 0, null));
        });
        return out;
    }

    /** Grid search of ALS on the training split, each setting scored on the validation split (NDCG@10). */
    static Tuned tune(SparkSession spark, TemporalSplit.Split split, List<Params> grid) {
        Dataset<Row> fit = null;
        Params best = null;
        ALSModel bestModel = null;
        double bestNdcg = -1;
        Map<String, Object> validation = new LinkedHashMap<>();
        for (Params p : grid) {
            long t = System.currentTimeMillis();
            if (fit != null) fit.unpersist();
            fit = toDataset(spark, weighted(split.train(), p)).cache();
            ALSModel m = als(p).fit(fit);
            Ranking.Metrics metrics = validate(Trained.alsOnly(m), split);
            validation.put(
                    p.toString(),
                    Map.of(
                            "ndcg10",
                            metrics.ndcg(),
                            "precision10",
                            metrics.precision(),
                            "recall10",
                            metrics.recall(),
                            "hit10",
                            metrics.hit(),
                            "seconds",
                            (System.currentTimeMillis() - t) / 1000.0));
            LOG.info(
                    "ALS {}: validation NDCG@10 {} P@10 {} ({} ms)",
                    p,
                    String.format("%.4f", metrics.ndcg()),
                    String.format("%.4f", metrics.precision()),
                    System.currentTimeMillis() - t);
            if (metrics.ndcg() > bestNdcg) {
                bestNdcg = metrics.ndcg();
                best = p;
                bestModel = m;
            }
        }
        if (fit != null) fit.unpersist();
        return new Tuned(best, bestModel, validation);
    }

    /** Writes the vectors, then the model document, then switches {@code current} to it; returns the version. */
    static String publish(
            ElasticsearchClient es,
            MovierecConfig config,
            Trained model,
            Params best,
            Ranking.Metrics chosen,
            Ranking.Metrics next,
            Map<String, Object> validation)
            throws IOException {
        String version = "als-seq-" + System.currentTimeMillis();
        writeVectors(es, config, version, model);
        Map<String, Object> params = new LinkedHashMap<>(Map.of(
                "rank",
                best.rank(),
                "regParam",
                best.regParam(),
                "alpha",
                best.alpha(),
                "maxIter",
                best.maxIter(),
                "implicitPrefs",
                true,
                "recencyScale",
                best.recencyScale(),
                "recencyFloor",
                best.recencyFloor()));
        params.putAll(model.layout().params());
        ModelDoc doc = new ModelDoc(
                version,
                "als-implicit+sequential",
                params,
                Map.of("chosen", figures(chosen), "next", figures(next), "als_grid", validation),
                System.currentTimeMillis(),
                true);
        es.index(i -> i.index(config.index("models")).id(version).document(doc));
        // "current" is what the stream job and the API poll: switched last, after every vector is written.
        es.index(
                i -> i.index(config.index("models")).id("current").document(doc).refresh(Refresh.True));
        return version;
    }

    private static Map<String, Object> figures(Ranking.Metrics m) {
        return Map.of("ndcg10", m.ndcg(), "precision10", m.precision(), "recall10", m.recall(), "hit10", m.hit());
    }

    /** Each user's ratings times their recency weights ({@link FoldIn#recencyWeight}), by position in time. */
    static List<RatingEvent> weighted(List<RatingEvent> ratings, Params p) {
        Map<Long, List<RatingEvent>> byUser = new HashMap<>();
        for (RatingEvent r : ratings)
            byUser.computeIfAbsent(r.userId(), u -> new ArrayList<>()).add(r);
        List<RatingEvent> out = new ArrayList<>(ratings.size());
        for (List<RatingEvent> mine : byUser.values()) {
            mine.sort(RatingEvent.OLDEST_FIRST);
            for (int i = 0; i < mine.size(); i++) {
                RatingEvent r = mine.get(i);
                double w = FoldIn.recencyWeight(mine.size() - 1 - i, p.recencyScale(), p.recencyFloor());
                out.add(RatingEvent.of(r.userId(), r.movieId(), r.rating() * w, r.timestamp(), null));
            }
        }
        return out;
    }

    static ALS als(Params p) {
        return new ALS()
                .setImplicitPrefs(true)
                .setRank(p.rank())
                .setRegParam(p.regParam())
                .setAlpha(p.alpha())
                .setMaxIter(p.maxIter())
                .setUserCol("userId")
                .setItemCol("movieId")
                .setRatingCol("rating")
                .setSeed(42)
                .setColdStartStrategy("drop")
                .setCheckpointInterval(5);
    }

    static Dataset<Row> toDataset(SparkSession spark, List<RatingEvent> ratings) {
        List<Row> rows = new ArrayList<>(ratings.size());
        for (RatingEvent r : ratings)
            rows.add(RowFactory.create(
                    r.userId().intValue(), r.movieId().intValue(), r.rating().floatValue()));
        return spark.createDataFrame(rows, SCHEMA).repartition(4);
    }

    /** NDCG@10 etc. of the model on the held-out part, ranking every movie with factors the user has not rated. */
    static Ranking.Metrics validate(Trained m, TemporalSplit.Split split) {
        return validate(m, split, false);
    }

    /**
     * The model's figures on the split's held-out ratings: every unrated movie ranked by the blend, or with
     * {@code next} its top {@link NextMovies#CANDIDATES} re-ranked by the transitions of the user's last movies, as the
     * API's {@code next} variant serves them.
     */
    static Ranking.Metrics validate(Trained m, TemporalSplit.Split split, boolean next) {
        Map<Integer, float[]> items = new HashMap<>();
        for (int id : m.items().keySet()) items.put(id, m.itemVector(id));
        Map<Integer, NextMovies.Row> followers = next ? m.followers() : Map.of();
        Map<Long, List<RatingEvent>> history = new HashMap<>();
        for (RatingEvent r : split.train())
            history.computeIfAbsent(r.userId(), u -> new ArrayList<>()).add(r);
        history.values().forEach(h -> h.sort(RatingEvent.OLDEST_FIRST));
        Map<Long, Set<Long>> held = new HashMap<>();
        for (RatingEvent r : split.test())
            held.computeIfAbsent(r.userId(), u -> new HashSet<>()).add(r.movieId());
        List<Ranking.Metrics> all = new ArrayList<>();
        for (Map.Entry<Long, Set<Long>> e : held.entrySet()) {
            float[] x = m.userVector(e.getKey().intValue());
            if (x == null) continue;
            List<RatingEvent> mine = history.getOrDefault(e.getKey(), List.of());
            Set<Long> seen = new HashSet<>();
            mine.forEach(r -> seen.add(r.movieId()));
            List<Long> top = topK(x, items, seen, next ? NextMovies.CANDIDATES : 10);
            if (next) top = reranked(x, items, top, mine, followers);
            all.add(Ranking.of(top, e.getValue(), 10));
        }
        return Ranking.mean(all);
    }

    /** The blend's candidates re-ranked as {@link NextMovies} says, top 10. */
    private static List<Long> reranked(
            float[] x,
            Map<Integer, float[]> items,
            List<Long> candidates,
            List<RatingEvent> oldestFirst,
            Map<Integer, NextMovies.Row> followers) {
        long[] ids = candidates.stream().mapToLong(Long::longValue).toArray();
        double[] scores = new double[ids.length];
        for (int i = 0; i < ids.length; i++) scores[i] = Vectors.dot(x, items.get((int) ids[i]));
        List<Long> history = oldestFirst.stream().map(RatingEvent::movieId).toList();
        double[] rescored =
                NextMovies.rescore(ids, scores, NextMovies.latest(history, id -> followers.get(id.intValue())));
        List<Long> out = new ArrayList<>();
        for (int i : NextMovies.top(rescored, 10)) out.add(ids[i]);
        return out;
    }

    static List<Long> topK(float[] x, Map<Integer, float[]> items, Set<Long> exclude, int k) {
        PriorityQueue<Map.Entry<Integer, Double>> heap = new PriorityQueue<>(Map.Entry.comparingByValue());
        for (Map.Entry<Integer, float[]> it : items.entrySet()) {
            if (exclude.contains(it.getKey().longValue())) continue;
            double s = Vectors.dot(x, it.getValue());
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

    private static void writeVectors(ElasticsearchClient es, MovierecConfig config, String version, Trained model)
            throws IOException {
        Map<Integer, float[]> stored = new HashMap<>();
        for (int id : model.items().keySet()) stored.put(id, model.itemVector(id));
        int dims = model.layout().dims() + 1; // the cosine coordinate
        new IndexBootstrap(es, config).ensureVectorDims(Map.of("movies", dims, "users", dims));
        double maxNorm = stored.values().stream()
                .mapToDouble(v -> Math.sqrt(Vectors.dot(v, v)))
                .max()
                .orElse(1);
        Map<Integer, NextMovies.Row> followers = model.followers();
        List<BulkOperation> ops = new ArrayList<>();
        stored.forEach((id, v) -> ops.add(EsBulk.upsert(
                config.index("movies"),
                String.valueOf(id),
                new EmbeddingDoc(
                        VectorLayout.itemForCosine(v, maxNorm),
                        model.seq().context(model.index().get(id)),
                        followers.get(id).movieIds(),
                        followers.get(id).weights(),
                        version))));
        for (int id : model.users().keySet()) {
            ops.add(EsBulk.updateIfExists(
                    config.index("users"),
                    String.valueOf(id),
                    EmbeddingDoc.ofUser(VectorLayout.userForCosine(model.userVector(id)), version)));
        }
        new EsBulk(es, config.getInt("es.bulk.concurrency")).write(ops);
    }
}
