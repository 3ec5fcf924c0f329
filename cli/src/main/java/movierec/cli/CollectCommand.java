package movierec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import movierec.common.MovierecConfig;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import movierec.kafka.collect.CollectSummary;
import movierec.kafka.collect.MovieLensOrgCollector;
import movierec.kafka.collect.MovieSink;
import movierec.kafka.collect.TmdbCollector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Collects movies from the web APIs into the movies topic. Credentials come from the environment only. */
@Command(
        name = "collect",
        mixinStandardHelpOptions = true,
        description = "Collect movies from TMDB or movielens.org into Kafka.",
        subcommands = {CollectCommand.Tmdb.class, CollectCommand.MovieLens.class})
public final class CollectCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(
            name = "tmdb",
            mixinStandardHelpOptions = true,
            description =
                    "Page TMDB's /3/movie/popular (auth: TMDB_API_KEY or TMDB_TOKEN). A re-run continues after the last page.")
    static final class Tmdb implements Callable<Integer> {
        @Option(
                names = "--pages",
                defaultValue = "10",
                description = "Pages to fetch in this run (TMDB stops at 500 anyway; default ${DEFAULT-VALUE}).")
        int pages;

        @Option(names = "--base-url", description = "API base URL (default " + TmdbCollector.DEFAULT_BASE_URL + ").")
        String baseUrl;

        @Override
        public Integer call() {
            MovierecConfig config = Main.config();
            Path cursor = config.dataDir().resolve("cursors/tmdb.cursor");
            TmdbCollector collector = TmdbCollector.fromEnvironment(baseUrl, cursor);
            return run(config, sink -> collector.collect(sink, pages, System.out));
        }
    }

    @Command(
            name = "movielens",
            mixinStandardHelpOptions = true,
            description =
                    "Page movielens.org's explore API (login: MOVIELENS_USERNAME, MOVIELENS_PASSWORD). A re-run continues after the last page.")
    static final class MovieLens implements Callable<Integer> {
        @Option(
                names = "--pages",
                defaultValue = "10",
                description = "Pages to fetch in this run (default ${DEFAULT-VALUE}).")
        int pages;

        @Option(names = "--base-url", description = "Site base URL (default https://movielens.org).")
        String baseUrl;

        @Override
        public Integer call() {
            MovierecConfig config = Main.config();
            Path cursor = config.dataDir().resolve("cursors/movielens.cursor");
            MovieLensOrgCollector collector = MovieLensOrgCollector.fromEnvironment(baseUrl, cursor);
            return run(config, sink -> collector.collect(sink, pages, System.out));
        }
    }

    private static int run(MovierecConfig config, java.util.function.Function<MovieSink, CollectSummary> collect) {
        Topics.ensure(config);
        try (EventProducer producer = new EventProducer(config)) {
            CollectSummary s = collect.apply(MovieSink.of(producer));
            System.out.println(s.describe());
            return 0;
        }
    }
}
