package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import movierec.common.Experiment;
import movierec.common.MovierecConfig;
import movierec.common.NextMovies;
import movierec.common.VectorLayout;
import movierec.common.Vectors;
import movierec.es.ModelCache;
import movierec.es.StoreUnavailable;

/**
 * Recommendations for one user: kNN on {@code movies.embedding} with the user's vector (cosine on MIPS-augmented
 * vectors, i.e. ranked by the model's dot product: ALS + sequential + genre taste), excluding what the user rated.
 * Cold start: popular in the user's top genres, then popular overall. Used by the REST API and by
 * {@code movierec evaluate}, so what is measured is what is served.
 */
public final class PersonalRecommendations {
    static final int CACHE_ENTRIES = 50_000;
    /** Reads made beside a request's main search (one at a time per request, so bounded by the server's threads). */
    private static final ExecutorService READS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "user-ratings");
        t.setDaemon(true);
        return t;
    });

    /** HNSW candidates per shard for a kNN of k results: enough that the approximate top k is the exact one here. */
    public static int knnCandidates(int k) {
        return Math.min(10_000, Math.max(500, 10 * k));
    }

    private final ElasticsearchClient es;
    private final MovierecConfig config;
    private final ModelCache models;
    private final UserProfiles users;
    private final PopularMovies popular;
    private final Explanations explanations;
    private final Map<String, ForUser> cache = new ConcurrentHashMap<>();

    /**
     * A user's list and what it reflects: the {@code ratings} partition and offset of the latest event in the user's
     * document and the model version of its vector (all null for a user the stream job has not seen).
     */
    public record ForUser(
            List<Recommendation> items, Integer appliedPartition, Long appliedOffset, String modelVersion) {}

    public PersonalRecommendations(
            ElasticsearchClient es,
            MovierecConfig config,
            ModelCache models,
            UserProfiles users,
            PopularMovies popular,
            Explanations explanations) {
        this.es = es;
        this.config = config;
        this.models = models;
        this.users = users;
        this.popular = popular;
        this.explanations = explanations;
    }

    /**
     * Personalised top-k for a stored user. Results are cached per (user, request, version of the user's document,
     * model version): a new rating rewrites the user document, which changes its version, so the cache can never
     * serve a stale list, and a repeated request costs one real-time GET of the version alone instead of a kNN search.
     * {@code diversity} (0..1, see {@link Diversity}) re-ranks for variety; 0 is the model's order. Lists without a user
     * vector (popular movies) are served as they are.
     */
    public ForUser forUser(long userId, int k, Filters filters, double diversity) {
        return forUser(userId, k, filters, diversity, Experiment.Kind.BLEND);
    }

    /**
     * The same, ranked as the variant {@code kind} ranks: {@code blend} as above, {@code als} by the ALS part of the
     * same vectors alone (the query vector's other parts set to 0, so Elasticsearch's kNN ranks by the ALS score),
     * {@code next} as the blend with its top 100 re-ranked by what follows the user's last movies ({@link NextMovies}),
     * and {@code popularity} by the most rated movies the user has not rated.
     */
    public ForUser forUser(long userId, int k, Filters requested, double diversity, Experiment.Kind kind) {
        // one model for the whole list: its vectors score the hits and split the scores into reasons
        ModelCache.Model m = models.current();
        // A repeated request asks Elasticsearch only for the document's version: everything the list depends on in
        // the document (history, vector, dismissals) changes it. The fields are read on a miss only.
        Long seen = users.version(userId);
        if (seen != null) {
            ForUser cached = cache.get(cacheKey(userId, k, requested, diversity, seen, m.version()) + "|" + kind);
            if (cached != null) return cached;
        }
        UserProfiles.Profile p = seen == null ? null : users.profile(userId, UserProfiles.RECOMMEND_FIELDS);
        if (p == null) return new ForUser(popular.excluding(Set.of(), List.of(), k, requested), null, null, null);
        // keyed by the version read with the fields, which may be newer than the one seen above
        String key = cacheKey(userId, k, requested, diversity, p.version(), m.version()) + "|" + kind;
        // "not interested": never shown to this user, whatever else asks for them
        Filters filters =
                requested.excluding(p.doc().dismissedMovieIds(), p.doc().dismissedGenres());
        // popularity ranks without the user's vector: no fold-in for it
        float[] vector = kind == Experiment.Kind.POPULARITY || p.vector() == null ? null : vectorFor(m, p);
        List<Recommendation> fresh;
        if (kind == Experiment.Kind.POPULARITY) {
            fresh = popular.excluding(p.rated(), List.of(), k, filters);
        } else if (vector == null) {
            fresh = popular.excluding(p.rated(), p.topGenres(), k, filters);
        } else {
            // The reasons come from the history in the user's document (the same GET); a document written before it
            // held the ratings has them read from the ratings index while the kNN search runs.
            Explanations.Split fromDocument = explanations.fromDocument(p, m);
            Supplier<Explanations.Split> split = fromDocument != null
                    ? () -> fromDocument
                    : CompletableFuture.supplyAsync(() -> explanations.split(userId, m), READS)::join;
            float[] query = kind == Experiment.Kind.ALS ? m.layout().alsQuery(vector) : vector;
            List<Long> history =
                    p.doc().ratedMovieIds() == null ? List.of() : p.doc().ratedMovieIds();
            fresh = knn(m, query, p.rated(), split, k, filters, diversity, kind, history);
        }
        ForUser served = new ForUser(
                fresh, p.doc().appliedPartition(), p.doc().appliedOffset(), vector == null ? null : m.version());
        if (cache.size() >= CACHE_ENTRIES) cache.clear(); // crude bound; entries are cheap to recompute
        cache.put(key, served);
        return served;
    }

    /**
     * The user's query vector for model {@code m}: the stored one when the stream job folded it with {@code m}, else
     * folded here from the history in the document. Between a new model and the user's next event (or while the API
     * and the stream job pick up a new model at different moments) the stored vector belongs to another model, whose
     * coordinates mean nothing against {@code m}'s movie vectors. Null when {@code m} knows none of the user's movies.
     */
    public static float[] vectorFor(ModelCache.Model m, UserProfiles.Profile p) {
        if (m.version().equals(p.doc().modelVersion())) return p.vector();
        List<Long> ids = p.doc().ratedMovieIds();
        List<Double> ratings = p.doc().historyRatings();
        // a document written before it held the ratings: its vector is the best there is
        if (ids == null || ratings == null || ids.size() != ratings.size()) return p.vector();
        List<Long> dismissed = p.doc().dismissedMovieIds();
        float[] x = m.userVector(
                ids,
                ratings.stream().mapToDouble(Double::doubleValue).toArray(),
                dismissed == null ? List.of() : dismissed);
        return x == null ? null : VectorLayout.userForCosine(x);
    }

    /** Everything a cached list depends on: the request, the user document's version and the model's. */
    static String cacheKey(
            long userId, int k, Filters filters, double diversity, long profileVersion, String modelVersion) {
        return userId + "|" + k + "|" + filters + "|" + diversity + "|" + profileVersion + "|" + modelVersion;
    }

    /**
     * Recommendations for an anonymous visitor from a few ratings (the live-update fold-in, computed on the fly), ranked
     * as the variant {@code kind} ranks (see {@link #forUser(long, int, Filters, double, Experiment.Kind)}).
     */
    public List<Recommendation> forRatings(
            Map<Long, Double> ratings, int k, Filters filters, double diversity, Experiment.Kind kind) {
        if (kind == Experiment.Kind.POPULARITY) return popular.excluding(ratings.keySet(), List.of(), k, filters);
        ModelCache.Model m = models.current();
        List<Long> ids = new ArrayList<>(ratings.keySet()); // in the order given: oldest first
        double[] values =
                ratings.values().stream().mapToDouble(Double::doubleValue).toArray();
        float[] x = m.userVector(ids, values);
        if (x == null) return popular.excluding(ratings.keySet(), topGenres(m, ratings.keySet()), k, filters);
        Explanations.Split split = new Explanations.Split(m, ids, new ArrayList<>(ratings.values()));
        float[] query = VectorLayout.userForCosine(x);
        return knn(
                m,
                kind == Experiment.Kind.ALS ? m.layout().alsQuery(query) : query,
                ratings.keySet(),
                () -> split,
                k,
                filters,
                diversity,
                kind,
                ids);
    }

    /**
     * kNN with the user's vector: cosine on MIPS-augmented vectors ranks exactly by the model's dot product, which is
     * the score served (the sum of the explanation's contributions); the reason names the largest contribution. A bonus
     * for the user's top genres on top of the model's order lowered offline NDCG@10, so the model's order is served.
     * With diversity > 0 the list is picked from a larger set of candidates by {@link Diversity}; 0 sends exactly the
     * request without it. The {@code next} kind re-scores the top {@link NextMovies#CANDIDATES} by the transitions of
     * the last movies of {@code history} (oldest first) before either.
     */
    private List<Recommendation> knn(
            ModelCache.Model m,
            float[] storedVector,
            Set<Long> rated,
            Supplier<Explanations.Split> explanation,
            int k,
            Filters filters,
            double diversity,
            Experiment.Kind kind,
            List<Long> history) {
        boolean alsOnly = kind == Experiment.Kind.ALS;
        boolean next = kind == Experiment.Kind.NEXT;
        int size = diversity > 0 ? Diversity.candidates(k) : k;
        if (next) size = Math.max(size, NextMovies.CANDIDATES);
        int knnSize = size;
        SearchResponse<MovieSummary> r = StoreUnavailable.call(() -> es.search(
                knnRequest(config.index("movies"), storedVector, rated, knnSize, filters), MovieSummary.class));
        List<Hit<MovieSummary>> hits = r.hits().hits();
        double[] scores = new double[hits.size()];
        List<float[]> factors = new ArrayList<>(hits.size());
        for (int i = 0; i < hits.size(); i++) {
            Hit<MovieSummary> h = hits.get(i);
            ModelCache.Item item = m.items().get(h.source().id());
            scores[i] = item != null ? Vectors.dot(storedVector, item.embedding()) : h.score() == null ? 0 : h.score();
            // Similarity is "liked by the same people": the cosine of the raw ALS factors. The stored vector's cosine
            // coordinate (the MIPS padding) is largest for the least-known movies and would make those look alike;
            // the sequential part says "rated in the same session", the genre part only repeats the genres.
            factors.add(item == null ? null : item.factors());
        }
        if (next)
            scores = NextMovies.rescore(ids(hits), scores, NextMovies.latest(history, id -> {
                ModelCache.Item item = m.items().get(id);
                return item == null ? null : item.followers();
            }));
        int[] order = diversity > 0
                ? Diversity.rerank(scores, factors, diversity, k)
                : next ? NextMovies.top(scores, k) : inOrder(hits.size());
        Explanations.Split split = unwrapped(explanation);
        List<Recommendation> out = new ArrayList<>();
        for (int i : order) {
            MovieSummary movie = hits.get(i).source();
            out.add(new Recommendation(movie, scores[i], split.reason(movie.id(), alsOnly)));
        }
        if (out.size() < k) {
            Set<Long> exclude = new HashSet<>(rated);
            out.forEach(rec -> exclude.add(rec.movieId()));
            out.addAll(popular.excluding(exclude, List.of(), k - out.size(), filters));
        }
        return out;
    }

    private static long[] ids(List<Hit<MovieSummary>> hits) {
        long[] out = new long[hits.size()];
        for (int i = 0; i < out.length; i++) out[i] = hits.get(i).source().id();
        return out;
    }

    private static int[] inOrder(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = i;
        return out;
    }

    /**
     * The kNN search for a user's stored vector, the movies they rated excluded (also what {@code movierec bench} sends
     * raw, so the two cannot drift).
     */
    public static SearchRequest knnRequest(
            String index, float[] storedVector, Set<Long> rated, int k, Filters filters) {
        List<Float> qv = new ArrayList<>(storedVector.length);
        for (float f : storedVector) qv.add(f);
        List<Query> filter = filters.queries(rated, null);
        return SearchRequest.of(s -> s.index(index)
                .size(k)
                .knn(kn -> kn.field("embedding")
                        .queryVector(qv)
                        .k(k)
                        .numCandidates(knnCandidates(k))
                        .filter(filter))
                .source(x -> x.filter(f -> f.includes(Movies.FIELDS))));
    }

    /** The three genres most of these movies have (the model's copy of their genres). */
    private static List<String> topGenres(ModelCache.Model m, Collection<Long> ids) {
        Map<String, Integer> counts = new HashMap<>();
        for (long id : ids) {
            ModelCache.Item it = m.items().get(id);
            if (it != null) it.genres().forEach(g -> counts.merge(g, 1, Integer::sum));
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(3)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The value, with a failure in the background thread thrown as itself (say, {@code StoreUnavailable}). */
    private static <T> T unwrapped(Supplier<T> value) {
        try {
            return value.get();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }
}
