package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.msearch.RequestItem;
import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.JsonpUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import movierec.api.ApiServer;
import movierec.api.Filters;
import movierec.api.MovieSearch;
import movierec.api.PersonalRecommendations;
import movierec.api.SimilarMovies;
import movierec.api.UserProfiles;
import movierec.common.Impression;
import movierec.common.ImpressionBatch;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.IndexBootstrap;
import movierec.es.ModelCache;
import movierec.kafka.EventProducer;

/**
 * API latency and throughput, each endpoint beside the Elasticsearch request it wraps sent straight to Elasticsearch.
 * The raw requests are the ones the endpoints build ({@link PersonalRecommendations#knnRequest},
 * {@link SimilarMovies#searches}, {@link MovieSearch#request}), serialised by the client's own mapper, so the baseline
 * cannot drift from what is served.
 */
final class ApiBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Long> MOVIES =
            List.of(1L, 2L, 50L, 260L, 296L, 318L, 356L, 480L, 527L, 589L, 593L, 1196L, 1210L, 2571L, 2959L);
    private static final List<String> TEXTS = List.of(
            "toy story",
            "star wars",
            "godfather",
            "matrix",
            "love",
            "war",
            "space",
            "comedy",
            "batman",
            "pulp fiction");

    private final BenchApi api;
    private final BenchReport report;
    private final ElasticsearchClient es;
    private final MovierecConfig config;
    private final String esUrl;
    private final String moviesIndex;
    /** The raw baseline reaches Elasticsearch as the API does: HTTPS verified against its CA, and signed in. */
    private final HttpClient esHttp;

    private final SSLContext esSsl;
    private final Optional<String> esAuthorization;

    ApiBench(BenchApi api, BenchReport report, ElasticsearchClient es, MovierecConfig config) {
        this.api = api;
        this.report = report;
        this.es = es;
        this.config = config;
        this.esUrl = config.esUrl().split(",")[0].trim();
        this.moviesIndex = config.index("movies");
        this.esHttp = EsClients.http(config);
        this.esSsl = EsClients.sslContext(config).orElse(null);
        this.esAuthorization = EsClients.authorization(config);
    }

    private record Case(String name, IntFunction<HttpRequest> ours, IntFunction<HttpRequest> raw) {}

    void run(double seconds) throws Exception {
        List<UserProfiles.Profile> users = usersWithVectors();
        List<String> knnBodies = users.stream().map(p -> knnBody(p, 10)).toList();
        Map<Long, String> similarBodies = similarBodies(10);
        List<Long> similarIds = new ArrayList<>(similarBodies.keySet());
        // _msearch answers 200 even when a search in it fails: check the baseline once, or it would time errors
        String probe = esHttp.send(msearch(similarBodies.get(similarIds.get(0))), HttpResponse.BodyHandlers.ofString())
                .body();
        for (JsonNode r : JSON.readTree(probe).path("responses")) {
            if (r.has("error"))
                throw new IllegalStateException("the raw similar-movies baseline fails: " + r.path("error"));
        }
        List<Case> cases = List.of(
                new Case(
                        "recommendations",
                        i -> api.keyed(LoadGenerator.get(api.url() + "/api/users/"
                                + users.get(Math.floorMod(i, users.size())).userId() + "/recommendations?k=10")),
                        i -> search(knnBodies.get(Math.floorMod(i, knnBodies.size())))),
                new Case(
                        "similar",
                        i -> api.keyed(LoadGenerator.get(api.url() + "/api/movies/"
                                + similarIds.get(Math.floorMod(i, similarIds.size())) + "/similar?k=10")),
                        i -> msearch(similarBodies.get(similarIds.get(Math.floorMod(i, similarIds.size()))))),
                new Case(
                        "search",
                        i -> api.keyed(LoadGenerator.get(api.url() + "/api/movies/search?q="
                                + TEXTS.get(Math.floorMod(i, TEXTS.size())).replace(" ", "%20") + "&size=10")),
                        i -> search(json(MovieSearch.request(
                                moviesIndex, TEXTS.get(Math.floorMod(i, TEXTS.size())), null, 1, 10)))));
        report.md("## API latency and throughput beside the raw Elasticsearch query");
        report.md("");
        report.md(String.format(
                "Closed loop, %.0f s per cell, loopback; users: all %d with vectors. Raw = the Elasticsearch request the "
                        + "endpoint builds (kNN with the user's vector, rated excluded; the _msearch of kNN and more_like_this; multi_match), "
                        + "sent straight to Elasticsearch.",
                seconds, users.size()));
        report.md("");
        report.md(
                "| endpoint | conns | ours p50 ms | ours p99 ms | ours req/s | raw p50 ms | raw p99 ms | raw req/s | throughput ratio | errors |");
        report.md("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Map<Integer, LoadGenerator.Result[]> recommendations = new LinkedHashMap<>();
        for (Case c : cases) {
            for (int conns : new int[] {1, 16, 64}) {
                System.err.println("load: " + c.name() + " at " + conns + " connections");
                LoadGenerator.run(conns, 1, c.ours()); // warm-up
                LoadGenerator.Result ours = LoadGenerator.run(conns, seconds, c.ours());
                LoadGenerator.Result raw = LoadGenerator.run(conns, seconds, c.raw(), esSsl);
                report.md(String.format(
                        "| %s | %d | %.1f | %.1f | %,.0f | %.1f | %.1f | %,.0f | %.2f | %d |",
                        c.name(),
                        conns,
                        ours.p50Ms(),
                        ours.p99Ms(),
                        ours.throughput(),
                        raw.p50Ms(),
                        raw.p99Ms(),
                        raw.throughput(),
                        ours.throughput() / raw.throughput(),
                        ours.errors() + raw.errors()));
                if (c.name().equals("recommendations"))
                    recommendations.put(conns, new LoadGenerator.Result[] {ours, raw});
            }
        }
        report.md("");
        LoadGenerator.Result[] one = recommendations.get(1);
        LoadGenerator.Result[] many = recommendations.get(64);
        report.md(String.format(
                "Recommendations targets: 1 connection p50 ≤ raw + 2 ms (%.1f vs %.1f): **%s**; 64 connections throughput ≥ 0.8× raw "
                        + "(%.2f×): **%s**; p99 ≤ 1.3× raw (%.1f vs %.1f): **%s**.",
                one[0].p50Ms(),
                one[1].p50Ms() + 2,
                one[0].p50Ms() <= one[1].p50Ms() + 2 ? "met" : "missed",
                many[0].throughput() / many[1].throughput(),
                many[0].throughput() >= 0.8 * many[1].throughput() ? "met" : "missed",
                many[0].p99Ms(),
                1.3 * many[1].p99Ms(),
                many[0].p99Ms() <= 1.3 * many[1].p99Ms() ? "met" : "missed"));
        report.md(
                "The load generator runs on the same 2 cores as Elasticsearch and the API, so at 64 connections all three compete for CPU.");
        report.md("");
        firstRequests(users);
        authenticationCost(users, seconds);
        impressionLoggingCost(users, seconds);
    }

    /** Only the impression logging comparison ({@code bench --only logging}): what to repeat when tuning it. */
    void runLogging(double seconds) throws Exception {
        impressionLoggingCost(usersWithVectors(), seconds);
    }

    /** The bundled users that have a vector, the ones every recommendations load cycles through. */
    private List<UserProfiles.Profile> usersWithVectors() {
        UserProfiles profiles = new UserProfiles(es, config);
        List<UserProfiles.Profile> users = new ArrayList<>();
        for (long u = 1; u <= 671; u++) {
            UserProfiles.Profile p = profiles.profile(u);
            if (p != null && p.vector() != null) users.add(p);
        }
        return users;
    }

    /**
     * What logging every served list costs: two API servers in this JVM, one logging impressions (the default) and one
     * with {@code api.impressions=false}, sent the same recommendation requests at 16 connections in alternating
     * rounds. Both are cold at first, so warm-up rounds first ({@link #warmUp}). The stream job indexes the lists a
     * batch every {@code stream.impressions.trigger.ms}: each round lasts two such intervals and follows a lead-in of
     * one, so that a logging round pays for indexing lists at the rate it serves them, and a not-logging round does
     * not pay for the previous round's (without it, the lists of a round's last interval were indexed in the next
     * round: about a quarter of the indexing was charged to not logging).
     */
    private void impressionLoggingCost(List<UserProfiles.Profile> users, double seconds) throws Exception {
        report.md("### Impression logging on and off");
        report.md("");
        report.md(
                "| conns | logging p50 ms | p99 ms | req/s | not logging p50 ms | p99 ms | req/s | on ÷ off | errors |");
        report.md("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        int conns = 16;
        double trigger = Waits.jobTriggerMs(config, "impressions", "stream.impressions.trigger.ms") / 1000.0;
        try (ApiServer on = new ApiServer(config.with(Map.of("api.impressions", "true"))).start("127.0.0.1", 0);
                ApiServer off = new ApiServer(config.with(Map.of("api.impressions", "false"))).start("127.0.0.1", 0)) {
            IntFunction<HttpRequest> logging = recommendationsOf(users, "http://127.0.0.1:" + on.port());
            IntFunction<HttpRequest> quiet = recommendationsOf(users, "http://127.0.0.1:" + off.port());
            System.err.println(
                    "load: recommendations with and without impression logging at " + conns + " connections");
            double round = 2 * trigger;
            List<LocalProcess> stack = new Stack(config).processesInStopOrder();
            warmUp(conns, Math.max(WARM_UP_ROUND_SECONDS, trigger), logging, quiet, stack);
            double[][] cpu = new double[2][stack.size() + 2];
            // lead-in: one trigger interval and its batch, so no round's lists are indexed in the next round
            Comparison c = alternate(conns, IMPRESSION_ROUNDS, round, trigger + 2, logging, quiet, stack, cpu);
            double ratio = c.ratio();
            long errors = c.errors();
            double cpuCost = mean(c.cpuRatios()) - 1;
            report.md("");
            report.md(
                    errors > 0
                            ? "Not comparable: " + errors + " requests failed."
                            : String.format(
                                    "Target: impression logging costs at most 5 %% of throughput at 16 connections (%.2f×; "
                                            + "round by round %.3f× ± %.3f, 95 %% interval over %d round pairs): **%s**. "
                                            + "In CPU per request, this JVM's and the stack's processes' together: "
                                            + "%+.1f %% ± %.1f (round by round): **%s**. With both cores busy a request's "
                                            + "CPU is what sets the throughput; the pairs below show both.",
                                    ratio,
                                    mean(c.roundRatios()),
                                    margin95(c.roundRatios()),
                                    IMPRESSION_ROUNDS,
                                    ratio >= 0.95 ? "met" : "missed",
                                    100 * cpuCost,
                                    100 * margin95(c.cpuRatios()),
                                    cpuCost <= 0.05 ? "met" : "missed"));
            report.md("");
            roundPairs(c);
            cpuPerRequest(stack, cpu, c);
            rawImpressionIndexing(stack, cpu, c);
        }
        listCostAtFixedRate(trigger);
    }

    /** Lists the API served, re-sent by {@link #listCostAtFixedRate}: the latest this many. */
    private static final int RESENT_LISTS = 2_000;

    /**
     * What each of the stack's processes spends per logged list, without the API's load around it: lists the API served
     * (the latest {@value #RESENT_LISTS}, re-sent as if served again: new ids and times) produced straight to the
     * {@code impressions} topic as the API's log sends them (a record of up to 100 lists every 250 ms), 1,000 a second
     * for four impressions triggers (at least a minute), then one more trigger for the last batch; beside an idle
     * window as long, whose CPU is subtracted. The throughput comparison above moves by several per cent between runs
     * on this machine; this says where the logging's CPU goes, and how a trigger or a query change moves it, at a
     * precision the comparison cannot.
     */
    private void listCostAtFixedRate(double trigger) throws Exception {
        // CPU is read from /proc: only for a local stream job
        Stack local = new Stack(config);
        if (!local.stream().running()) return;
        List<LocalProcess> stack = local.processesInStopOrder();
        List<Impression> served = new ArrayList<>();
        es.search(
                        s -> s.index(config.index("impressions"))
                                .size(RESENT_LISTS)
                                .sort(o -> o.field(f -> f.field("served_at").order(SortOrder.Desc))),
                        Impression.class)
                .hits()
                .hits()
                .forEach(h -> served.add(h.source()));
        if (served.isEmpty()) return;
        int perSecond = 1_000;
        double seconds = Math.max(4 * trigger, 60);
        double window = seconds + trigger + 2;
        System.err.printf(
                "lists at a fixed rate: %.0f s idle, then %,d lists a second for %.0f s and %.0f s for the last batch%n",
                window, perSecond, seconds, trigger + 2);
        double[] idle = cpuSeconds(stack);
        long idleFrom = System.nanoTime();
        Thread.sleep((long) (1000 * window));
        double[] loaded = cpuSeconds(stack);
        long listsFrom = System.nanoTime();
        long lists = 0;
        // the API's identity: only the API writes the impressions topic
        try (EventProducer producer = new EventProducer(config.with(Map.of("identity", "api")))) {
            Random random = new Random(42);
            long start = System.nanoTime();
            for (int tick = 0; tick < seconds * 4; tick++) {
                long due = start + tick * 250_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                List<Impression> record = new ArrayList<>(ImpressionBatch.MAX_LISTS);
                for (int i = 0; i < perSecond / 4; i++) {
                    Impression was = served.get(random.nextInt(served.size()));
                    long now = System.currentTimeMillis();
                    record.add(new Impression(
                            Impression.newId(now, random),
                            was.userId(),
                            was.list(),
                            was.movieId(),
                            was.modelVersion(),
                            was.variant(),
                            was.items(),
                            now));
                    if (record.size() == ImpressionBatch.MAX_LISTS || i == perSecond / 4 - 1) {
                        producer.sendImpressions(record).join();
                        lists += record.size();
                        record = new ArrayList<>(ImpressionBatch.MAX_LISTS);
                    }
                }
            }
        }
        Thread.sleep((long) (1000 * (window - seconds)));
        double[] after = cpuSeconds(stack);
        // the idle window's CPU, scaled to the lists' window (producing may have run a little late)
        double idleScale = (System.nanoTime() - listsFrom) / (double) (listsFrom - idleFrom);
        report.md(String.format(
                "At a fixed rate (%,d lists the API served, re-sent straight to the `impressions` topic as its log sends "
                        + "them, %,d a second for %.0f s and %.0f s for the last batch, beside an idle window as long; "
                        + "impressions trigger %.0f s), CPU per list:",
                lists, perSecond, seconds, trigger + 2, trigger));
        report.md("");
        report.md("| process | µs per list | CPU s, lists | CPU s, idle |");
        report.md("|---|---:|---:|---:|");
        for (int i = 0; i < stack.size(); i++) {
            double busy = after[i + 1] - loaded[i + 1];
            double quiet = (loaded[i + 1] - idle[i + 1]) * idleScale;
            report.md(String.format(
                    "| %s | %.0f | %.1f | %.1f |", stack.get(i).name(), 1e6 * (busy - quiet) / lists, busy, quiet));
        }
        report.md("");
    }

    /** Lists re-indexed for the raw baseline of {@link #rawImpressionIndexing}: 10 requests of 5,000. */
    private static final int RAW_IMPRESSION_CHUNKS = 10;

    /**
     * The floor under Elasticsearch's share of the logging: lists the API served, read back from {@code impressions} and
     * {@code _bulk}-indexed again (same ids and fields) into a fresh index with the {@code impressions} mapping, 5,000
     * per request as the stream job's writers send them, one request at a time, then refreshed; Elasticsearch's CPU per
     * list beside what it cost per logging round's request.
     */
    private void rawImpressionIndexing(List<LocalProcess> stack, double[][] cpu, Comparison c) throws Exception {
        LocalProcess elasticsearch = new Stack(config).elasticsearch();
        int row = 1 + stack.stream().map(LocalProcess::name).toList().indexOf(elasticsearch.name());
        // CPU is read from /proc: only for the local Elasticsearch
        if (row == 0 || !elasticsearch.running()) return;
        String impressions = config.index("impressions");
        es.indices().refresh(r -> r.index(impressions));
        MovierecConfig raw = config.with(Map.of("namespace", "bench" + System.currentTimeMillis() % 100000 + "_raw_"));
        new IndexBootstrap(es, raw).ensure();
        try {
            List<List<BulkOperation>> chunks = new ArrayList<>();
            IngestBench.collect(
                    es,
                    impressions,
                    Query.of(q -> q.matchAll(m -> m)),
                    raw.index("impressions"),
                    chunks,
                    RAW_IMPRESSION_CHUNKS);
            long lists = chunks.stream().mapToLong(List::size).sum();
            if (lists == 0) return;
            double before = elasticsearch.cpuSeconds();
            for (List<BulkOperation> chunk : chunks) es.bulk(b -> b.operations(chunk));
            es.indices().refresh(r -> r.index(raw.index("impressions")));
            double perList = (elasticsearch.cpuSeconds() - before) / lists;
            report.md(String.format(
                    "Raw baseline: %,d served lists read back from `impressions` and `_bulk`-indexed again (same ids and fields) into a fresh index with the "
                            + "`impressions` mapping (5,000 per request, then a refresh) cost Elasticsearch %.0f µs of CPU each, "
                            + "so %.0f ms per 1,000 logged requests; in the logging rounds it spent %+.0f ms per 1,000 requests more than without.",
                    lists,
                    1e6 * perList,
                    1e6 * perList,
                    1e6 * (cpu[0][row] / c.a().requests() - cpu[1][row] / c.b().requests())));
            report.md("");
        } finally {
            Stack.dropNamespace(es, raw);
        }
    }

    /**
     * Warm-up rounds, a logging and a not logging one each time, until the JIT compilers are done with them: at most
     * {@link #WARM_UP_JIT_SHARE} of a round pair's time compiling, in this JVM and in the stack's processes together,
     * or {@link #WARM_UP_PAIRS} pairs. The logging server's producer and serialisation are code new to this JVM, and
     * the stream job's impressions query has run no list yet; compiling them is a one-off (measured: 10 s of
     * compilation in this JVM's first 10 s round, under 0.2 s from the fifth; the stream job's compiler threads still
     * used 1.3 s of CPU in 40 s of load after a whole bench), not the cost of logging, and it falls on the logging
     * rounds.
     */
    private static void warmUp(
            int conns,
            double round,
            IntFunction<HttpRequest> logging,
            IntFunction<HttpRequest> quiet,
            List<LocalProcess> stack)
            throws Exception {
        for (int pair = 1; pair <= WARM_UP_PAIRS; pair++) {
            double before = jitSeconds(stack);
            LoadGenerator.run(conns, round, logging);
            LoadGenerator.run(conns, round, quiet);
            double compiling = jitSeconds(stack) - before;
            System.err.printf("warm-up %d: %.1f s compiling in %.0f s%n", pair, compiling, 2 * round);
            if (compiling <= WARM_UP_JIT_SHARE * 2 * round) return;
        }
    }

    /** Time spent compiling so far: this JVM's JIT compilers (elapsed) and the stack's compiler threads (CPU). */
    private static double jitSeconds(List<LocalProcess> stack) {
        double s = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1000.0;
        for (LocalProcess p : stack) s += p.jitSeconds();
        return s;
    }

    /**
     * A freshly started stack's compilers were still at 12 s per 20 s pair after 8 pairs (3.7 s on one warmed by an
     * ingest run), and that compiling fell mostly on the first logging round; after 20 they were at 0.6-3 s.
     */
    private static final int WARM_UP_PAIRS = 20;
    /**
     * The shortest warm-up round. A warm-up round also lasts at least one impressions trigger, so that every pair
     * includes an impressions batch of logged lists and the compiling it counts includes the stream job's: with 10 s
     * rounds a 20 s pair could fall between two batches of a 30 s trigger, and a warm-up once ended at 0.2 s compiling
     * in 20 s while JIT then took 45 of the 150 ms more CPU per 1,000 requests of the logging rounds
     * ({@code bench-20261202-204558.md}).
     */
    private static final double WARM_UP_ROUND_SECONDS = 10;

    private static final double WARM_UP_JIT_SHARE = 0.03;

    /** Each round pair of {@code c}: throughput and CPU per request (all the processes measured), and their ratios. */
    private void roundPairs(Comparison c) {
        report.md(
                "| round pair | logging req/s | not logging req/s | on ÷ off | logging CPU µs/request | not logging | on ÷ off |");
        report.md("|---:|---:|---:|---:|---:|---:|---:|");
        double[] throughput = c.roundRatios();
        double[] cpu = c.cpuRatios();
        double[] aCpu = Comparison.cpuPerRequest(c.aCpu(), c.aRounds());
        double[] bCpu = Comparison.cpuPerRequest(c.bCpu(), c.bRounds());
        for (int i = 0; i < throughput.length; i++) {
            report.md(String.format(
                    "| %d | %,.0f | %,.0f | %.3f | %,.0f | %,.0f | %.3f |",
                    i + 1,
                    c.aRounds()[i].throughput(),
                    c.bRounds()[i].throughput(),
                    throughput[i],
                    1e6 * aCpu[i],
                    1e6 * bCpu[i],
                    cpu[i]));
        }
        report.md("");
    }

    /**
     * Where the logging's cost goes: CPU per 1,000 requests of this JVM (both API servers and the load generator) and
     * of each of the stack's processes, in the logging rounds and in the others. The first row's difference is the
     * API's own share; the stream job's, Elasticsearch's and Kafka's are the lists' way into the index, which on a
     * cluster runs on other machines than the API.
     */
    private void cpuPerRequest(List<LocalProcess> stack, double[][] cpu, Comparison c) {
        report.md("| CPU ms per 1,000 requests | logging | not logging | difference |");
        report.md("|---|---:|---:|---:|");
        for (int i = 0; i <= stack.size() + 1; i++) {
            double on = 1e6 * cpu[0][i] / c.a().requests();
            double off = 1e6 * cpu[1][i] / c.b().requests();
            report.md(String.format(
                    "| %s | %,.0f | %,.0f | %+,.0f (%+.0f %%) |",
                    i == 0
                            ? "this JVM: both API servers and the load generator"
                            : i <= stack.size()
                                    ? stack.get(i - 1).name()
                                    : "of all these, JIT compilation (still going on after the warm-up)",
                    on,
                    off,
                    on - off,
                    off == 0 ? 0 : 100 * (on - off) / off));
        }
        report.md("");
    }

    /**
     * CPU seconds used so far by this JVM and by each of {@code stack}'s processes, in that order, then the time all of
     * them spent compiling ({@link #jitSeconds}).
     */
    private static double[] cpuSeconds(List<LocalProcess> stack) {
        double[] out = new double[stack.size() + 2];
        out[stack.size() + 1] = jitSeconds(stack);
        out[0] = LocalProcess.thisJvmCpuSeconds();
        for (int i = 0; i < stack.size(); i++) out[i + 1] = stack.get(i).cpuSeconds();
        return out;
    }

    /**
     * Two variants of the same requests, each round's results and the CPU seconds this JVM and the stack's processes
     * used in it; {@link #a} and {@link #b} merge the rounds.
     */
    private record Comparison(
            LoadGenerator.Result[] aRounds, LoadGenerator.Result[] bRounds, double[] aCpu, double[] bCpu) {
        LoadGenerator.Result a() {
            return LoadGenerator.Result.merge(aRounds);
        }

        LoadGenerator.Result b() {
            return LoadGenerator.Result.merge(bRounds);
        }

        double ratio() {
            return a().throughput() / b().throughput();
        }

        long errors() {
            return a().errors() + b().errors();
        }

        /** Each round pair's throughput ratio, a ÷ b. */
        double[] roundRatios() {
            double[] r = new double[aRounds.length];
            for (int i = 0; i < r.length; i++) r[i] = aRounds[i].throughput() / bRounds[i].throughput();
            return r;
        }

        /** Each round's CPU seconds per request (all the processes measured), of a's rounds or b's. */
        static double[] cpuPerRequest(double[] cpu, LoadGenerator.Result[] rounds) {
            double[] r = new double[rounds.length];
            for (int i = 0; i < r.length; i++) r[i] = cpu[i] / rounds[i].requests();
            return r;
        }

        /** Each round pair's CPU per request, a ÷ b. */
        double[] cpuRatios() {
            double[] a = cpuPerRequest(aCpu, aRounds);
            double[] b = cpuPerRequest(bCpu, bRounds);
            double[] r = new double[a.length];
            for (int i = 0; i < r.length; i++) r[i] = a[i] / b[i];
            return r;
        }
    }

    /** The mean of {@code x}. */
    static double mean(double[] x) {
        return Arrays.stream(x).average().orElse(Double.NaN);
    }

    /** Half the width of the 95 % confidence interval of {@code x}'s mean (Student's t): how much of it is noise. */
    static double margin95(double[] x) {
        int n = x.length;
        if (n < 2) return Double.NaN;
        double mean = mean(x);
        double var = 0;
        for (double v : x) var += (v - mean) * (v - mean) / (n - 1);
        return T_975[Math.min(n - 1, T_975.length) - 1] * Math.sqrt(var / n);
    }

    /** Student's t, two-sided 95 %, for 1 to 10 degrees of freedom (more use 10's: a slightly wider interval). */
    private static final double[] T_975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};

    /**
     * {@code a} and {@code b} alternated in {@code rounds} rounds of {@code seconds} each, so that drift in the
     * machine's load falls on both (percentiles: the mean of the rounds'), and their row in the report's table. The
     * order inside a round pair alternates too (a b, b a, a b, ...), so that what a round leaves behind for the next
     * one (a batch of lists still being indexed, a compilation) does not fall on one variant only. Each round is
     * preceded by {@code leadIn} seconds of the same load, not measured, so that the work a variant sets off after its
     * requests (the lists' indexing) is at its steady rate in its own rounds and done before the other's. Adds the CPU
     * seconds this JVM and each of {@code stack}'s processes use in a's and b's rounds to {@code cpu}.
     */
    private Comparison alternate(
            int conns,
            int rounds,
            double seconds,
            double leadIn,
            IntFunction<HttpRequest> a,
            IntFunction<HttpRequest> b,
            List<LocalProcess> stack,
            double[][] cpu)
            throws Exception {
        LoadGenerator.Result[][] results = new LoadGenerator.Result[2][rounds];
        double[][] roundCpu = new double[2][rounds];
        List<IntFunction<HttpRequest>> variants = List.of(a, b);
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < 2; turn++) {
                int v = (round + turn) % 2; // a b, then b a
                if (leadIn > 0) LoadGenerator.run(conns, leadIn, variants.get(v));
                double[] before = cpuSeconds(stack);
                results[v][round] = LoadGenerator.run(conns, seconds, variants.get(v));
                double[] after = cpuSeconds(stack);
                for (int i = 0; i < before.length; i++) cpu[v][i] += after[i] - before[i];
                // the last column is compile time, already in the processes' CPU
                for (int i = 0; i < before.length - 1; i++) roundCpu[v][round] += after[i] - before[i];
            }
        }
        Comparison c = new Comparison(results[0], results[1], roundCpu[0], roundCpu[1]);
        report.md(String.format(
                "| %d | %.1f | %.1f | %,.0f | %.1f | %.1f | %,.0f | %.2f | %d |",
                conns,
                c.a().p50Ms(),
                c.a().p99Ms(),
                c.a().throughput(),
                c.b().p50Ms(),
                c.b().p99Ms(),
                c.b().throughput(),
                c.ratio(),
                c.errors()));
        return c;
    }

    private IntFunction<HttpRequest> recommendationsOf(List<UserProfiles.Profile> users, String base) {
        return i -> api.keyed(LoadGenerator.get(
                base + "/api/users/" + users.get(Math.floorMod(i, users.size())).userId() + "/recommendations?k=10"));
    }

    /**
     * What API keys cost: the same recommendation requests with the local key and without any key (reads are open by
     * default), alternated in {@link #ROUNDS} rounds so that drift in the machine's load falls on both (percentiles:
     * the mean of the rounds'). A key that is sent is always
     * checked: a SHA-256 of its secret against the cached hash, and the key's own rate-limit bucket.
     */
    private static final int ROUNDS = 4;
    /**
     * Rounds of the impression-logging comparison: longer ones (see {@link #impressionLoggingCost}). Six, not four: the
     * cost is a few per cent, and with four the ratio moved by as much from run to run (0.93 to 0.98).
     */
    private static final int IMPRESSION_ROUNDS = 6;

    private void authenticationCost(List<UserProfiles.Profile> users, double seconds) throws Exception {
        IntFunction<HttpRequest> anonymous = i -> LoadGenerator.get(api.url() + "/api/users/"
                + users.get(Math.floorMod(i, users.size())).userId() + "/recommendations?k=10");
        IntFunction<HttpRequest> keyed = i -> api.keyed(anonymous.apply(i));
        report.md("### API keys on and off");
        report.md("");
        report.md(
                "| conns | with key p50 ms | p99 ms | req/s | without key p50 ms | p99 ms | req/s | with ÷ without | errors |");
        report.md("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        long errors = 0;
        double worst = Double.MAX_VALUE;
        for (int conns : new int[] {1, 64}) {
            System.err.println("load: recommendations with and without a key at " + conns + " connections");
            Comparison c = alternate(conns, ROUNDS, seconds / 2, 0, keyed, anonymous, List.of(), new double[2][2]);
            worst = Math.min(worst, c.ratio());
            errors += c.errors();
        }
        report.md("");
        // A refused request (429 from a rate limit) is answered fast: with refusals the ratio compares unlike work.
        report.md(
                errors > 0
                        ? "Not comparable: " + errors + " requests failed (a rate limit? see api.rate.*)."
                        : String.format(
                                "Target: throughput with keys within 10 %% of without (worst %.2f×): **%s**.",
                                worst, worst >= 0.9 ? "met" : "missed"));
        report.md("");
    }

    /**
     * The closed loop repeats users, so most requests hit the API's per-user cache. Each user's first request cannot:
     * one pass over every user with a k no earlier request used (the cache key holds k).
     */
    private void firstRequests(List<UserProfiles.Profile> users) throws Exception {
        int k = 11 + new Random().nextInt(89);
        double[] ours = new double[users.size()];
        double[] raw = new double[users.size()];
        for (int i = 0; i < users.size(); i++) {
            UserProfiles.Profile p = users.get(i);
            long t = System.nanoTime();
            if (api.http()
                            .send(
                                    api.keyed(LoadGenerator.get(
                                            api.url() + "/api/users/" + p.userId() + "/recommendations?k=" + k)),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    != 200) {
                throw new IllegalStateException("recommendations of user " + p.userId() + " failed");
            }
            ours[i] = (System.nanoTime() - t) / 1e6;
            t = System.nanoTime();
            esHttp.send(search(knnBody(p, k)), HttpResponse.BodyHandlers.discarding());
            raw[i] = (System.nanoTime() - t) / 1e6;
        }
        double oursP50 = LoadGenerator.percentile(ours, 50);
        double rawP50 = LoadGenerator.percentile(raw, 50);
        report.md(String.format(
                "Each user's first request (no cache; one pass over all %d users, k=%d, 1 connection): ours p50 %.1f ms, "
                        + "p99 %.1f ms; raw kNN p50 %.1f ms, p99 %.1f ms. Target p50 ≤ raw + 2 ms: **%s**. The difference is one real-time GET of "
                        + "the user's document (their latest vector, and the history the reasons come from), which is what lets a "
                        + "rating change the next request's answer.",
                users.size(),
                k,
                oursP50,
                LoadGenerator.percentile(ours, 99),
                rawP50,
                LoadGenerator.percentile(raw, 99),
                oursP50 <= rawP50 + 2 ? "met" : String.format("missed by %.1f ms", oursP50 - rawP50 - 2)));
        report.md("");
    }

    private String knnBody(UserProfiles.Profile p, int k) {
        return json(PersonalRecommendations.knnRequest(moviesIndex, p.vector(), p.rated(), k, Filters.NONE));
    }

    /** movie id -> the similar-movies endpoint's _msearch body for it (the model's vector of the movie, as the endpoint reads it). */
    private Map<Long, String> similarBodies(int k) {
        ModelCache.Model model = ModelCache.loadOnce(es, config);
        JsonpMapper mapper = es._jsonpMapper();
        Map<Long, String> bodies = new LinkedHashMap<>();
        for (long m : MOVIES) {
            ModelCache.Item item = model.items().get(m);
            if (item == null) continue;
            StringBuilder ndjson = new StringBuilder();
            for (RequestItem r :
                    SimilarMovies.searches(moviesIndex, m, model.layout().alsQuery(item.embedding()), k)) {
                ndjson.append(JsonpUtils.toJsonString(r.header(), mapper)).append('\n');
                ndjson.append(JsonpUtils.toJsonString(r.body(), mapper)).append('\n');
            }
            bodies.put(m, ndjson.toString());
        }
        return bodies;
    }

    private String json(SearchRequest request) {
        return JsonpUtils.toJsonString(request, es._jsonpMapper());
    }

    private HttpRequest search(String body) {
        return signedIn(LoadGenerator.post(esUrl + "/" + moviesIndex + "/_search", body));
    }

    private HttpRequest msearch(String ndjson) {
        return signedIn(HttpRequest.newBuilder(URI.create(esUrl + "/_msearch"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                .build());
    }

    private HttpRequest signedIn(HttpRequest request) {
        if (esAuthorization.isEmpty()) return request;
        return HttpRequest.newBuilder(request, (name, value) -> true)
                .header("Authorization", esAuthorization.get())
                .build();
    }
}
