package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch._types.query_dsl.TextQueryType;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import movierec.common.MovierecConfig;
import movierec.es.StoreUnavailable;

/** Full-text search of movies: user text goes into multi_match only, so it can never inject query syntax. */
public final class MovieSearch {
    private final ElasticsearchClient es;
    private final MovierecConfig config;

    public MovieSearch(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.config = config;
    }

    /** The search for one page of matches (also what {@code movierec bench} sends raw, so the two cannot drift). */
    public static SearchRequest request(String index, String text, String genre, int page, int size) {
        List<Query> filter = Filters.genre(genre).queries(Set.of(), null);
        return SearchRequest.of(s -> s.index(index)
                .from((page - 1) * size)
                .size(size)
                .query(q -> q.bool(b -> b.filter(filter)
                        .must(m -> m.multiMatch(mm -> mm.query(text)
                                .fields("title^3", "description", "director")
                                .type(TextQueryType.BestFields)
                                .fuzziness("AUTO")))))
                .source(x -> x.filter(f -> f.includes(Movies.FIELDS))));
    }

    /** One page of matches: {@code {total, page, size, items}}. */
    public Map<String, Object> search(String text, String genre, int page, int size) {
        SearchResponse<MovieSummary> r = StoreUnavailable.call(
                () -> es.search(request(config.index("movies"), text, genre, page, size), MovieSummary.class));
        List<MovieSummary> items = r.hits().hits().stream().map(Hit::source).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "total",
                r.hits().total() == null ? items.size() : r.hits().total().value());
        out.put("page", page);
        out.put("size", size);
        out.put("items", items);
        return out;
    }
}
