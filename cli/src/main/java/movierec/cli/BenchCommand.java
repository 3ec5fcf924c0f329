package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import movierec.api.LocalKey;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures the running system beside raw baselines taken in the same run: ingest against a raw {@code _bulk} of the
 * same documents, freshness against the trigger interval, API latency and throughput against the raw Elasticsearch
 * request each endpoint builds, memory of every process, and {@code up}'s time to ready ({@link IngestBench},
 * {@link FreshnessBench}, {@link ApiBench}, then memory here). Prints one markdown report and writes it under
 * {@code bench/results/}. Run it after {@code ./movierec up}.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark the running system against raw Kafka/Elasticsearch baselines.")
public final class BenchCommand implements Callable<Integer> {
    static final List<String> PARTS = List.of("ingest", "freshness", "api", "logging");

    @Option(
            names = "--seconds",
            defaultValue = "5",
            description = "Seconds per API load cell (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--trials",
            defaultValue = "50",
            description =
                    "Freshness trials per round (default ${DEFAULT-VALUE}); three warm-up rounds run before the judged one.")
    int trials;

    @Option(
            names = "--skip-ingest",
            description = "Skip the ingest measurement (it loads the bundled data into a bench namespace).")
    boolean skipIngest;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "PART",
            description =
                    "Run only these parts (ingest, freshness, api, logging; comma-separated): what to repeat when tuning "
                            + "one of them. Ingest alone needs no API; api includes logging, the impression logging comparison.")
    Set<String> only;

    @Option(
            names = "--cluster",
            description = "Run only the cluster benchmark: ingest and freshness on single nodes (local mode), then on "
                    + "a local cluster (3 Kafka, 3 Elasticsearch nodes, Spark standalone), same data, one run. Ports 500 above the configured ones; "
                    + "report in bench/results/cluster-<time>.md.")
    boolean cluster;

    @Option(
            names = "--scale",
            description =
                    "Run only the scale benchmark: --sizes synthetic ratings, each through a fresh stream job; "
                            + "throughput, heap, RSS, state, restart and freshness as the history grows. Report in bench/results/scale-<time>.md.")
    boolean scale;

    @Mixin
    ScaleBench scaleBench;

    @Override
    public Integer call() throws Exception {
        MovierecConfig config = Main.config();
        if (scale) return scaleBench.run(config); // needs only Kafka and Elasticsearch, not the API
        if (cluster) return new ClusterBench().run(config); // starts its own nodes
        Set<String> parts = new HashSet<>(only != null ? only : PARTS);
        if (!PARTS.containsAll(parts))
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--only takes " + String.join(", ", PARTS) + "; got " + only);
        if (skipIngest) parts.remove("ingest");
        // ingest runs its own stream job in a bench namespace: only the other parts need the API
        BenchApi api = parts.stream().anyMatch(p -> !p.equals("ingest")) ? api(config) : null;
        BenchReport report = header(config);
        try (ElasticsearchClient es = EsClients.create(config)) {
            if (parts.contains("ingest")) new IngestBench(report).run(config, es);
            if (parts.contains("freshness"))
                new FreshnessBench(api, report)
                        .run(trials, String.valueOf(Waits.jobTriggerMs(config, "ratings", "spark.trigger.ms")));
            if (parts.contains("api")) new ApiBench(api, report, es, config).run(seconds);
            else if (parts.contains("logging")) new ApiBench(api, report, es, config).runLogging(seconds);
        }
        if (only == null) memoryAndStartup(config, report);
        Path file = report.write(config.home().resolve("bench/results"));
        System.out.println();
        System.out.println("report written to " + file);
        return 0;
    }

    /** The running API, signed in with the local key {@code up} created. */
    private static BenchApi api(MovierecConfig config) throws IOException {
        if (!LocalProcess.listening(config.get("api.host"), config.getInt("api.port"))) {
            throw new IllegalStateException(
                    "the API is not running at " + config.apiUrl() + ": run ./movierec up first");
        }
        String key = LocalKey.read(config);
        if (key == null)
            throw new IllegalStateException(
                    "no API key in " + LocalKey.file(config) + ": run ./movierec up first (it creates one)");
        return new BenchApi(config.apiUrl(), key);
    }

    private static BenchReport header(MovierecConfig config) {
        BenchReport report = new BenchReport();
        report.md("# movierec benchmark — "
                + LocalDateTime.now()
                        .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .substring(0, 19));
        report.md("");
        report.md("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version")
                + "; Kafka " + config.kafkaBootstrap() + ", Elasticsearch " + config.esUrl() + ", triggers "
                + Waits.jobTriggerMs(config, "ratings", "spark.trigger.ms") + " ms (ratings, users), "
                + Waits.jobTriggerMs(config, "movies", "stream.movies.trigger.ms") + " ms (movies), "
                + Waits.jobTriggerMs(config, "impressions", "stream.impressions.trigger.ms")
                + " ms (impressions), refresh "
                + config.get("es.refresh.interval")
                + ", movie statistics at most every "
                + config.get("stream.movie.stats.interval.ms")
                + " ms"
                + (config.get("spark.driver.java.options").isEmpty()
                        ? ""
                        : "; stream job JVM options `" + config.get("spark.driver.java.options") + "`")
                + ".");
        report.md("");
        return report;
    }

    // ---- memory and start-up ----

    private static void memoryAndStartup(MovierecConfig config, BenchReport report) throws Exception {
        Stack stack = new Stack(config);
        report.md("## Memory (RSS) and start-up");
        report.md("");
        report.md("| process | RSS MiB |");
        report.md("|---|---:|");
        long total = 0;
        for (LocalProcess p : stack.processesInStopOrder()) {
            long rss = p.rssBytes();
            total += rss;
            report.md(String.format(
                    "| %s | %s |", p.name(), p.running() ? String.format("%,d", rss / (1024 * 1024)) : "not running"));
        }
        report.md(String.format("| **whole stack** | **%,d** |", total / (1024 * 1024)));
        report.md("");
        report.md(String.format("Target ≤ 4096 MiB: **%s**.", total <= 4096L * 1024 * 1024 ? "met" : "missed"));
        report.md("");
        report.md(upLine(Waits.readJson(config.dataDir().resolve("run/up.json"))));
    }

    /** The last {@code up}'s time, judged only when it started from nothing (it loaded the bundled data). */
    private static String upLine(JsonNode up) {
        if (up == null) return "`up` time: not recorded (run ./movierec up first).";
        double seconds = up.path("seconds").asDouble();
        if (!up.path("loaded").asBoolean(false))
            return String.format(
                    "Last `./movierec up`: ready in %.0f s over data already loaded, so not judged (target ≤ 120 s from "
                            + "nothing: `./movierec down`, remove the data directory, then `up`).",
                    seconds);
        return String.format(
                "Last `./movierec up`, from nothing: ready in %.0f s (target ≤ 120 s from nothing, downloads cached: **%s**).",
                seconds, seconds <= 120 ? "met" : "missed");
    }
}
