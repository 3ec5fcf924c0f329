package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import movierec.api.ApiKeys;
import movierec.api.LocalKey;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import movierec.kafka.replay.MovieLensReplay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Brings the whole system up; every step is idempotent, so running it twice is harmless. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description =
                "Start Kafka, Elasticsearch, the stream job and the API; load the bundled data on first start."
                        + " --cluster: a 3-node Kafka, a 3-node Elasticsearch and a Spark standalone cluster instead of single nodes.")
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--no-load", description = "Do not load the bundled MovieLens data.")
    boolean noLoad;

    @Option(
            names = "--cluster",
            description = "Run 3 Kafka nodes, 3 Elasticsearch nodes and a Spark standalone master with workers"
                    + " (the stream job's executors) on this machine; `down` stops them. Remembered until `down`.")
    boolean cluster;

    @Option(
            names = "--timeout",
            defaultValue = "300",
            description = "Seconds to wait for the data to be indexed (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        MovierecConfig config = Main.config();
        long t0 = System.nanoTime();
        if (cluster || LocalCluster.active(config)) {
            config = startCluster();
        }
        Stack stack = new Stack(config);
        if (!LocalCluster.active(config)) {
            step(
                    "Kafka "
                            + (config.localKafka()
                                    ? "(local, " + config.kafkaBootstrap() + ")"
                                    : "(external, " + config.kafkaBootstrap() + ")"),
                    stack::startKafka);
            step(
                    "Elasticsearch " + (config.localElasticsearch() ? "(local, " : "(external, ") + config.esUrl()
                            + ")",
                    stack::startElasticsearch);
        }
        List<String> created = stack.bootstrap();
        System.out.println("  topics and indices ready"
                + (created.isEmpty() ? "" : " (created " + String.join(", ", created) + ")"));
        localKey(config);
        step("stream job", () -> {
            try {
                stack.startStreamJob();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        boolean loaded = !noLoad && loadBundledDataOnce(config);
        if (!noLoad) Waits.untilIndexed(config, timeoutSeconds, System.out);
        if (!modelExists(config) && hasRatings(config)) {
            // The first model uses the best known setting so `up` serves within two minutes; `./movierec train` tunes.
            System.out.println(
                    "  training the first model (ALS + sequential, best known setting; ./movierec train tunes)");
            new Stack(config.with(java.util.Map.of("train.grid", "fixed"))).train(System.out);
        }
        step("API and web page", () -> {
            try {
                stack.startApi();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        java.nio.file.Files.writeString(
                config.dataDir().resolve("run/up.json"),
                // loaded: this up produced the bundled data (an up from nothing), not one over data already there
                String.format(
                        "{\"seconds\": %.1f, \"at\": %d, \"loaded\": %b}",
                        seconds, System.currentTimeMillis(), loaded));
        System.out.printf("ready in %.0f s%n", seconds);
        System.out.println(
                "  web page       " + config.apiUrl() + "/          dashboard: " + config.apiUrl() + "/dashboard");
        System.out.println("  API            " + config.apiUrl() + "/api       docs: " + config.apiUrl() + "/api/docs");
        System.out.println("  API keys       writes need a write key; reads "
                + (Boolean.parseBoolean(config.get("api.auth.read")) ? "need a read key" : "are open")
                + "   new key: ./movierec keys create --name NAME --scope write");
        System.out.println("  Kafka          " + config.kafkaBootstrap());
        System.out.println("  Elasticsearch  " + config.esUrl() + "   " + EsClients.describeSecurity(config));
        if (config.localElasticsearch() || LocalCluster.active(config)) {
            System.out.println("  credentials    " + config.dataDir().resolve("credentials.properties")
                    + "   (generated; one user per component, never commit it)");
        }
        System.out.println("  logs           " + config.dataDir().resolve("logs") + "   (./movierec logs NAME)");
        System.out.println("  status         ./movierec status      stop: ./movierec down");
        return 0;
    }

    /**
     * Starts (or completes) the local cluster: it replaces the single nodes, so external clusters configured or a
     * single-node stack running are errors that say what to do.
     */
    private static MovierecConfig startCluster() {
        MovierecConfig plain = movierec.common.MovierecConfig.load();
        if (!plain.localKafka() || !plain.localElasticsearch()) {
            throw new IllegalStateException(
                    "--cluster starts its own Kafka and Elasticsearch, but external ones are configured: unset"
                            + " MOVIEREC_KAFKA_BOOTSTRAP and MOVIEREC_ES_URL (kafka.bootstrap, es.url), or run ./movierec up without --cluster to use them");
        }
        Stack single = new Stack(plain);
        if (new movierec.common.LocalProcess(plain, "kafka").running()
                || single.elasticsearch().running()) {
            throw new IllegalStateException(
                    "a single-node stack is running: stop it with ./movierec down, then ./movierec up --cluster");
        }
        return single.cluster().start(System.out);
    }

    /** The web page's and the bundled tools' write key: printed when new, the only time it is shown. */
    private static void localKey(MovierecConfig config) throws java.io.IOException {
        String where = config.home().relativize(LocalKey.file(config)).toString();
        try (ElasticsearchClient es = es(config)) {
            String created = LocalKey.ensure(config, new ApiKeys(es, config));
            if (created == null) {
                System.out.println("  API key 'local' for the web page and bundled tools: in " + where);
            } else {
                System.out.println(
                        "  created API key 'local' (scope write) for the web page and bundled tools, kept in " + where
                                + ":");
                System.out.println("    " + created + "   (shown only now)");
            }
        }
    }

    /**
     * Loads the bundled data unless the movies topic already holds events (a second {@code up} must not re-send);
     * returns whether it did.
     */
    private static boolean loadBundledDataOnce(MovierecConfig config) throws Exception {
        if (Waits.topicSize(config, config.topic(Topics.MOVIES)) > 0) {
            System.out.println("  bundled data already in Kafka: not loading again");
            return false;
        }
        Path data = config.home().resolve("data");
        System.out.println("  loading the bundled MovieLens data into Kafka");
        try (EventProducer producer = new EventProducer(config)) {
            MovieLensReplay.Summary s = new MovieLensReplay(producer, System.out)
                    .run(
                            data.resolve("movielens/movies.csv"),
                            data.resolve("movielens/ratings.csv"),
                            data.resolve("vega/movies.json"),
                            0);
            System.out.printf(
                    "  produced %,d movies and %,d ratings in %.1f s%n", s.movies(), s.ratings(), s.seconds());
        }
        return true;
    }

    private static boolean modelExists(MovierecConfig config) throws java.io.IOException {
        try (ElasticsearchClient es = es(config)) {
            return es.exists(e -> e.index(config.index("models")).id("current")).value();
        }
    }

    private static boolean hasRatings(MovierecConfig config) throws java.io.IOException {
        try (ElasticsearchClient es = es(config)) {
            return es.count(c -> c.index(config.index("ratings"))).count() > 0;
        }
    }

    private static void step(String what, Runnable action) {
        long t = System.nanoTime();
        System.out.print("  starting " + what + " ... ");
        System.out.flush();
        action.run();
        System.out.printf("up (%.1f s)%n", (System.nanoTime() - t) / 1e9);
    }

    static ElasticsearchClient es(MovierecConfig config) {
        return EsClients.create(config);
    }
}
