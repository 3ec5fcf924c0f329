package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import movierec.api.Explanations;
import movierec.api.Filters;
import movierec.api.PersonalRecommendations;
import movierec.api.PopularMovies;
import movierec.api.Recommendation;
import movierec.api.UserProfiles;
import movierec.common.BeyondAccuracy;
import movierec.common.Experiment;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.common.Progress;
import movierec.common.Ranking;
import movierec.common.RatingEvent;
import movierec.common.TemporalSplit;
import movierec.es.EsClients;
import movierec.es.IndexBootstrap;
import movierec.es.ModelCache;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import movierec.kafka.replay.MovieLensCsv;
import movierec.kafka.replay.MovieLensReplay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Offline evaluation through the real product: the training ratings go through Kafka and the stream job into a
 * separate index namespace, the model is trained there, and the same {@link PersonalRecommendations} the API uses
 * ranks every movie each test user has not rated. Relevant = the user's held-out movies (any rating). Beside accuracy,
 * what accuracy does not show ({@link BeyondAccuracy}), for each diversity setting: what more variety costs.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Measure P@K, R@K, NDCG@K and HitRate@K of what the API serves, with coverage, novelty, intra-list"
                        + " diversity and the Gini index of exposure, at diversity 0, 0.3 and 0.6, for the next variant"
                        + " (the blend re-ranked by transitions) and for a popularity baseline.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(
            names = "--train",
            description =
                    "Training ratings (userId,movieId,rating,timestamp). Default: the bundled ratings minus each user's latest 10 %.")
    Path trainFile;

    @Option(
            names = "--test",
            description = "Held-out ratings, same format. Default: each user's latest 10 % of the bundled ratings.")
    Path testFile;

    @Option(names = "--k", defaultValue = "10", description = "Cut-off (default ${DEFAULT-VALUE}).")
    int k;

    /** The diversity settings measured (0: the list served without the parameter). */
    static final double[] DIVERSITIES = {0, 0.3, 0.6};

    @Option(names = "--keep", description = "Keep the evaluation topics and indices afterwards.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        if ((trainFile == null) != (testFile == null))
            throw new IllegalArgumentException("give both --train and --test, or neither");
        if (k < 1 || k > 100) throw new IllegalArgumentException("--k must be 1..100");
        MovierecConfig base = Main.config();
        long t0 = System.nanoTime();
        if (trainFile == null) {
            TemporalSplit.Split split = TemporalSplit.of(
                    MovieLensCsv.readRatings(base.home().resolve("data/movielens/ratings.csv"), "csv"), 0.1);
            Path dir = base.dataDir().resolve("eval");
            Files.createDirectories(dir);
            trainFile = write(dir.resolve("train.csv"), split.train());
            testFile = write(dir.resolve("test.csv"), split.test());
            System.out.printf(
                    "split the bundled ratings per user by time: %,d train, %,d held out (%s, %s)%n",
                    split.train().size(), split.test().size(), trainFile, testFile);
        }
        String ns = "eval" + System.currentTimeMillis() % 100000 + "_";
        MovierecConfig config = base.with(Map.of("namespace", ns));
        Topics.ensure(config);
        try (ElasticsearchClient es = EsClients.create(config)) {
            new IndexBootstrap(es, config).ensure();
            System.out.println("1/4 loading the training ratings through Kafka (namespace " + ns + ")");
            try (EventProducer producer = new EventProducer(config)) {
                new MovieLensReplay(producer, System.out)
                        .run(
                                config.home().resolve("data/movielens/movies.csv"),
                                trainFile,
                                config.home().resolve("data/vega/movies.json"),
                                0);
            }
            System.out.println("2/4 indexing with the stream job");
            LocalProcess job = new LocalProcess(config, "stream-" + ns);
            job.start(
                    List.of(config.home().resolve("spark/submit_spark_job.sh").toString(), "stream"),
                    config.toEnv(),
                    config.home());
            try {
                Waits.untilIndexed(config, 600, System.out);
            } finally {
                job.stop(30);
            }
            System.out.println("3/4 training");
            new Stack(config).train(System.out);
            System.out.println("4/4 asking the recommendation service for every test user");
            Map<Long, Set<Long>> held = new HashMap<>();
            for (RatingEvent r : MovieLensCsv.readRatings(testFile, "csv"))
                held.computeIfAbsent(r.userId(), u -> new HashSet<>()).add(r.movieId());
            UserProfiles users = new UserProfiles(es, config);
            PopularMovies popularMovies = new PopularMovies(es, config);
            ModelCache models = new ModelCache(es, config);
            PersonalRecommendations personal = new PersonalRecommendations(
                    es, config, models, users, popularMovies, new Explanations(users, models));
            // One list per user for each diversity setting (0 first: the model as served by default) and for the
            // popularity baseline, each with its accuracy and its beyond-accuracy measures.
            Map<String, List<List<Long>>> lists = new LinkedHashMap<>();
            Map<String, List<Ranking.Metrics>> metrics = new LinkedHashMap<>();
            Progress progress = new Progress("users", held.size(), System.out);
            for (Map.Entry<Long, Set<Long>> e : held.entrySet()) {
                Map<String, List<Long>> served = new LinkedHashMap<>();
                for (double d : DIVERSITIES)
                    served.put(
                            modelName(d),
                            ids(personal.forUser(e.getKey(), k, Filters.NONE, d).items()));
                // the next variant: the same blend, its top 100 re-ranked by what follows the user's last movies
                served.put(
                        "next d=0",
                        ids(personal.forUser(e.getKey(), k, Filters.NONE, 0, Experiment.Kind.NEXT)
                                .items()));
                UserProfiles.Profile p = users.profile(e.getKey());
                served.put(
                        "popularity",
                        ids(popularMovies.excluding(p == null ? Set.of() : p.rated(), List.of(), k, Filters.NONE)));
                served.forEach((name, recs) -> {
                    lists.computeIfAbsent(name, x -> new ArrayList<>()).add(recs);
                    metrics.computeIfAbsent(name, x -> new ArrayList<>()).add(Ranking.of(recs, e.getValue(), k));
                });
                progress.step(1);
            }
            progress.finish();
            Map<Long, ModelCache.Item> items = models.current().items();
            models.close();
            int catalogue = (int) es.count(c -> c.index(config.index("movies"))).count();
            Map<Long, Integer> trainRatings = new HashMap<>();
            for (RatingEvent r : MovieLensCsv.readRatings(trainFile, "csv"))
                trainRatings.merge(r.movieId(), 1, Integer::sum);
            System.out.printf(
                    "beyond accuracy: coverage of the %,d movies, novelty in bits (−log2 share of training ratings),"
                            + " intra-list diversity (1 − cosine of ALS factors), Gini index of exposure%n",
                    catalogue);
            lists.forEach((name, served) -> System.out.println(line(
                    name,
                    Ranking.mean(metrics.get(name)),
                    BeyondAccuracy.coverage(served, catalogue),
                    BeyondAccuracy.novelty(served, trainRatings),
                    BeyondAccuracy.mean(served.stream()
                            .map(l -> BeyondAccuracy.intraListDiversity(factors(l, items)))
                            .toList()),
                    BeyondAccuracy.gini(served, catalogue),
                    served.size())));
            System.out.printf("evaluated in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            if (!keep) Stack.dropNamespace(es, config);
        }
        return 0;
    }

    private String line(
            String name, Ranking.Metrics m, double coverage, double novelty, double ild, double gini, int users) {
        return String.format(
                "%-15s P@%d=%.4f R@%d=%.4f NDCG@%d=%.4f HR@%d=%.4f coverage@%d=%.4f novelty=%.2f ILD=%.4f Gini=%.4f"
                        + " users=%d",
                name, k, m.precision(), k, m.recall(), k, m.ndcg(), k, m.hit(), k, coverage, novelty, ild, gini, users);
    }

    private static String modelName(double diversity) {
        return "model d=" + (diversity == 0 ? "0" : String.valueOf(diversity));
    }

    /** The ALS factors of the listed movies: what diversity is measured on, as the re-ranking measures it. */
    private static List<float[]> factors(List<Long> ids, Map<Long, ModelCache.Item> items) {
        return ids.stream()
                .map(id -> items.containsKey(id) ? items.get(id).factors() : null)
                .toList();
    }

    private static List<Long> ids(List<Recommendation> recs) {
        return recs.stream().map(Recommendation::movieId).toList();
    }

    private static Path write(Path file, List<RatingEvent> ratings) throws Exception {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("userId,movieId,rating,timestamp");
            for (RatingEvent r : ratings)
                w.printf("%d,%d,%s,%d%n", r.userId(), r.movieId(), r.rating(), r.timestamp() / 1000);
        }
        return file;
    }
}
