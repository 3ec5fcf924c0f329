package movierec.it;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import movierec.api.ApiKeys;
import movierec.api.ApiServer;
import movierec.api.LocalKey;
import movierec.api.Scope;
import movierec.cli.Experiments;
import movierec.cli.Stack;
import movierec.cli.Waits;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.ModelCache;
import movierec.kafka.EventProducer;
import movierec.kafka.replay.MovieLensReplay;

/**
 * The whole product once per test run, for API and browser tests: the bundled data through the real stream job,
 * a trained ALS model, and the API server in this JVM on a random port (namespace {@code api_}).
 */
public final class ApiFixture {
    private static MovierecConfig config;
    private static ApiServer server;
    private static String localKey;
    private static String adminKey;

    private ApiFixture() {}

    public static synchronized MovierecConfig config() throws Exception {
        if (config != null) return config;
        // read-your-writes may wait longer than the 2 s default here: the tests check that it is right, not how fast
        // (bench measures that) on a machine shared with the rest of the suite
        MovierecConfig c = TestStack.namespace("api_").with(Map.of("api.after.wait.ms", "10000"));
        Path data = c.home().resolve("data");
        try (EventProducer producer = new EventProducer(c)) {
            new MovieLensReplay(producer, System.out)
                    .run(
                            data.resolve("movielens/movies.csv"),
                            data.resolve("movielens/ratings.csv"),
                            data.resolve("vega/movies.json"),
                            0);
        }
        TestStack.startStreamJob(c);
        Waits.untilIndexed(c, 300, System.out);
        new Stack(c).train(System.out);
        awaitStreamJobModel(c);
        // As `up` does: the local write key the web page gets and the tests use (auth stays on in every test).
        try (ElasticsearchClient es = EsClients.create(c)) {
            LocalKey.ensure(c, new ApiKeys(es, c));
        }
        localKey = LocalKey.read(c);
        try (ElasticsearchClient es = EsClients.create(c)) {
            adminKey = new ApiKeys(es, c).create("test-admin", Scope.ADMIN).key();
        }
        server = new ApiServer(c).start("127.0.0.1", 0);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        config = c;
        return config;
    }

    /**
     * The stream job checks for a new model every few seconds; until it has loaded the one just trained, a rating is
     * folded in without a vector (and the user is served the cold-start list). Tests that rate right away wait for it.
     */
    private static void awaitStreamJobModel(MovierecConfig c) throws Exception {
        String version;
        try (ElasticsearchClient es = EsClients.create(c)) {
            version = ModelCache.loadOnce(es, c).version();
        }
        Path log = new LocalProcess(c, "stream-" + c.get("namespace")).logFile();
        String line = "model " + version + " loaded";
        TestStack.await("the stream job to load " + version + " (" + log + ")", 60_000, () -> {
            try {
                return Files.readString(log, StandardCharsets.ISO_8859_1).contains(line);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** The local write key (name {@code local}), as {@code up} creates it. */
    public static String localKey() throws Exception {
        config();
        return localKey;
    }

    /** An admin key (name {@code test-admin}): what erasing a user needs. */
    public static String adminKey() throws Exception {
        config();
        return adminKey;
    }

    private static boolean reported;

    /**
     * What the dashboard's last two charts read, once per run: a list served (an impression) and an experiment's report
     * (a short experiment in which user 3 is served a list).
     */
    public static synchronized void servedAndReported() throws Exception {
        if (reported) return;
        MovierecConfig c = config();
        long since = System.currentTimeMillis();
        try (ElasticsearchClient es = EsClients.create(c)) {
            Experiments experiments = new Experiments(es, c);
            String name = "dashboard-" + (System.nanoTime() & 0xffff);
            experiments.start(name, "blend=50,als=50");
            Thread.sleep(2 * 500 + 1_000); // the API's next read of the experiments index, after its refresh
            ReadYourWritesIT.call("GET", "/api/users/3/recommendations?k=10", null);
            ImpressionsIT.await(es, c, "user_id", 3, "recommendations", since);
            experiments.stop(name);
            experiments.report(name, 60_000);
        }
        reported = true;
    }

    /** Base URL of the running API, e.g. http://127.0.0.1:41234 */
    public static String baseUrl() throws Exception {
        config();
        return "http://127.0.0.1:" + server.port();
    }
}
