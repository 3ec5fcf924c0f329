package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import movierec.api.ApiKeys;
import movierec.api.ApiServer;
import movierec.api.LocalKey;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.es.LocalElasticsearch;
import movierec.kafka.EventProducer;
import movierec.kafka.LocalKafka;
import movierec.kafka.replay.MovieLensCsv;
import movierec.kafka.replay.MovieLensReplay;

/**
 * {@code bench --cluster}: the same data through the same code twice in one run — on single nodes with the stream job
 * in local mode, then on the local cluster ({@code up --cluster}'s 3 Kafka nodes, 3 Elasticsearch nodes, Spark master
 * and workers) — measuring ingest (cold: the bundled data through a fresh job; warm: the same ratings by new users
 * produced while it runs) and freshness (POST rating → the user's profile updated). Each mode runs alone, in its own
 * data directory ({@code <data.dir>/bench-cluster}) on ports {@link #PORT_SHIFT} above the configured ones, so a
 * running stack is left alone (its load still shares the cores: stop it for clean figures).
 */
final class ClusterBench {
    static final int PORT_SHIFT = 500;
    static final int TRIALS = 30;
    private final StringBuilder report = new StringBuilder();

    int run(MovierecConfig config) throws Exception {
        MovierecConfig base = config.with(Map.of(
                "data.dir",
                config.dataDir().resolve("bench-cluster").toString(),
                "kafka.port",
                String.valueOf(config.getInt("kafka.port") + PORT_SHIFT),
                "kafka.controller.port",
                String.valueOf(config.getInt("kafka.controller.port") + PORT_SHIFT),
                "es.port",
                String.valueOf(config.getInt("es.port") + PORT_SHIFT),
                "cluster.spark.master.port",
                String.valueOf(config.getInt("cluster.spark.master.port") + PORT_SHIFT),
                "kafka.bootstrap",
                "",
                "es.url",
                "",
                "namespace",
                ""));
        Map<String, Result> results = new LinkedHashMap<>();
        results.put("local", measure(base, false));
        results.put("cluster", measure(base, true));
        md("# movierec bench --cluster — "
                + LocalDateTime.now()
                        .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .substring(0, 19));
        md("");
        md(
                "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                        + System.getProperty("java.version")
                        + ". The same data (the bundled 9,066 movies and 90,282 ratings; then the same ratings by new users) through the same code:");
        md("");
        md("- **local**: one Kafka node, one Elasticsearch node, the stream job in local mode (`"
                + config.get("spark.master") + "`, executors in the driver's JVM);");
        md(
                "- **cluster**: 3 Kafka nodes (replication 3, min in-sync 2), 3 Elasticsearch nodes (one replica per index), a Spark"
                        + " standalone master and " + config.get("cluster.spark.workers")
                        + " workers; the stream job's driver in client mode, its"
                        + " executors on the workers (" + config.get("cluster.spark.app.cores") + " task slots, "
                        + config.get("cluster.spark.executor.memory") + " each).");
        md("");
        md("| mode | start-up | cold ingest | warm ingest | freshness p50 | p99 | RSS, every process |");
        md("|---|---:|---:|---:|---:|---:|---:|");
        for (var e : results.entrySet()) {
            Result r = e.getValue();
            md(String.format(
                    "| %s | %.0f s | %,d docs in %.1f s = %,.0f docs/s | %,d docs in %.1f s = %,.0f docs/s | %.0f ms | %.0f ms | %,d MiB |",
                    e.getKey(),
                    r.startSeconds,
                    r.coldDocs,
                    r.coldSeconds,
                    r.coldDocs / r.coldSeconds,
                    r.warmDocs,
                    r.warmSeconds,
                    r.warmDocs / r.warmSeconds,
                    r.p50,
                    r.p99,
                    r.rssMiB));
        }
        Result local = results.get("local");
        Result cluster = results.get("cluster");
        md("");
        md(String.format(
                "Cluster / local: warm ingest %.2f×, freshness p50 %.2f×. On one 2-core machine the cluster can only be slower:"
                        + " it runs every write three times in Kafka and twice in Elasticsearch, ships each micro-batch's tasks and shuffle"
                        + " blocks between JVMs, and its nodes compete for the same cores. What it shows is that the same job runs unchanged"
                        + " on executors spread over workers, which on real machines add cores instead of sharing them.",
                (cluster.warmDocs / cluster.warmSeconds) / (local.warmDocs / local.warmSeconds),
                cluster.p50 / local.p50));
        Path dir = config.home().resolve("bench/results");
        Files.createDirectories(dir);
        Path file = dir.resolve(
                "cluster-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
        Files.writeString(file, report.toString());
        System.out.println();
        System.out.println("report written to " + file);
        return 0;
    }

    private record Result(
            double startSeconds,
            long coldDocs,
            double coldSeconds,
            long warmDocs,
            double warmSeconds,
            double p50,
            double p99,
            long rssMiB) {}

    /** One mode from nothing: start, cold pass, warm pass, freshness; everything it started is stopped at the end. */
    private Result measure(MovierecConfig base, boolean clusterMode) throws Exception {
        System.err.println("== " + (clusterMode ? "cluster" : "local") + " mode");
        SparkStandalone.deleteTree(base.dataDir());
        List<LocalProcess> started = new ArrayList<>();
        ApiServer api = null;
        try {
            long t0 = System.nanoTime();
            MovierecConfig c;
            if (clusterMode) {
                LocalCluster cluster = new LocalCluster(base);
                started.addAll(cluster.processesInStopOrder());
                c = cluster.start(System.err);
            } else {
                LocalKafka kafka = new LocalKafka(base);
                LocalElasticsearch es = new LocalElasticsearch(base);
                started.addAll(List.of(es.process(), kafka.process()));
                kafka.start(90);
                es.start(150);
                c = base;
            }
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            Stack stack = new Stack(c);
            started.add(0, stack.stream());
            stack.bootstrap();
            Path data = c.home().resolve("data");
            try (EventProducer producer = new EventProducer(c)) {
                new MovieLensReplay(producer, System.err)
                        .run(
                                data.resolve("movielens/movies.csv"),
                                data.resolve("movielens/ratings.csv"),
                                data.resolve("vega/movies.json"),
                                0);
            }
            stack.startStreamJob();
            Waits.untilIndexed(c, 1200, System.err);
            IngestBench.Pass cold = IngestBench.Pass.of(Waits.streamStatus(c), 0);
            long coldDocs;
            long warmDocs;
            IngestBench.Pass warm;
            try (ElasticsearchClient es = EsClients.create(c)) {
                coldDocs = docs(es, c);
                System.err.println("ingest: warm pass, the same ratings by new users, produced while the job runs");
                long producing = System.currentTimeMillis();
                try (EventProducer producer = new EventProducer(c)) {
                    List<CompletableFuture<?>> sends = new ArrayList<>();
                    for (RatingEvent r : MovieLensCsv.readRatings(data.resolve("movielens/ratings.csv"), "csv")) {
                        sends.add(producer.sendRating(RatingEvent.of(
                                r.userId() + IngestBench.WARM_USER_OFFSET,
                                r.movieId(),
                                r.rating(),
                                r.timestamp(),
                                r.source())));
                    }
                    producer.flush();
                    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                            .join();
                }
                Waits.untilIndexed(c, 1200, System.err);
                warm = IngestBench.Pass.of(Waits.streamStatus(c), producing);
                // a warm pass writes its ratings and users, and rewrites the statistics of every movie it rates (all
                // rated movies)
                warmDocs = docs(es, c) - coldDocs + count(es, c, "movies", true);
                LocalKey.ensure(c, new ApiKeys(es, c));
            }
            api = new ApiServer(c).start("127.0.0.1", 0);
            double[] ms = freshness(api.port(), LocalKey.read(c));
            long rss = 0;
            for (LocalProcess p : started) rss += p.rssBytes();
            return new Result(
                    startSeconds,
                    coldDocs,
                    cold.seconds(),
                    warmDocs,
                    warm.seconds(),
                    LoadGenerator.percentile(ms, 50),
                    LoadGenerator.percentile(ms, 99),
                    rss / (1024 * 1024));
        } finally {
            if (api != null) api.close();
            for (LocalProcess p : started) p.stop(30);
        }
    }

    /** Movies + ratings + users documents. */
    private static long docs(ElasticsearchClient es, MovierecConfig c) throws Exception {
        return count(es, c, "movies", false) + count(es, c, "ratings", false) + count(es, c, "users", false);
    }

    private static long count(ElasticsearchClient es, MovierecConfig c, String index, boolean rated) throws Exception {
        es.indices().refresh(r -> r.index(c.index(index)));
        if (!rated) return es.count(x -> x.index(c.index(index))).count();
        return es.count(x -> x.index(c.index(index))
                        .query(q -> q.range(
                                r -> r.number(n -> n.field("rating_count").gt(0.0)))))
                .count();
    }

    /** Milliseconds from a new user's POST rating (through the API, Kafka and both stream stages) to their profile showing it. */
    private static double[] freshness(int port, String key) throws Exception {
        System.err.println("freshness: " + TRIALS + " trials");
        HttpClient http = HttpClient.newHttpClient();
        String api = "http://127.0.0.1:" + port;
        long[] movies = {1, 588, 364, 595, 6377, 2355, 3114, 4886, 1907, 2081};
        long user0 = 980_000_000L + System.currentTimeMillis() % 1_000_000L * 10;
        double[] ms = new double[TRIALS];
        for (int t = -1; t < TRIALS; t++) { // trial -1 warms the path up and is not counted
            long user = user0 + t + 1;
            long s = System.nanoTime();
            var post = LoadGenerator.post(
                    api + "/api/users/" + user + "/ratings",
                    "{\"movieId\": " + movies[(t + 1) % movies.length] + ", \"rating\": 5}");
            var posted = http.send(
                    java.net.http.HttpRequest.newBuilder(post, (n, v) -> true)
                            .header("X-API-Key", key)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (posted.statusCode() != 202)
                throw new IllegalStateException("POST rating answered " + posted.statusCode() + ": " + posted.body());
            while (http.send(LoadGenerator.get(api + "/api/users/" + user), HttpResponse.BodyHandlers.ofString())
                            .statusCode()
                    != 200) {
                if (System.nanoTime() - s > 60e9)
                    throw new IllegalStateException("the profile of user " + user + " did not appear in 60 s");
                Thread.sleep(10);
            }
            if (t >= 0) ms[t] = (System.nanoTime() - s) / 1e6;
        }
        return ms;
    }

    private void md(String line) {
        System.out.println(line);
        report.append(line).append('\n');
    }
}
