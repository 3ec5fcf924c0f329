package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import movierec.common.Experiment;
import movierec.common.HitRate;
import movierec.common.Impression;
import movierec.common.MovierecConfig;
import movierec.es.EsScan;
import movierec.es.ExperimentDoc;
import movierec.es.IndexedRatingDoc;
import movierec.es.ServingDoc;
import movierec.es.VariantDoc;

/**
 * Experiments and the served variant, as {@code movierec experiment} and {@code movierec models} manage them: the
 * documents of the {@code experiments} index that the API's {@code Serving} reads, and the report that joins what
 * was served ({@code impressions}) with what users rated next ({@code ratings}).
 */
public final class Experiments {
    /** The variants that always exist: one of each kind, named after it. */
    public static final List<String> BUILT_IN = List.of("blend", "als", "next", "popularity");

    private final ElasticsearchClient es;
    private final MovierecConfig config;
    private final String index;

    public Experiments(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.config = config;
        this.index = config.index("experiments");
    }

    /** Every variant -> its kind: the built-in ones and those {@code train --variant} named. */
    public Map<String, String> variants() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String b : BUILT_IN) out.put(b, b);
        EsScan.scan(
                es,
                config.index("models"),
                Query.of(q -> q.exists(e -> e.field("variant"))),
                List.of("variant"),
                List.of("variant", "kind", "version", "validation", "trained_at"),
                VariantDoc.class,
                v -> out.putIfAbsent(v.variant(), v.kind()));
        return out;
    }

    /** Starts an experiment over {@code split} (e.g. {@code blend=50,popularity=50}); refused while another runs. */
    public ExperimentDoc start(String name, String split) throws IOException {
        if (name == null || !name.matches("[a-z0-9_-]{1,60}"))
            throw new IllegalArgumentException("experiment names are 1-60 of a-z, 0-9, - and _");
        Map<String, Integer> shares = Experiment.parseSplit(split);
        Map<String, String> known = variants();
        Map<String, String> kinds = new LinkedHashMap<>();
        for (String v : shares.keySet()) {
            if (!known.containsKey(v))
                throw new IllegalArgumentException(
                        "unknown variant " + v + ": one of " + known.keySet() + " (train --variant adds one)");
            kinds.put(v, known.get(v));
        }
        ExperimentDoc running = running();
        if (running != null)
            throw new IllegalStateException("experiment " + running.name()
                    + " is running: stop it first (movierec experiment stop " + running.name() + ")");
        if (get(name) != null) throw new IllegalArgumentException("experiment " + name + " exists: pick another name");
        ExperimentDoc doc = new ExperimentDoc(
                name,
                ExperimentDoc.RUNNING,
                UUID.randomUUID().toString(),
                shares,
                kinds,
                System.currentTimeMillis(),
                null,
                null);
        write(doc);
        return doc;
    }

    public ExperimentDoc stop(String name) throws IOException {
        ExperimentDoc doc = get(name);
        if (doc == null) throw new IllegalArgumentException("no experiment " + name);
        if (!doc.status().equals(ExperimentDoc.RUNNING)) return doc;
        ExperimentDoc stopped = doc.stopped(System.currentTimeMillis());
        write(stopped);
        return stopped;
    }

    /** Null when there is no such experiment. */
    public ExperimentDoc get(String name) throws IOException {
        GetResponse<ExperimentDoc> r = es.get(g -> g.index(index).id(ExperimentDoc.id(name)), ExperimentDoc.class);
        return r.found() ? r.source() : null;
    }

    public List<ExperimentDoc> all() throws IOException {
        List<ExperimentDoc> out = new ArrayList<>();
        EsScan.scan(
                es,
                index,
                Query.of(q -> q.exists(e -> e.field("name"))),
                List.of("name"),
                List.of("name", "status", "salt", "split", "kinds", "started_at", "stopped_at", "report"),
                ExperimentDoc.class,
                out::add);
        return out;
    }

    /** The running experiment, or null. */
    public ExperimentDoc running() throws IOException {
        return all().stream()
                .filter(e -> e.status().equals(ExperimentDoc.RUNNING))
                .findFirst()
                .orElse(null);
    }

    public ServingDoc serving() throws IOException {
        GetResponse<ServingDoc> r = es.get(g -> g.index(index).id(ServingDoc.ID), ServingDoc.class);
        return r.found() ? r.source() : ServingDoc.DEFAULT;
    }

    /**
     * Everyone gets {@code variant} from now on: one document write, which every API server reads within a second;
     * a running experiment stops (its users get the promoted variant too). The variant served until now is kept, for
     * {@link #rollback}.
     */
    public ServingDoc promote(String variant) throws IOException {
        String kind = variants().get(variant);
        if (kind == null)
            throw new IllegalArgumentException(
                    "unknown variant " + variant + ": one of " + variants().keySet());
        ServingDoc now = serving();
        ExperimentDoc running = running();
        if (running != null) stop(running.name());
        ServingDoc next = new ServingDoc(variant, kind, now.variant(), now.kind(), System.currentTimeMillis());
        es.index(i -> i.index(index).id(ServingDoc.ID).document(next).refresh(Refresh.WaitFor));
        return next;
    }

    /** Back to the variant served before the last promotion (the two swap, so a second rollback undoes the first). */
    public ServingDoc rollback() throws IOException {
        ServingDoc now = serving();
        if (now.previousVariant() == null)
            throw new IllegalStateException("nothing to roll back to: nothing was promoted");
        ServingDoc back = new ServingDoc(
                now.previousVariant(), now.previousKind(), now.variant(), now.kind(), System.currentTimeMillis());
        es.index(i -> i.index(index).id(ServingDoc.ID).document(back).refresh(Refresh.WaitFor));
        return back;
    }

    private void write(ExperimentDoc doc) throws IOException {
        es.index(i ->
                i.index(index).id(ExperimentDoc.id(doc.name())).document(doc).refresh(Refresh.WaitFor));
    }

    /** One variant's result: its hit rate and, for all but the control (the split's first), the difference with it. */
    public record VariantResult(
            String variant, String kind, HitRate rate, HitRate.Difference vsControl, long[] hitsByPosition) {}

    public record Report(String experiment, long windowMs, long from, long to, List<VariantResult> variants) {}

    /**
     * The experiment's result: every recommendations list served to its users while it ran ({@code impressions}) is
     * a hit when the user rated one of its first 10 movies within {@code windowMs} after it was served. Per variant:
     * users, impressions, hit rate@10 with a 95 % interval (users are the unit, {@link HitRate}), each position's hits,
     * and the difference with the control with its p-value. Stored in the experiment's document too.
     */
    public Report report(String name, long windowMs) throws IOException {
        ExperimentDoc doc = get(name);
        if (doc == null) throw new IllegalArgumentException("no experiment " + name);
        long from = doc.startedAt();
        long to = doc.stoppedAt() != null ? doc.stoppedAt() : System.currentTimeMillis();
        List<FieldValue> variants =
                doc.split().keySet().stream().map(FieldValue::of).toList();
        List<Impression> served = new ArrayList<>();
        EsScan.scanPointInTime(
                es,
                config.index("impressions"),
                // users' lists: a hit is a rating, which an anonymous visitor cannot make
                Query.of(q -> q.bool(b -> b.filter(
                                f -> f.term(t -> t.field("list").value("recommendations")))
                        .filter(f -> f.exists(x -> x.field("user_id")))
                        .filter(f -> f.terms(t -> t.field("variant").terms(v -> v.value(variants))))
                        .filter(f -> f.range(r -> r.untyped(
                                u -> u.field("served_at").gte(JsonData.of(from)).lte(JsonData.of(to))))))),
                List.of("served_at"), // impression_id has no doc values to sort by (see Impression)
                List.of("user_id", "variant", "movie_ids", "served_at"),
                Impression.class,
                served::add);
        Map<Long, Map<Long, Long>> ratedAt = ratedSince(served, from);
        Map<String, Map<Long, long[]>> perUser = new LinkedHashMap<>(); // variant -> user -> {impressions, hits}
        Map<String, long[]> byPosition = new HashMap<>();
        for (String v : doc.split().keySet()) {
            perUser.put(v, new HashMap<>());
            byPosition.put(v, new long[10]);
        }
        for (Impression i : served) {
            long[] counts = perUser.get(i.variant()).computeIfAbsent(i.userId(), u -> new long[2]);
            counts[0]++;
            Map<Long, Long> rated = ratedAt.getOrDefault(i.userId(), Map.of());
            boolean hit = false;
            for (int pos = 0; pos < Math.min(10, i.items().size()); pos++) {
                Long at = rated.get(i.items().get(pos));
                if (at != null && at >= i.servedAt() && at <= i.servedAt() + windowMs) {
                    byPosition.get(i.variant())[pos]++;
                    hit = true;
                }
            }
            if (hit) counts[1]++;
        }
        List<VariantResult> results = new ArrayList<>();
        HitRate control = null;
        for (String v : doc.split().keySet()) {
            HitRate rate = HitRate.of(perUser.get(v).values().stream()
                    .map(c -> new HitRate.PerUser(c[0], c[1]))
                    .toList());
            results.add(new VariantResult(
                    v, doc.kinds().get(v), rate, control == null ? null : control.compare(rate), byPosition.get(v)));
            if (control == null) control = rate;
        }
        Report report = new Report(name, windowMs, from, to, results);
        write(doc.withReport(asDocument(report)));
        return report;
    }

    /** The ratings the served users made from {@code from} on: user -> movie -> when (the ratings index's current values). */
    private Map<Long, Map<Long, Long>> ratedSince(List<Impression> served, long from) throws IOException {
        List<Long> users = served.stream().map(Impression::userId).distinct().toList();
        Map<Long, Map<Long, Long>> out = new HashMap<>();
        for (int start = 0; start < users.size(); start += 1_000) {
            List<FieldValue> chunk = users.subList(start, Math.min(users.size(), start + 1_000)).stream()
                    .map(FieldValue::of)
                    .toList();
            EsScan.scan(
                    es,
                    config.index("ratings"),
                    Query.of(q -> q.bool(b -> b.filter(
                                    f -> f.terms(t -> t.field("user_id").terms(v -> v.value(chunk))))
                            .filter(f -> f.range(
                                    r -> r.untyped(u -> u.field("timestamp").gte(JsonData.of(from))))))),
                    List.of("user_id", "movie_id"),
                    List.of("user_id", "movie_id", "rating", "timestamp"),
                    IndexedRatingDoc.class,
                    r -> out.computeIfAbsent(r.userId(), u -> new HashMap<>()).put(r.movieId(), r.timestamp()));
        }
        return out;
    }

    static Map<String, Object> asDocument(Report r) {
        List<Map<String, Object>> variants = new ArrayList<>();
        for (VariantResult v : r.variants()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", v.variant());
            m.put("kind", v.kind());
            m.put("users", v.rate().users());
            m.put("impressions", v.rate().impressions());
            m.put("hits", v.rate().hits());
            m.put("hit_rate", v.rate().rate());
            m.put("low95", finite(v.rate().low95()));
            m.put("high95", finite(v.rate().high95()));
            if (v.vsControl() != null) {
                m.put("difference", v.vsControl().difference());
                m.put("p_value", finite(v.vsControl().pValue()));
            }
            List<Long> positions = new ArrayList<>();
            for (long h : v.hitsByPosition()) positions.add(h);
            m.put("hits_by_position", positions);
            variants.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window_ms", r.windowMs());
        out.put("from", r.from());
        out.put("to", r.to());
        out.put("reported_at", System.currentTimeMillis());
        out.put("variants", variants);
        return out;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
