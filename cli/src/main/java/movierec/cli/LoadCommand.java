package movierec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import movierec.common.MovierecConfig;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import movierec.kafka.replay.MovieLensReplay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Replays MovieLens CSV files into Kafka (the offline default source). */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description =
                "Replay MovieLens movies and ratings into Kafka (defaults: the bundled data). Re-running creates no duplicates downstream.")
public final class LoadCommand implements Callable<Integer> {
    @Option(
            names = "--movies",
            description = "movies.csv (movieId,title,year,genres); default data/movielens/movies.csv")
    Path movies;

    @Option(
            names = "--ratings",
            description =
                    "ratings.csv (userId,movieId,rating,timestamp in epoch seconds); default data/movielens/ratings.csv")
    Path ratings;

    @Option(
            names = "--vega",
            description = "vega-datasets movies.json used to enrich matched movies; default data/vega/movies.json")
    Path vega;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Ratings per second; 0 = as fast as possible (default).")
    double rate;

    @Option(names = "--only", description = "Load only 'movies' or 'ratings'.")
    String only;

    @Override
    public Integer call() throws Exception {
        MovierecConfig config = Main.config();
        Path data = config.home().resolve("data");
        Path m = movies != null ? movies : data.resolve("movielens/movies.csv");
        Path r = ratings != null ? ratings : data.resolve("movielens/ratings.csv");
        Path v = vega != null ? vega : data.resolve("vega/movies.json");
        for (Path p : new Path[] {m, r}) {
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such file: " + p);
        }
        if (only != null && !only.equals("movies") && !only.equals("ratings")) {
            throw new IllegalArgumentException("--only takes 'movies' or 'ratings', got '" + only + "'");
        }
        Topics.ensure(config);
        try (EventProducer producer = new EventProducer(config)) {
            MovieLensReplay.Summary s = new MovieLensReplay(producer, System.out)
                    .run(
                            "ratings".equals(only) ? null : m,
                            "movies".equals(only) ? null : r,
                            Files.exists(v) ? v : null,
                            rate);
            System.out.printf(
                    "produced %,d movies and %,d ratings to %s in %.1f s%s%n",
                    s.movies(),
                    s.ratings(),
                    config.kafkaBootstrap(),
                    s.seconds(),
                    s.failed() > 0 ? " (" + s.failed() + " FAILED)" : "");
            return s.failed() > 0 ? 1 : 0;
        }
    }
}
