package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import movierec.api.ApiKeys;
import movierec.api.ApiServer;
import movierec.api.LocalKey;
import movierec.cli.LocalCluster;
import movierec.cli.Stack;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.es.LocalElasticsearch;
import movierec.kafka.EventProducer;
import movierec.kafka.LocalKafka;
import movierec.kafka.replay.MovieLensCsv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster fault test ({@code mvn -B verify -Pcluster}): the cluster {@code up --cluster} starts — 3 Kafka nodes,
 * 3 Elasticsearch nodes, a Spark master with 2 workers running the stream job's executors — takes ratings at a
 * steady rate through the API and through a producer, while one Spark worker (with its executor), one Kafka broker
 * and one Elasticsearch node are killed with {@code kill -9} and restarted. Afterwards Elasticsearch must hold
 * exactly the latest rating of every (user, movie) pair produced, every touched movie's statistics and every
 * touched user's profile must equal a recomputation from what was produced.
 */
class ClusterFaultIT {
    static final long PRODUCER_USERS = 7_000_000;
    static final long API_USERS = 7_100_000;
    static LocalCluster cluster;
    static Stack stack;
    static ApiServer api;
    static final long T0 = System.currentTimeMillis();

    static MovierecConfig baseConfig() {
        int off = Integer.getInteger("it.portOffset", 0);
        return MovierecConfig.load(TestStack.home(), Map.of(), new Properties())
                .with(Map.of(
                        "data.dir",
                        "it/target/cluster" + (off == 0 ? "" : "-" + off),
                        "kafka.port",
                        String.valueOf(19492 + off),
                        "kafka.controller.port",
                        String.valueOf(19493 + off),
                        "es.port",
                        String.valueOf(19700 + off),
                        "cluster.spark.master.port",
                        String.valueOf(19077 + off),
                        "es.refresh.interval",
                        "500ms",
                        "spark.trigger.ms",
                        "200",
                        "stream.unknown.movie.hold.ms",
                        "5000",
                        "namespace",
                        "cluster_"));
    }

    static void log(String fmt, Object... args) {
        System.out.printf(
                "[cluster %6.1f s] %s%n", (System.currentTimeMillis() - T0) / 1000.0, String.format(fmt, args));
    }

    @AfterAll
    static synchronized void stop() {
        if (api != null) api.close();
        api = null;
        if (stack != null) for (LocalProcess p : stack.everyProcessInStopOrder()) p.stop(20);
        stack = null;
    }

    @Test
    void losingOneWorkerOneBrokerAndOneElasticsearchNodeMidStreamLosesAndDuplicatesNothing() throws Exception {
        MovierecConfig base = baseConfig();
        wipe(base.dataDir());
        cluster = new LocalCluster(base);
        stack = new Stack(base);
        // the nodes run in their own sessions: stop them even if this JVM is ended early
        Runtime.getRuntime().addShutdownHook(new Thread(ClusterFaultIT::stop));
        MovierecConfig c = cluster.start(System.out);
        stack = new Stack(c);
        log("cluster up; created %s", stack.bootstrap());

        // The catalogue first (ratings of a movie the job has not seen would wait for it).
        List<MovieLensCsv.MovieRow> movies = MovieLensCsv.readMovies(c.home().resolve("data/movielens/movies.csv"));
        try (EventProducer producer = new EventProducer(c)) {
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (var m : movies) sends.add(producer.sendMovie(MovieLensCsv.toEvent(m, null)));
            producer.flush();
            for (var f : sends) f.get();
        }
        stack.startStreamJob();
        try (ElasticsearchClient es = EsClients.create(c)) {
            TestStack.await(
                    "the catalogue to be indexed by the job on the cluster",
                    420_000,
                    () -> count(es, c, "movies") == movies.size());
            LocalKey.ensure(c, new ApiKeys(es, c));
        }
        log("stream job on %s indexed %,d movies", c.get("spark.master"), movies.size());
        assertThat(executorsOf(cluster.spark().workers().get(0)))
                .as("executors on spark-worker-1")
                .isPositive();
        api = new ApiServer(c).start("127.0.0.1", 0);
        String key = LocalKey.read(c);

        // Each user rates from a small set of movies, so many pairs are rated several times: the latest must win.
        List<Long> movieIds =
                movies.stream().limit(400).map(MovieLensCsv.MovieRow::movieId).toList();
        Map<String, Double> expected = new ConcurrentHashMap<>();
        AtomicLong produced = new AtomicLong();
        AtomicLong viaApi = new AtomicLong();
        AtomicLong apiRetries = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long loadSeconds = 150;
        long loadEnd = System.currentTimeMillis() + loadSeconds * 1000;

        Thread producerLoad = new Thread(() -> {
            Random rnd = new Random(13);
            List<CompletableFuture<?>> sends = new ArrayList<>();
            Map<String, Double> mine = new HashMap<>();
            try (EventProducer producer = new EventProducer(c)) {
                long ts = 1_700_000_000_000L;
                while (System.currentTimeMillis() < loadEnd) {
                    for (int i = 0; i < 10; i++) { // 100 ratings a second
                        long user = PRODUCER_USERS + 1 + rnd.nextInt(500);
                        long movie = movieIds.get((int) ((user * 7 + rnd.nextInt(12)) % movieIds.size()));
                        double rating = (1 + rnd.nextInt(10)) / 2.0;
                        sends.add(producer.sendRating(RatingEvent.of(user, movie, rating, ts++, "cluster-producer")));
                        mine.put(user + ":" + movie, rating);
                        produced.incrementAndGet();
                    }
                    Thread.sleep(100);
                }
                producer.flush();
                for (var f : sends) f.get(); // acks=all from two in-sync replicas, or this throws
                expected.putAll(mine);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        Thread apiLoad = new Thread(() -> {
            Random rnd = new Random(31);
            HttpClient http = HttpClient.newHttpClient();
            try {
                while (System.currentTimeMillis() < loadEnd) {
                    long user = API_USERS + 1 + rnd.nextInt(100);
                    long movie = movieIds.get((int) ((user * 3 + rnd.nextInt(8)) % movieIds.size()));
                    double rating = (1 + rnd.nextInt(10)) / 2.0;
                    HttpRequest post = HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + api.port() + "/api/users/" + user + "/ratings"))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"movieId\": " + movie + ", \"rating\": " + rating + "}"))
                            .build();
                    // 503 = Kafka did not acknowledge in time (a broker just died): a client retries, as the API's docs
                    // say
                    for (int attempt = 0; ; attempt++) {
                        int status = http.send(post, HttpResponse.BodyHandlers.ofString())
                                .statusCode();
                        if (status == 202) break;
                        if (status != 503 || attempt > 60) throw new AssertionError("POST rating: HTTP " + status);
                        apiRetries.incrementAndGet();
                        Thread.sleep(500);
                    }
                    expected.put(user + ":" + movie, rating);
                    viaApi.incrementAndGet();
                    Thread.sleep(40);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        long loadStart = System.currentTimeMillis();
        producerLoad.start();
        apiLoad.start();
        log("streaming ratings for %d s: ~100/s through a producer, ~20/s through the API", loadSeconds);

        Thread.sleep(25_000);
        LocalProcess worker = cluster.spark().workers().get(0);
        log(
                "kill -9 %s (pid %d) and its %d executor(s)",
                worker.name(), worker.pid().orElse(0L), executorsOf(worker));
        worker.kill();
        Thread.sleep(20_000);
        cluster.spark().startWorker(1);
        cluster.spark().awaitWorkers(120);
        log(
                "restarted %s; the master sees %d workers; executors now on spark-worker-1: %d, spark-worker-2: %d",
                worker.name(),
                cluster.spark().aliveWorkers(),
                executorsOf(worker),
                executorsOf(cluster.spark().workers().get(1)));

        Thread.sleep(10_000);
        LocalKafka broker = cluster.kafka().get(1);
        log(
                "kill -9 %s (pid %d), leader of %s",
                broker.process().name(), broker.process().pid().orElse(0L), ledBy(c, 2));
        broker.process().kill();
        Thread.sleep(15_000);
        broker.launch();
        broker.awaitReady(120);
        log("restarted %s", broker.process().name());

        Thread.sleep(10_000);
        LocalElasticsearch node = cluster.elasticsearch().get(2);
        log("kill -9 %s (pid %d)", node.process().name(), node.process().pid().orElse(0L));
        node.process().kill();
        Thread.sleep(15_000);
        node.launch();
        node.waitHealthy(240);
        log("restarted %s", node.process().name());

        producerLoad.join();
        apiLoad.join();
        assertThat(failure.get()).as("load failure").isNull();
        log(
                "produced %,d ratings (%,d through the producer, %,d through the API, %,d API retries after 503) in %.0f s: %,d unique (user, movie) pairs",
                produced.get() + viaApi.get(),
                produced.get(),
                viaApi.get(),
                apiRetries.get(),
                (System.currentTimeMillis() - loadStart) / 1000.0,
                expected.size());

        try (ElasticsearchClient es = EsClients.create(c)) {
            TestStack.await("every pair to be indexed", 420_000, () -> count(es, c, "ratings") >= expected.size());
            // the user-keyed stage is one micro-batch behind; then give late duplicates a chance to show up
            Thread.sleep(10_000);
            Map<String, Double> indexed = ratings(es, c);
            long docs = count(es, c, "ratings");
            long lost = expected.keySet().stream()
                    .filter(k -> !indexed.containsKey(k))
                    .count();
            long extra = indexed.keySet().stream()
                    .filter(k -> !expected.containsKey(k))
                    .count();
            long wrong = expected.entrySet().stream()
                    .filter(e -> indexed.containsKey(e.getKey())
                            && indexed.get(e.getKey()).doubleValue() != e.getValue())
                    .count();
            log(
                    "Elasticsearch: %,d rating documents for %,d pairs produced: %d lost, %d duplicated or unknown, %d not the latest rating",
                    docs, expected.size(), lost, extra, wrong);
            assertThat(lost).as("pairs lost").isZero();
            assertThat(extra).as("documents that match no produced pair").isZero();
            assertThat(docs).as("rating documents").isEqualTo(expected.size());
            assertThat(wrong)
                    .as("pairs whose document is not the latest rating")
                    .isZero();

            // statistics and profiles, recomputed from what was produced
            Map<Long, double[]> byMovie = new TreeMap<>();
            Map<Long, double[]> byUser = new TreeMap<>();
            expected.forEach((pair, r) -> {
                String[] p = pair.split(":");
                byMovie.computeIfAbsent(Long.parseLong(p[1]), k -> new double[2]);
                byMovie.get(Long.parseLong(p[1]))[0]++;
                byMovie.get(Long.parseLong(p[1]))[1] += r;
                byUser.computeIfAbsent(Long.parseLong(p[0]), k -> new double[2]);
                byUser.get(Long.parseLong(p[0]))[0]++;
                byUser.get(Long.parseLong(p[0]))[1] += r;
            });
            TestStack.await(
                    "every touched user's profile", 120_000, () -> usersMatching(es, c, byUser) == byUser.size());
            Map<Long, Map<String, Object>> stats = StreamJobIT.movieStats(es, c);
            long moviesWrong = 0;
            for (var e : byMovie.entrySet()) {
                Map<String, Object> s = stats.get(e.getKey());
                boolean ok = s != null
                        && ((Number) s.get("rating_count")).longValue() == (long) e.getValue()[0]
                        && Math.abs(((Number) s.get("rating_sum")).doubleValue() - e.getValue()[1]) < 1e-6;
                if (!ok) moviesWrong++;
            }
            log(
                    "statistics: %d of %d touched movies differ from the recomputation; profiles: %d of %d touched users right",
                    moviesWrong, byMovie.size(), usersMatching(es, c, byUser), byUser.size());
            assertThat(moviesWrong).as("movies whose statistics differ").isZero();
            assertThat(usersMatching(es, c, byUser))
                    .as("users whose profile is right")
                    .isEqualTo(byUser.size());
        }
        log("done: 0 lost, 0 duplicated");
    }

    /** The partitions of the ratings, movies and pairs topics whose leader is Kafka node {@code node}. */
    static List<String> ledBy(MovierecConfig c, int node) throws Exception {
        List<String> out = new ArrayList<>();
        try (var admin = movierec.kafka.Topics.admin(c)) {
            var topics = List.of(c.topic("ratings"), c.topic("movies"), c.topic("ratings.pairs"));
            for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
                for (var p : d.partitions())
                    if (p.leader() != null && p.leader().id() == node) out.add(d.name() + "-" + p.partition());
            }
        }
        return out;
    }

    static long executorsOf(LocalProcess worker) {
        return worker.pid()
                .flatMap(ProcessHandle::of)
                .map(h -> h.descendants()
                        .filter(d -> FaultIT.cmdline(d.pid()).contains("CoarseGrainedExecutorBackend"))
                        .count())
                .orElse(0L);
    }

    static long count(ElasticsearchClient es, MovierecConfig c, String index) {
        try {
            es.indices().refresh(r -> r.index(c.index(index)));
            return es.count(x -> x.index(c.index(index))).count();
        } catch (Exception e) {
            return -1;
        }
    }

    /** pair id -> rating, every rating document of the namespace. */
    @SuppressWarnings("rawtypes")
    static Map<String, Double> ratings(ElasticsearchClient es, MovierecConfig c) throws Exception {
        Map<String, Double> out = new HashMap<>();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> from = after;
            SearchResponse<Map> r = es.search(
                    s -> {
                        s.index(c.index("ratings"))
                                .size(5000)
                                .sort(o -> o.field(f -> f.field("user_id").order(SortOrder.Asc)))
                                .sort(o -> o.field(f -> f.field("movie_id").order(SortOrder.Asc)));
                        if (from != null) s.searchAfter(from);
                        return s;
                    },
                    Map.class);
            if (r.hits().hits().isEmpty()) return out;
            for (Hit<Map> h : r.hits().hits()) {
                Double previous = out.put(h.id(), ((Number) h.source().get("rating")).doubleValue());
                if (previous != null) throw new AssertionError("document id seen twice: " + h.id());
                if (!h.id().equals(h.source().get("user_id") + ":" + h.source().get("movie_id")))
                    throw new AssertionError("document " + h.id() + " of another pair");
            }
            after = r.hits().hits().get(r.hits().hits().size() - 1).sort();
        }
    }

    /** Users whose profile's count and mean equal the recomputation ({count, sum} per user). */
    @SuppressWarnings("rawtypes")
    static long usersMatching(ElasticsearchClient es, MovierecConfig c, Map<Long, double[]> byUser) {
        try {
            es.indices().refresh(r -> r.index(c.index("users")));
            long ok = 0;
            List<String> ids = byUser.keySet().stream().map(String::valueOf).toList();
            for (int i = 0; i < ids.size(); i += 500) {
                List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 500));
                var r = es.mget(m -> m.index(c.index("users")).ids(chunk), Map.class);
                for (var d : r.docs()) {
                    if (!d.isResult() || !d.result().found()) continue;
                    Map src = d.result().source();
                    double[] want = byUser.get(Long.parseLong(d.result().id()));
                    long n = ((Number) src.get("rating_count")).longValue();
                    double avg = ((Number) src.get("rating_avg")).doubleValue();
                    if (n == (long) want[0]
                            && Math.abs(avg - want[1] / want[0]) < 1e-4
                            && ((List<?>) src.get("rated_movie_ids")).size() == n) ok++;
                }
            }
            return ok;
        } catch (Exception e) {
            return -1;
        }
    }

    private static void wipe(Path dir) throws Exception {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
