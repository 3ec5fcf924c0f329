package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import movierec.cli.ScaleReport.Result;
import movierec.common.Genres;
import movierec.common.KafkaClientSecurity;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.common.Progress;
import movierec.common.RatingEvent;
import movierec.es.IndexBootstrap;
import movierec.kafka.EventProducer;
import movierec.kafka.LocalKafka;
import movierec.kafka.Topics;
import movierec.kafka.replay.MovieLensCsv;
import movierec.kafka.replay.MovieLensReplay;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Option;

/**
 * {@code movierec bench --scale}: what grows with the history. For each size (1M and 5M synthetic ratings by default,
 * see {@link ScaleGenerator}) a fresh namespace and a fresh stream job under the supervisor ingest the load, and this
 * measures throughput, the stream JVM's heap and RSS, state on disk, restart time after {@code kill -9} and freshness
 * while the job works through the load, beside the raw Kafka produce rate and a raw {@code _bulk} of 1M rating
 * documents. Needs Kafka and Elasticsearch ({@code ./movierec up}); deletes each namespace's topics, indices and
 * checkpoints afterwards. Options are mixed into {@link BenchCommand}.
 */
final class ScaleBench {
    @Option(
            names = "--sizes",
            split = ",",
            defaultValue = "1000000,5000000",
            paramLabel = "N",
            description = "With --scale: ratings per run, comma-separated (default ${DEFAULT-VALUE}).")
    List<Long> sizes;

    @Option(
            names = "--users",
            defaultValue = "100000",
            description = "With --scale: users the ratings spread over (default ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "With --scale: random seed; a seed always gives the same ratings (default ${DEFAULT-VALUE}).")
    long seed;

    static final long RAW_DOCS = 1_000_000;
    static final int BULK = 5_000;
    static final long MIN_FREE_BYTES =
            8L << 30; // 5M ratings take a few GiB across Kafka, Elasticsearch and checkpoints
    static final long TRIAL_TIMEOUT_MS = 30_000;
    static final long FRESH_USER_BASE = 900_000_000L; // far above --users: every trial is a brand-new user
    static final int EXTRA = 1_000;
    static final int RESTART_TIMEOUT_S = 600;
    private static final double MIB = 1024.0 * 1024.0;

    int run(MovierecConfig base) throws Exception {
        if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n <= 0) || users <= 0)
            throw new IllegalArgumentException("--sizes and --users must be positive");
        boolean localDown =
                base.localKafka() && !LocalProcess.listening("127.0.0.1", base.getInt("kafka.port")); // fails fast
        if (localDown || !LocalKafka.reachable(base, 10))
            throw new IllegalStateException(
                    "Kafka is not reachable at " + base.kafkaBootstrap() + ": run ./movierec up first");
        List<MovieLensCsv.MovieRow> catalogue =
                MovieLensCsv.readMovies(base.home().resolve("data/movielens/movies.csv"));
        ScaleReport report = new ScaleReport();
        List<Result> results = new ArrayList<>();
        try (ElasticsearchClient es = Stack.reachableElasticsearch(base)) {
            report.header(base, users, seed, catalogue.size());
            for (long n : sizes.stream().sorted().distinct().toList()) {
                Result r = new Result(n);
                results.add(r);
                try {
                    runSize(base, es, catalogue, r);
                } catch (Exception e) {
                    r.error = e.getMessage() == null ? e.toString() : e.getMessage();
                    if (System.getenv("MOVIEREC_DEBUG") != null) e.printStackTrace();
                }
                report.section(r);
                if (r.error != null) break; // a broken job would fail the larger sizes too, only slower
            }
        }
        report.summary(results);
        System.out.println("\nreport written to " + report.write(base.home().resolve("bench/results")));
        return results.stream().anyMatch(r -> r.error != null) ? 1 : 0;
    }

    private void runSize(MovierecConfig base, ElasticsearchClient es, List<MovieLensCsv.MovieRow> catalogue, Result r)
            throws Exception {
        r.ns = "scale" + label(r.size) + System.currentTimeMillis() % 100000 + "_";
        MovierecConfig c = base.with(Map.of("namespace", r.ns));
        Path checkpoints = c.dataDir().resolve("checkpoints").resolve(r.ns + "stream");
        Files.createDirectories(checkpoints.getParent());
        long free = Files.getFileStore(checkpoints.getParent()).getUsableSpace();
        if (free < MIN_FREE_BYTES) {
            throw new IllegalStateException(String.format(
                    "only %.1f GiB free on %s; the %s run needs about 8 GiB: free some space first",
                    free / (MIB * 1024), checkpoints.getParent(), label(r.size)));
        }
        System.err.printf(
                "%nscale %s: %,d ratings by up to %,d users into namespace %s%n", label(r.size), r.size, users, r.ns);
        LocalProcess job = new LocalProcess(c, "stream-" + r.ns);
        try {
            Topics.ensure(c);
            new IndexBootstrap(es, c).ensure();
            try (EventProducer producer = new EventProducer(c);
                    KafkaProducer<byte[], byte[]> raw = rawProducer(c)) {
                Path data = c.home().resolve("data");
                MovieLensReplay.Summary movies = new MovieLensReplay(producer, System.err)
                        .run(data.resolve("movielens/movies.csv"), null, data.resolve("vega/movies.json"), 0);
                if (movies.failed() > 0)
                    throw new IllegalStateException(movies.failed() + " movies were not acknowledged by Kafka");
                ScaleGenerator gen = new ScaleGenerator(ids(catalogue), users, seed);
                long t0 = System.nanoTime();
                r.invalid = produce(gen, r.size, producer, raw, c.topic(Topics.RATINGS), "ratings");
                r.produceRate = r.size / ((System.nanoTime() - t0) / 1e9);
                r.generated = gen.describe();
                Map<Integer, Long> loadEnd;
                try (Admin admin = Topics.admin(c)) {
                    loadEnd = Waits.endOffsets(admin, c.topic(Topics.RATINGS));
                }
                // Under the supervisor, exactly as up and the integration tests start it, so kill -9 is followed by a
                // restart.
                job.start(
                        List.of(
                                c.home().resolve("bin/supervise").toString(),
                                "stream",
                                c.dataDir()
                                        .resolve("run/" + r.ns + "supervisor.json")
                                        .toString(),
                                "--",
                                c.home().resolve("spark/submit_spark_job.sh").toString(),
                                "stream"),
                        c.toEnv(),
                        c.home());
                load(c, es, gen.popularMovies(10), loadEnd, r);
                r.stateMib = sizeBytes(checkpoints) / MIB;
                // nothing lost, nothing doubled: one document per distinct valid pair, one dead letter per invalid
                // event
                es.indices().refresh(x -> x.index(c.index("ratings")));
                r.ratingDocs = es.count(x -> x.index(c.index("ratings"))
                                .query(q -> q.range(
                                        g -> g.number(n -> n.field("user_id").lt((double) FRESH_USER_BASE)))))
                        .count();
                r.distinctPairs = distinctValidPairs(catalogue, r.size);
                // ratings of the unknown movie wait out their hold (stream.unknown.movie.hold.ms) before they are dead
                // letters
                long holdEnds = System.currentTimeMillis() + c.getInt("stream.unknown.movie.hold.ms") + 15_000L;
                while ((r.deadLetters = Waits.topicSize(c, c.topic(Topics.RATINGS_DLQ))) < r.invalid
                        && System.currentTimeMillis() < holdEnds) {
                    LocalProcess.sleep(1_000);
                }
                restart(c, job, gen, producer, raw, r);
            }
            job.stop(30); // the raw baseline gets Elasticsearch to itself
            r.rawBulkRate = rawBulk(es, c, catalogue);
        } finally {
            job.stop(30);
            cleanUp(es, c, checkpoints);
        }
    }

    /** The distinct (user, movie) pairs among the valid events of the first {@code n} of the seed's stream (regenerated). */
    private long distinctValidPairs(List<MovieLensCsv.MovieRow> catalogue, long n) {
        ScaleGenerator gen = new ScaleGenerator(ids(catalogue), users, seed);
        long[] pairs = new long[(int) n]; // 8 bytes a pair: a sort, not a set, fits the CLI's heap at 5M
        int k = 0;
        for (long i = 0; i < n; i++) {
            ScaleGenerator.Event e = gen.next();
            if (e.valid()) pairs[k++] = e.userId() * 1_000_000_000L + e.movieId();
        }
        java.util.Arrays.sort(pairs, 0, k);
        long distinct = 0;
        for (int i = 0; i < k; i++) if (i == 0 || pairs[i] != pairs[i - 1]) distinct++;
        return distinct;
    }

    /** Sends {@code n} events: valid ones through EventProducer (it validates), invalid ones as raw bytes. Returns how many were invalid. */
    private static long produce(
            ScaleGenerator gen,
            long n,
            EventProducer producer,
            KafkaProducer<byte[], byte[]> raw,
            String topic,
            String label) {
        AtomicLong failed = new AtomicLong();
        long invalid = 0;
        Progress progress = new Progress(label, n, System.err);
        for (long i = 0; i < n; i++) {
            ScaleGenerator.Event e = gen.next();
            if (e.valid()) {
                producer.sendRating(RatingEvent.of(e.userId(), e.movieId(), e.rating(), e.timestamp(), "scale"))
                        .whenComplete((m, x) -> {
                            if (x != null) failed.incrementAndGet();
                        });
            } else {
                // Keyed as EventProducer keys (the user id as UTF-8), so the bad event lands in that user's partition.
                raw.send(
                        new ProducerRecord<>(
                                topic,
                                String.valueOf(e.userId()).getBytes(StandardCharsets.UTF_8),
                                ScaleGenerator.invalidValue(e)),
                        (m, x) -> {
                            if (x != null) failed.incrementAndGet();
                        });
                invalid++;
            }
            progress.step(1);
        }
        producer.flush();
        raw.flush(); // every callback has run once flush returns
        progress.finish();
        if (failed.get() > 0)
            throw new IllegalStateException(failed.get() + " of " + n + " events were not acknowledged by Kafka");
        return invalid;
    }

    /** EventProducer refuses invalid events, so they go through a plain producer with the same delivery guarantees. */
    private static KafkaProducer<byte[], byte[]> rawProducer(MovierecConfig c) {
        Properties p = new Properties();
        p.putAll(KafkaClientSecurity.properties(c));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.kafkaBootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p);
    }

    /** Waits until the load is indexed while a side thread samples the stream JVM and runs freshness trials. */
    private void load(MovierecConfig c, ElasticsearchClient es, long[] popular, Map<Integer, Long> loadEnd, Result r)
            throws Exception {
        int timeout = (int)
                (600 + r.size / 2_000); // allows for as little as ~2,000 ratings/s, and still ends if the job is stuck
        AtomicBoolean indexed = new AtomicBoolean();
        ExecutorService side = Executors.newSingleThreadExecutor();
        try {
            Future<double[]> watch = side.submit(() -> watch(c, es, popular, loadEnd, indexed, timeout, r));
            Waits.untilIndexed(c, timeout, System.err);
            indexed.set(true);
            r.freshMs = watch.get(TRIAL_TIMEOUT_MS + 15_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "measuring during the load failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            side.shutdownNow();
        }
        JsonNode status = Waits.streamStatus(c);
        r.heapEndMb = status.has("heapUsedMb") ? status.path("heapUsedMb").asDouble() : Double.NaN;
        // As IngestBench: from the first batch that did work to the end of the last, over all queries.
        long first = Long.MAX_VALUE;
        long last = 0;
        for (JsonNode q : status.path("queries")) {
            if (q.path("firstBusyStart").asLong() > 0)
                first = Math.min(first, q.path("firstBusyStart").asLong());
            last = Math.max(last, q.path("lastBusyEnd").asLong());
        }
        if (first < last) {
            r.ingestSecs = (last - first) / 1000.0;
            r.ingestRate = r.size / r.ingestSecs;
        }
    }

    /**
     * The side thread during the load. Every second: the job's heap (after its last GC) and its JVM's RSS. Every 250 ms,
     * once the job completed its first ratings batch (Spark start-up is not freshness) and until the load is processed:
     * a rating of a popular movie by a brand-new user, timed until a real-time GET finds that user's document. All
     * pending trials are polled with one multi-GET every 50 ms, which keeps the measuring light on Elasticsearch; a
     * trial still missing after 30 s counts as 30 s. Trials stop when the load is processed so that the topics can
     * drain for Waits.untilIndexed. Returns the trials' milliseconds.
     */
    @SuppressWarnings("rawtypes")
    private static double[] watch(
            MovierecConfig c,
            ElasticsearchClient es,
            long[] popular,
            Map<Integer, Long> loadEnd,
            AtomicBoolean indexed,
            int timeoutSeconds,
            Result r)
            throws Exception {
        List<Double> done = new ArrayList<>();
        Map<String, Long> pending = new LinkedHashMap<>(); // user id -> System.nanoTime() when their rating was sent
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long nextSample = 0;
        long nextTrial = 0;
        double heapMax = -1;
        long rssMax = 0;
        boolean loadProcessed = false;
        try (EventProducer producer = new EventProducer(c, Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"))) {
            while (System.nanoTime() < deadline && !(indexed.get() && pending.isEmpty())) {
                long now = System.nanoTime();
                if (now >= nextSample) {
                    nextSample = now + 1_000_000_000L;
                    JsonNode s = Waits.streamStatus(c);
                    if (s != null && s.has("heapUsedMb"))
                        heapMax = Math.max(heapMax, s.path("heapUsedMb").asDouble());
                    if (s != null && s.path("pid").asLong() > 0)
                        rssMax = Math.max(rssMax, rssBytes(s.path("pid").asLong()));
                }
                if (!loadProcessed && !indexed.get() && now >= nextTrial) {
                    nextTrial = now + 250_000_000L;
                    JsonNode s = Waits.streamStatus(c);
                    loadProcessed = processed(s, c.topic(Topics.RATINGS), loadEnd);
                    if (!loadProcessed && s != null && s.path("queries").has("ratings")) {
                        long user = FRESH_USER_BASE + r.trials;
                        long sent = System.nanoTime();
                        producer.sendRating(RatingEvent.of(
                                        user,
                                        popular[r.trials % popular.length],
                                        4.0,
                                        System.currentTimeMillis(),
                                        "scale"))
                                .get(30, TimeUnit.SECONDS);
                        pending.put(String.valueOf(user), sent);
                        r.trials++;
                    }
                }
                if (!pending.isEmpty()) {
                    try {
                        var got = es.mget(
                                m -> m.index(c.index("users"))
                                        .ids(new ArrayList<>(pending.keySet()))
                                        .realtime(true)
                                        .source(s -> s.fetch(false)),
                                Map.class);
                        long at = System.nanoTime();
                        for (var d : got.docs())
                            if (d.isResult() && d.result().found())
                                done.add((at - pending.remove(d.result().id())) / 1e6);
                    } catch (IOException | RuntimeException e) {
                        // Elasticsearch busy with the load (e.g. a timeout): poll again next tick; the 30 s limit still
                        // applies
                    }
                    long at = System.nanoTime();
                    for (var it = pending.values().iterator(); it.hasNext(); ) {
                        if (at - it.next() > TRIAL_TIMEOUT_MS * 1_000_000L) {
                            it.remove();
                            done.add((double) TRIAL_TIMEOUT_MS);
                            r.timeouts++;
                        }
                    }
                }
                LocalProcess.sleep(50);
            }
        }
        r.heapMaxMb = heapMax >= 0 ? heapMax : Double.NaN;
        r.rssMaxMib = rssMax > 0 ? rssMax / MIB : Double.NaN;
        return done.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** True when the job's ratings query has read every partition of the ratings topic up to where the load ended. */
    static boolean processed(JsonNode status, String topic, Map<Integer, Long> loadEnd) {
        if (status == null) return false;
        JsonNode offsets = status.path("queries").path("ratings").path("offsets");
        if (offsets.has(topic))
            offsets = offsets.path(topic); // {"<topic>": {"<partition>": next}}; older jobs leave out the topic
        for (Map.Entry<Integer, Long> e : loadEnd.entrySet()) {
            if (offsets.path(String.valueOf(e.getKey())).asLong(0) < e.getValue()) return false;
        }
        return true;
    }

    /**
     * A crash with the whole history behind it: an extra batch of ratings, SIGKILL to the stream JVM, then the time
     * until the restarted job completes its next ratings batch, and until the extra ratings are all indexed.
     */
    private static void restart(
            MovierecConfig c,
            LocalProcess job,
            ScaleGenerator gen,
            EventProducer producer,
            KafkaProducer<byte[], byte[]> raw,
            Result r)
            throws Exception {
        String topic = c.topic(Topics.RATINGS);
        produce(gen, EXTRA, producer, raw, topic, "extra");
        JsonNode before = Waits.streamStatus(c);
        long batchAtKill = before == null
                ? -1
                : before.path("queries").path("ratings").path("batchId").asLong(-1);
        ProcessHandle jvm = streamJvm(job);
        long killedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        System.err.println("restart: kill -9 of the stream JVM (pid " + jvm.pid() + ")");
        jvm.destroyForcibly(); // SIGKILL, as kill -9: no shutdown hook, no clean close
        jvm.onExit().get(10, TimeUnit.SECONDS);
        // Had the job processed the extra batch just before the kill, a job without idle batches would have nothing to
        // read after the restart and report no batch: a few more ratings give it work either way.
        produce(gen, EXTRA / 10, producer, raw, topic, "extra");
        while (true) {
            JsonNode s = Waits.streamStatus(c);
            if (s != null
                    && s.path("at").asLong() > killedAt
                    && s.path("queries").path("ratings").path("batchId").asLong(-1) > batchAtKill) break;
            if (System.nanoTime() - t0 > RESTART_TIMEOUT_S * 1_000_000_000L) {
                throw new IllegalStateException("the stream job completed no ratings batch within " + RESTART_TIMEOUT_S
                        + " s of its kill -9: see " + job.logFile());
            }
            LocalProcess.sleep(100);
        }
        r.restartSecs = (System.nanoTime() - t0) / 1e9;
        Waits.untilIndexed(c, RESTART_TIMEOUT_S, System.err);
        r.extraIndexedSecs = (System.nanoTime() - t0) / 1e9;
    }

    /** The Spark JVM under the supervisor (found as FaultIT finds it: by its main class in /proc/<pid>/cmdline). */
    private static ProcessHandle streamJvm(LocalProcess supervisor) {
        return supervisor.pid().flatMap(ProcessHandle::of).stream()
                .flatMap(ProcessHandle::descendants)
                .filter(h -> cmdline(h.pid()).contains("movierec.spark.StreamJob"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no stream JVM runs under its supervisor: see " + supervisor.logFile()));
    }

    /** Raw baseline: 1M rating documents straight into a scratch index with the ratings mapping, 5,000 per _bulk, 2 in flight. */
    private double rawBulk(ElasticsearchClient es, MovierecConfig c, List<MovieLensCsv.MovieRow> catalogue)
            throws Exception {
        MovierecConfig scratch = c.with(Map.of("namespace", c.get("namespace") + "raw_"));
        new IndexBootstrap(es, scratch).ensure();
        String index = scratch.index("ratings");
        Map<Long, List<String>> genres = new HashMap<>();
        for (MovieLensCsv.MovieRow m : catalogue)
            genres.put(m.movieId(), Genres.names(Genres.fromMovieLens(m.genres())));
        ScaleGenerator gen = new ScaleGenerator(ids(catalogue), users, seed);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Semaphore inFlight = new Semaphore(2);
        AtomicReference<String> failure = new AtomicReference<>();
        Progress progress = new Progress("raw bulk", RAW_DOCS, System.err);
        long t0 = System.nanoTime();
        try {
            for (long sent = 0; sent < RAW_DOCS && failure.get() == null; ) {
                List<BulkOperation> ops = new ArrayList<>(BULK);
                while (ops.size() < BULK && sent < RAW_DOCS) {
                    ScaleGenerator.Event e = gen.next();
                    if (!e.valid()) continue;
                    // the fields of the job's rating documents, one document per (user, movie)
                    Map<String, Object> doc = Map.of(
                            "user_id",
                            e.userId(),
                            "movie_id",
                            e.movieId(),
                            "rating",
                            e.rating(),
                            "timestamp",
                            e.timestamp(),
                            "genres",
                            genres.getOrDefault(e.movieId(), List.of()),
                            "source",
                            "scale");
                    String id = e.userId() + ":" + e.movieId();
                    ops.add(BulkOperation.of(
                            b -> b.index(i -> i.index(index).id(id).document(doc))));
                    sent++;
                }
                inFlight.acquire();
                pool.execute(() -> {
                    try {
                        BulkResponse resp = es.bulk(b -> b.operations(ops));
                        if (resp.errors())
                            resp.items().stream()
                                    .filter(i -> i.error() != null)
                                    .findFirst()
                                    .ifPresent(i -> failure.compareAndSet(
                                            null, i.error().reason()));
                    } catch (Exception ex) {
                        failure.compareAndSet(null, ex.toString());
                    } finally {
                        inFlight.release();
                    }
                });
                progress.step(ops.size());
            }
            inFlight.acquire(2); // both last requests answered
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        progress.finish();
        if (failure.get() != null) throw new IllegalStateException("the raw _bulk baseline failed: " + failure.get());
        dropIndices(es, scratch.get("namespace"));
        return RAW_DOCS / secs;
    }

    /** Deletes the namespace's indices (the scratch ones too), topics, checkpoints and run files; warns instead of failing. */
    private static void cleanUp(ElasticsearchClient es, MovierecConfig c, Path checkpoints) {
        String ns = c.get("namespace");
        System.err.println("cleaning up namespace " + ns);
        try {
            Topics.drop(c);
            try (Stream<Path> files = Files.exists(checkpoints) ? Files.walk(checkpoints) : Stream.empty()) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(c.dataDir().resolve("run/" + ns + "stream-status.json"));
            Files.deleteIfExists(c.dataDir().resolve("run/" + ns + "supervisor.json"));
            dropIndices(es, ns);
        } catch (Exception e) {
            System.err.println("warning: cleaning up " + ns + " failed (" + e.getMessage()
                    + "): delete its topics, indices " + ns + "* and " + checkpoints + " by hand");
        }
    }

    /** By name, not by wildcard: clusters with action.destructive_requires_name (the default) refuse wildcard deletes. */
    private static void dropIndices(ElasticsearchClient es, String prefix) throws IOException {
        List<String> names = new ArrayList<>(es.indices()
                .get(g -> g.index(prefix + "*").allowNoIndices(true).ignoreUnavailable(true))
                .indices()
                .keySet());
        if (!names.isEmpty()) es.indices().delete(d -> d.index(names));
    }

    // ---- small helpers ----

    /** 1000000 -> "1m", 500000 -> "500k": short enough for a namespace. */
    static String label(long n) {
        if (n % 1_000_000 == 0) return n / 1_000_000 + "m";
        return n % 1_000 == 0 ? n / 1_000 + "k" : Long.toString(n);
    }

    private static long[] ids(List<MovieLensCsv.MovieRow> catalogue) {
        return catalogue.stream().mapToLong(MovieLensCsv.MovieRow::movieId).toArray();
    }

    private static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            // the JVM is gone or restarting: no sample this second
        }
        return 0;
    }

    /** The full command line from /proc (ProcessHandle.Info may cut long ones). */
    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** Bytes of the files under {@code dir}, walked in Java; files and directories the job deletes meanwhile are skipped. */
    static long sizeBytes(Path dir) throws IOException {
        long[] total = {0};
        if (!Files.exists(dir)) return 0;
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                total[0] += a.isRegularFile() ? a.size() : 0;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }
}
