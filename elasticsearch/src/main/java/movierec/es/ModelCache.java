package movierec.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import movierec.common.FoldIn;
import movierec.common.GenreTaste;
import movierec.common.MovierecConfig;
import movierec.common.NextMovies;
import movierec.common.Sequence;
import movierec.common.VectorLayout;
import movierec.common.Vectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current model in memory: every movie's ALS factors (raw, without scaling or the cosine augmentation), its
 * sequential vectors, title and genres, YᵀY for fold-in, and the training parameters. A few MB for the bundled data. Reloaded when
 * {@code models/current} names a new version (checked every few seconds in the background), so a re-train shows up without a
 * restart and readers never see a half-loaded model.
 */
public final class ModelCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    /**
     * A movie as the recommender needs it: its stored vector ({@code embedding}, with the cosine coordinate), its ALS
     * factors (raw), the sequential part of its stored vector ({@code next}, scaled as stored), its context vector
     * ({@link Sequence}) and its strongest transitions ({@link NextMovies}); the last three are empty for an ALS-only
     * model.
     */
    public record Item(
            long id,
            String title,
            List<String> genres,
            float[] embedding,
            float[] factors,
            float[] next,
            float[] context,
            NextMovies.Row followers) {
        /**
         * This rated movie's term in the sequential score of {@code target} when it is the user's {@code age}-th latest
         * (0 = the latest): w_age · a·b; 0 beyond the context or for an ALS-only model.
         */
        public double sequentialTerm(int age, Item target) {
            if (age >= Sequence.CONTEXT || context.length == 0 || target.next().length == 0) return 0;
            return Sequence.contextWeight(age) * Vectors.dot(context, target.next());
        }
    }

    /** One loaded model version: its vectors' layout, the ALS training parameters, the movies and YᵀY. */
    public record Model(
            String version,
            VectorLayout layout,
            double regParam,
            double alpha,
            double recencyScale,
            double recencyFloor,
            Map<Long, Item> items,
            double[] gram) {
        public boolean empty() {
            return items.isEmpty();
        }

        public int rank() {
            return layout.rank();
        }

        /**
         * The user's ratings, given oldest first, as fold-in input: recency-weighted exactly as in training, and only
         * those movies the model has vectors for.
         */
        public List<FoldIn.Rated> foldInInput(List<Long> movieIdsOldestFirst, double[] ratingsOldestFirst) {
            double[] w = FoldIn.recencyWeighted(ratingsOldestFirst, recencyScale, recencyFloor);
            List<FoldIn.Rated> out = new ArrayList<>();
            for (int i = 0; i < w.length; i++) {
                Item item = items.get(movieIdsOldestFirst.get(i));
                if (item != null) out.add(new FoldIn.Rated(item.factors(), w[i]));
            }
            return out;
        }

        /**
         * The user's dismissed movies as fold-in input, each weighing {@link FoldIn#DISMISSAL_WEIGHT}: only those the
         * model knows and the user has not rated (a rating says more than a dismissal, and training too sees one
         * observation per movie).
         */
        public List<FoldIn.Rated> dismissalInput(Collection<Long> dismissed, Collection<Long> ratedMovieIds) {
            if (dismissed.isEmpty()) return List.of();
            Set<Long> rated = new HashSet<>(ratedMovieIds);
            List<FoldIn.Rated> out = new ArrayList<>();
            for (Long id : new LinkedHashSet<>(dismissed)) { // in the order given, each once
                Item item = items.get(id);
                if (item != null && !rated.contains(id))
                    out.add(new FoldIn.Rated(item.factors(), FoldIn.DISMISSAL_WEIGHT));
            }
            return out;
        }

        /** Fold-in of a user from their ratings (oldest first); null without a model or without known movies. */
        public float[] userFactors(List<Long> movieIdsOldestFirst, double[] ratingsOldestFirst) {
            return userFactors(movieIdsOldestFirst, ratingsOldestFirst, List.of());
        }

        /** The same with the movies the user dismissed ("not interested") as negative feedback. */
        public float[] userFactors(
                List<Long> movieIdsOldestFirst, double[] ratingsOldestFirst, Collection<Long> dismissed) {
            if (empty()) return null;
            return FoldIn.userFactors(
                    gram,
                    rank(),
                    foldInInput(movieIdsOldestFirst, ratingsOldestFirst),
                    dismissalInput(dismissed, movieIdsOldestFirst),
                    regParam,
                    alpha);
        }

        /**
         * The user's whole query vector from their ratings in time order (oldest first, ties by movie id, as in
         * training): [ALS fold-in ; Σ_k w_k · context of the k-th latest movie ; genre taste]. Null without known movies.
         */
        public float[] userVector(List<Long> movieIdsOldestFirst, double[] ratingsOldestFirst) {
            return userVector(movieIdsOldestFirst, ratingsOldestFirst, List.of());
        }

        /**
         * The same with the movies the user dismissed: negative feedback in the ALS fold-in only (the sequential and
         * genre parts are sums over rated movies); dismissed movies the model does not know are ignored.
         */
        public float[] userVector(
                List<Long> movieIdsOldestFirst, double[] ratingsOldestFirst, Collection<Long> dismissed) {
            float[] x = userFactors(movieIdsOldestFirst, ratingsOldestFirst, dismissed);
            if (x == null || layout.seqRank() == 0) return x;
            List<float[]> contexts = new ArrayList<>(movieIdsOldestFirst.size());
            List<List<String>> genres = new ArrayList<>();
            for (Long id : movieIdsOldestFirst) {
                Item item = items.get(id);
                contexts.add(item == null ? null : item.context());
                if (item != null) genres.add(item.genres());
            }
            return layout.user(
                    x,
                    Sequence.userVector(contexts, layout.seqRank()),
                    layout.genreDims() == 0 ? null : GenreTaste.userVector(genres));
        }
    }

    private static final Model NONE = new Model("none", VectorLayout.NONE, 0, 0, 0, 1, Map.of(), new double[0]);
    private static final long CHECK_EVERY_MS = 5_000;

    private final ElasticsearchClient es;
    private final MovierecConfig config;
    private volatile Model model = NONE;

    public ModelCache(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.config = config;
    }

    /** The current model, loaded once in this thread, without a background check (a command that runs and ends). */
    public static Model loadOnce(ElasticsearchClient es, MovierecConfig config) {
        ModelCache cache = new ModelCache(es, config);
        cache.refresh();
        return cache.model;
    }

    /**
     * The current model. The first call loads it; from then on a background thread checks for a newer version every few
     * seconds and loads it while the previous one (or none) is served, so a training never stalls a request or a batch,
     * and a model published while nobody calls (say, an idle stream job) is loaded before the next call needs it.
     */
    public Model current() {
        if (!loadedOnce) {
            synchronized (this) {
                if (!loadedOnce && !closed) {
                    refreshLogged();
                    loadedOnce = true;
                    checker = new Thread(
                            () -> {
                                while (!closed) {
                                    try {
                                        Thread.sleep(CHECK_EVERY_MS);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                    refreshLogged();
                                }
                            },
                            "model-check");
                    checker.setDaemon(true);
                    checker.start();
                }
            }
        }
        return model;
    }

    /**
     * Why the last check for a newer model failed, or null when it succeeded. Meanwhile the model loaded before (or
     * none) is served.
     */
    public String lastFailure() {
        return lastFailure;
    }

    /** Stops the background check. */
    @Override
    public synchronized void close() {
        closed = true;
        if (checker != null) checker.interrupt();
    }

    private volatile boolean loadedOnce;
    private volatile boolean closed;
    private Thread checker;
    private volatile String lastFailure;

    /** Keeps serving the model we have when a check fails; logs each distinct failure once, not every few seconds. */
    private void refreshLogged() {
        try {
            refresh();
            if (lastFailure != null) LOG.info("model check works again (serving {})", model.version());
            lastFailure = null;
        } catch (Exception e) {
            String failure = e instanceof StoreUnavailable ? e.getMessage() : "the model could not be loaded: " + e;
            if (!failure.equals(lastFailure)) LOG.warn("{}; serving {} meanwhile", failure, model.version(), e);
            lastFailure = failure;
        }
    }

    private void refresh() {
        GetResponse<ModelDoc> current = StoreUnavailable.call(
                () -> es.get(g -> g.index(config.index("models")).id("current"), ModelDoc.class));
        if (!current.found()) return;
        ModelDoc doc = current.source();
        if (doc.version().equals(model.version())) return;
        VectorLayout layout = VectorLayout.of(doc.params());
        Map<Long, Item> items = new HashMap<>();
        StoreUnavailable.call(() -> EsScan.scan(
                es,
                config.index("movies"),
                Query.of(q -> q.exists(e -> e.field("embedding"))),
                List.of("movie_id"),
                MovieVectorsDoc.FIELDS,
                MovieVectorsDoc.class,
                m -> {
                    Item item = item(layout, m);
                    items.put(item.id(), item);
                }));
        model = model(doc.version(), doc.params(), items);
        LOG.info("model {} loaded: {} movies", doc.version(), items.size());
    }

    /** A movie of the model from its document (its stored vectors, title and genres). */
    public static Item item(VectorLayout layout, MovieVectorsDoc movie) {
        float[] stored = movie.embedding();
        return new Item(
                movie.movieId(),
                movie.title(),
                movie.genres() == null ? List.of() : movie.genres(),
                stored,
                layout.alsFactors(stored),
                layout.sequential(stored),
                movie.context() == null ? new float[0] : movie.context(),
                movie.nextMovieIds() == null || movie.nextWeights() == null
                        ? NextMovies.Row.NONE
                        : new NextMovies.Row(movie.nextMovieIds(), movie.nextWeights()));
    }

    /** A model version from its document's {@code params} and its movies. */
    public static Model model(String version, Map<String, Object> params, Map<Long, Item> items) {
        VectorLayout layout = VectorLayout.of(params);
        List<float[]> all = new ArrayList<>();
        items.values().forEach(i -> all.add(i.factors()));
        return new Model(
                version,
                layout,
                ((Number) params.get("regParam")).doubleValue(),
                ((Number) params.get("alpha")).doubleValue(),
                ((Number) params.getOrDefault("recencyScale", 0)).doubleValue(),
                ((Number) params.getOrDefault("recencyFloor", 1)).doubleValue(),
                items,
                FoldIn.gram(all, layout.rank()));
    }
}
