package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import movierec.common.MovierecConfig;
import movierec.es.StoreUnavailable;

/** Popular movies, by rating count, then average rating: the answer without a model and for users without a vector. */
public final class PopularMovies {
    private final ElasticsearchClient es;
    private final MovierecConfig config;

    public PopularMovies(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.config = config;
    }

    public List<Recommendation> popular(String genre, int k) {
        return excluding(Set.of(), List.of(), k, Filters.genre(genre));
    }

    /** Popular movies: first in {@code genres} (if any), then overall; none of {@code exclude}. */
    public List<Recommendation> excluding(Set<Long> exclude, List<String> genres, int k, Filters filters) {
        List<Recommendation> out = new ArrayList<>();
        Set<Long> skip = new HashSet<>(exclude);
        if (!genres.isEmpty()) {
            for (MovieSummary m : hits(filters.queries(skip, genres), k)) {
                skip.add(m.id());
                out.add(new Recommendation(m, ratingCount(m), "popular in " + firstShared(m, genres)));
            }
        }
        if (out.size() < k) {
            for (MovieSummary m : hits(filters.queries(skip, null), k - out.size())) {
                out.add(new Recommendation(
                        m,
                        ratingCount(m),
                        filters.genre() == null ? "popular overall" : "popular in " + filters.genre()));
            }
        }
        return out;
    }

    private List<MovieSummary> hits(List<Query> filter, int k) {
        return StoreUnavailable.call(() -> es.search(
                        s -> s.index(config.index("movies"))
                                .size(k)
                                .query(q -> q.bool(b -> b.filter(filter)
                                        .filter(f -> f.range(rg -> rg.number(
                                                n -> n.field("rating_count").gt(0.0))))))
                                .sort(o -> o.field(f -> f.field("rating_count").order(SortOrder.Desc)))
                                .sort(o -> o.field(f -> f.field("rating_avg").order(SortOrder.Desc)))
                                .sort(o -> o.field(f -> f.field("movie_id").order(SortOrder.Asc)))
                                .source(x -> x.filter(f -> f.includes(Movies.FIELDS))),
                        MovieSummary.class))
                .hits()
                .hits()
                .stream()
                .map(Hit::source)
                .toList();
    }

    private static String firstShared(MovieSummary m, List<String> genres) {
        List<String> own = m.genres() == null ? List.of() : m.genres();
        return genres.stream().filter(own::contains).findFirst().orElse(genres.get(0));
    }

    private static double ratingCount(MovieSummary m) {
        return m.ratingCount() == null ? 0 : m.ratingCount();
    }
}
