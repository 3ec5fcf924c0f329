package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * ranks every movie each test user has not rated. Relevant = the user's held-out movies (any rating).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Measure P@K, R@K, NDCG@K and HitRate@K of what the API serves, beside a popularity baseline.")
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
            List<Ranking.Metrics> model = new ArrayList<>();
            List<Ranking.Metrics> popular = new ArrayList<>();
            Progress progress = new Progress("users", held.size(), System.out);
            for (Map.Entry<Long, Set<Long>> e : held.entrySet()) {
                List<Long> recs =
                        ids(personal.forUser(e.getKey(), k, Filters.NONE).items());
                UserProfiles.Profile p = users.profile(e.getKey());
                List<Long> pop =
                        ids(popularMovies.excluding(p == null ? Set.of() : p.rated(), List.of(), k, Filters.NONE));
                model.add(Ranking.of(recs, e.getValue(), k));
                popular.add(Ranking.of(pop, e.getValue(), k));
                progress.step(1);
            }
            progress.finish();
            models.close();
            System.out.println(line("model", Ranking.mean(model), model.size()));
            System.out.println(line("popularity", Ranking.mean(popular), popular.size()));
            System.out.printf("evaluated in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            if (!keep) Stack.dropNamespace(es, config);
        }
        return 0;
    }

    private String line(String name, Ranking.Metrics m, int users) {
        return String.format(
                "%-10s P@%d=%.4f R@%d=%.4f NDCG@%d=%.4f HR@%d=%.4f users=%d",
                name, k, m.precision(), k, m.recall(), k, m.ndcg(), k, m.hit(), users);
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
