package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import movierec.common.MovierecConfig;
import movierec.es.StoreUnavailable;

/** One movie by id, and the summary every endpoint shows of a movie. */
public final class Movies {
    /** Fields returned for a movie. */
    public static final List<String> FIELDS = List.of(
            "movie_id",
            "title",
            "genres",
            "release_date",
            "release_year",
            "language",
            "overview",
            "director",
            "runtime",
            "vote_average",
            "vote_count",
            "rating_count",
            "rating_avg",
            "popularity",
            "poster_path");

    private final ElasticsearchClient es;
    private final MovierecConfig config;

    public Movies(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.config = config;
    }

    /** The movie's summary, or null when there is no such movie. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Map<String, Object> get(long movieId) {
        GetResponse<Map> r = StoreUnavailable.call(() -> es.get(
                g -> g.index(config.index("movies")).id(String.valueOf(movieId)).sourceIncludes(FIELDS), Map.class));
        return r.found() ? summary(r.source()) : null;
    }

    /** The movie's fields as served: {@code id} first, then the rest of {@link #FIELDS} it has. */
    static Map<String, Object> summary(Map<String, Object> src) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", src.get("movie_id"));
        for (String f : FIELDS) if (!f.equals("movie_id") && src.containsKey(f)) out.put(f, src.get(f));
        return out;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static Map<String, Object> summary(Hit<Map> h) {
        return summary(h.source());
    }

    @SuppressWarnings("rawtypes")
    static long id(Hit<Map> h) {
        return ((Number) h.source().get("movie_id")).longValue();
    }
}
