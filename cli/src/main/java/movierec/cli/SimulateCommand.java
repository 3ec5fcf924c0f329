package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import movierec.api.LocalKey;
import movierec.common.MovierecConfig;
import movierec.common.Progress;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import movierec.kafka.replay.MovieLensCsv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Live-demo traffic: simulated users rate movies drawn from the bundled data's distributions: a movie with
 * probability proportional to how often it was rated, a value from that movie's own ratings.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Produce plausible ratings from simulated users (source=simulated).")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--users", defaultValue = "50", description = "Simulated users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--rate", defaultValue = "10", description = "Ratings per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--count",
            defaultValue = "1000",
            description = "Ratings to produce, then stop (default ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--first-user-id",
            defaultValue = "1000000",
            description = "Id of the first simulated user, above real ids (default ${DEFAULT-VALUE}).")
    long firstUserId;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--respond",
            description =
                    "Closed loop through the API instead: users 1..--users fetch their recommendations, --rate lists"
                            + " a second for --seconds, and rate what they are shown by a hidden taste (RespondingUsers).")
    boolean respond;

    @Option(
            names = "--seconds",
            defaultValue = "120",
            description = "With --respond: how long (default ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() throws Exception {
        if (users < 1 || rate <= 0 || count < 1)
            throw new IllegalArgumentException("--users, --rate and --count must be positive");
        MovierecConfig config = Main.config();
        if (respond) return respond(config);
        List<RatingEvent> observed =
                MovieLensCsv.readRatings(config.home().resolve(Path.of("data/movielens/ratings.csv")), "csv");
        // Each observed rating is one draw: picking a random one picks a movie by popularity and a value from its
        // ratings.
        Map<Long, List<Double>> byMovie = new HashMap<>();
        for (RatingEvent r : observed)
            byMovie.computeIfAbsent(r.movieId(), k -> new ArrayList<>()).add(r.rating());
        Random random = new Random(seed);
        Topics.ensure(config);
        Progress progress = new Progress("simulate", count, System.out);
        try (EventProducer producer = new EventProducer(config)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = t0 + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                RatingEvent pick = observed.get(random.nextInt(observed.size()));
                List<Double> values = byMovie.get(pick.movieId());
                double value = values.get(random.nextInt(values.size()));
                long user = firstUserId + random.nextInt(users);
                producer.sendRating(
                        RatingEvent.of(user, pick.movieId(), value, System.currentTimeMillis(), "simulated"));
                progress.step(1);
            }
            producer.flush();
        }
        progress.finish();
        return 0;
    }

    private int respond(MovierecConfig config) throws Exception {
        String key = LocalKey.read(config);
        if (key == null)
            throw new IllegalStateException("no API key in " + LocalKey.file(config) + ": run ./movierec up first");
        List<Long> ids = new ArrayList<>();
        for (long u = 1; u <= users; u++) ids.add(u);
        try (ElasticsearchClient es = EsClients.create(config)) {
            RespondingUsers.Result r =
                    new RespondingUsers(es, config, config.apiUrl(), key, System.out).run(ids, rate, seconds, seed);
            return r.failures() == 0 ? 0 : 1;
        }
    }
}
