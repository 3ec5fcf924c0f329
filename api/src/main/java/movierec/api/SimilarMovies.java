package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.msearch.MultiSearchResponseItem;
import co.elastic.clients.elasticsearch.core.msearch.RequestItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import movierec.common.MovierecConfig;
import movierec.es.ModelCache;
import movierec.es.MovieVectorsDoc;
import movierec.es.StoreUnavailable;

/**
 * Movies similar to one movie: kNN on the ALS part of its vector ("liked by the same people") and
 * {@code more_like_this} on description and genres, sent together in one {@code _msearch} and fused by reciprocal
 * rank (score = Σ 1/(60 + rank) over the lists), so a movie high in either list ranks high.
 */
public final class SimilarMovies {
    static final int RRF_K = 60;

    /** A movie in the fused list: its score and the index of the first list it was found in. */
    record Fused(long movieId, double score, int firstList) {}

    private final ElasticsearchClient es;
    private final MovierecConfig config;
    private final ModelCache models;

    public SimilarMovies(ElasticsearchClient es, MovierecConfig config, ModelCache models) {
        this.es = es;
        this.config = config;
        this.models = models;
    }

    /** The k most similar movies within {@code filters} (its exclusions); null when there is no such movie. */
    public List<Recommendation> similar(long movieId, int k, Filters filters) {
        // The model cache's record of a movie's vectors, asked for the title and the vector only.
        GetResponse<MovieVectorsDoc> self = StoreUnavailable.call(() -> es.get(
                g -> g.index(config.index("movies")).id(String.valueOf(movieId)).sourceIncludes("title", "embedding"),
                MovieVectorsDoc.class));
        if (!self.found()) return null;
        String title = self.source().title();
        float[] alsQuery = null;
        List<String> reasons = new ArrayList<>();
        if (self.source().embedding() != null) {
            alsQuery = models.current().layout().alsQuery(self.source().embedding());
            reasons.add("liked by people who liked " + title);
        }
        reasons.add("similar story and genres to " + title);
        List<RequestItem> searches = searches(config.index("movies"), movieId, alsQuery, k, filters);
        List<MultiSearchResponseItem<MovieSummary>> responses = StoreUnavailable.call(
                        () -> es.msearch(m -> m.searches(searches), MovieSummary.class))
                .responses();
        List<List<Long>> rankings = new ArrayList<>();
        Map<Long, MovieSummary> movies = new HashMap<>();
        for (MultiSearchResponseItem<MovieSummary> item : responses) {
            if (item.isFailure()) {
                // _msearch answers 200 whatever its searches do: each one's own status says what failed
                String failure = "similar-movies search failed: "
                        + item.failure().error().reason();
                if (StoreUnavailable.unavailable(item.failure().status())) throw new StoreUnavailable(failure, null);
                throw new IllegalStateException(failure);
            }
            List<Long> ids = new ArrayList<>();
            for (Hit<MovieSummary> h : item.result().hits().hits()) {
                ids.add(h.source().id());
                movies.putIfAbsent(h.source().id(), h.source());
            }
            rankings.add(ids);
        }
        return fuse(rankings, k).stream()
                .map(f -> new Recommendation(movies.get(f.movieId()), f.score(), reasons.get(f.firstList())))
                .toList();
    }

    /**
     * The searches fused into the k most similar movies: kNN on the ALS part of the movie's vector (when it has one,
     * {@code alsQuery}) and more_like_this, each {@code max(50, 3k)} deep (also what {@code movierec bench} sends raw as
     * one {@code _msearch}, so the two cannot drift).
     */
    public static List<RequestItem> searches(String index, long movieId, float[] alsQuery, int k) {
        return searches(index, movieId, alsQuery, k, Filters.NONE);
    }

    /** The same searches, neither of them returning the movie itself or what {@code filters} excludes. */
    static List<RequestItem> searches(String index, long movieId, float[] alsQuery, int k, Filters filters) {
        List<Query> allowed = filters.queries(java.util.Set.of(movieId), null);
        int depth = Math.max(50, 3 * k);
        List<RequestItem> searches = new ArrayList<>();
        if (alsQuery != null) {
            List<Float> qv = new ArrayList<>();
            for (float f : alsQuery) qv.add(f);
            searches.add(RequestItem.of(ri -> ri.header(h -> h.index(index))
                    .body(b -> b.size(depth)
                            .knn(kn -> kn.field("embedding")
                                    .queryVector(qv)
                                    .k(depth)
                                    .numCandidates(Math.max(200, 2 * depth))
                                    .filter(allowed))
                            .source(x -> x.filter(f -> f.includes(Movies.FIELDS))))));
        }
        searches.add(RequestItem.of(ri -> ri.header(h -> h.index(index))
                .body(b -> b.size(depth)
                        .query(q -> q.bool(bo -> bo.filter(allowed)
                                .must(m -> m.moreLikeThis(l -> l.fields("description", "genres")
                                        .like(li ->
                                                li.document(d -> d.index(index).id(String.valueOf(movieId))))
                                        .minTermFreq(1)
                                        .minDocFreq(1)
                                        .maxQueryTerms(25)))))
                        .source(x -> x.filter(f -> f.includes(Movies.FIELDS))))));
        return searches;
    }

    /**
     * Reciprocal rank fusion of ranked lists: score = Σ 1/(RRF_K + rank) over the lists a movie is in (rank from 1);
     * the k best, ties in the order first seen.
     */
    static List<Fused> fuse(List<List<Long>> rankings, int k) {
        Map<Long, Double> score = new LinkedHashMap<>();
        Map<Long, Integer> first = new HashMap<>();
        for (int list = 0; list < rankings.size(); list++) {
            List<Long> ids = rankings.get(list);
            for (int i = 0; i < ids.size(); i++) {
                score.merge(ids.get(i), 1.0 / (RRF_K + i + 1), Double::sum);
                first.putIfAbsent(ids.get(i), list);
            }
        }
        return score.entrySet().stream()
                .sorted(Map.Entry.<Long, Double>comparingByValue().reversed())
                .limit(k)
                .map(e -> new Fused(e.getKey(), e.getValue(), first.get(e.getKey())))
                .toList();
    }
}
