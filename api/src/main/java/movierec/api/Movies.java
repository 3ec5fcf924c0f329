package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.util.List;
import movierec.common.MovierecConfig;
import movierec.es.StoreUnavailable;

/** One movie by id, and the fields of the summary every endpoint shows of a movie. */
public final class Movies {
    /** The fields read for a movie's {@link MovieSummary}. */
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
    public MovieSummary get(long movieId) {
        GetResponse<MovieSummary> r = StoreUnavailable.call(() -> es.get(
                g -> g.index(config.index("movies")).id(String.valueOf(movieId)).sourceIncludes(FIELDS),
                MovieSummary.class));
        return r.found() ? r.source() : null;
    }
}
