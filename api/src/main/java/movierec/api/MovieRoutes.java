package movierec.api;

import io.javalin.http.Context;
import java.util.Map;
import movierec.common.Impression;
import movierec.es.ModelCache;

/** The handlers of the movie routes: popular, search, one movie, similar movies. */
final class MovieRoutes {
    private final PopularMovies popular;
    private final MovieSearch search;
    private final Movies movies;
    private final SimilarMovies similar;
    private final UserProfiles users;

    private final ImpressionLog impressions;
    private final ModelCache models;

    MovieRoutes(
            PopularMovies popular,
            MovieSearch search,
            Movies movies,
            SimilarMovies similar,
            UserProfiles users,
            ImpressionLog impressions,
            ModelCache models) {
        this.impressions = impressions;
        this.models = models;
        this.popular = popular;
        this.search = search;
        this.movies = movies;
        this.similar = similar;
        this.users = users;
    }

    /** Movie ids a list request leaves out ad hoc ({@code exclude=1,2,3}). */
    static final int MAX_EXCLUDE = 500;

    void popular(Context ctx) {
        int k = Params.intQuery(ctx, "k", 10, 1, 100);
        Filters filters = Filters.genre(Params.optionalText(ctx, "genre", 50))
                .excluding(Params.idList(ctx, "exclude", MAX_EXCLUDE), null);
        ctx.json(Map.of("items", popular.excluding(java.util.Set.of(), java.util.List.of(), k, filters)));
    }

    void search(Context ctx) {
        String q = Params.optionalText(ctx, "q", 200);
        if (q == null) throw new BadQuery("q is required: the text to search for");
        int page = Params.intQuery(ctx, "page", 1, 1, 500);
        int size = Params.intQuery(ctx, "size", 10, 1, 100);
        if ((long) page * size > 10_000)
            throw new BadQuery("page × size must not exceed 10000 (Elasticsearch's result window)");
        ctx.json(search.search(q, Params.optionalText(ctx, "genre", 50), page, size));
    }

    void movie(Context ctx) {
        long movieId = Params.id(ctx, "movieId");
        MovieSummary m = movies.get(movieId);
        if (m == null) throw ApiError.notFound("movie " + movieId + " not found");
        ctx.json(m);
    }

    void similar(Context ctx) {
        long movieId = Params.id(ctx, "movieId");
        int k = Params.intQuery(ctx, "k", 10, 1, 100);
        Filters filters = Filters.NONE.excluding(Params.idList(ctx, "exclude", MAX_EXCLUDE), null);
        String user = ctx.queryParam("userId");
        Long userId = user == null || user.isBlank() ? null : Params.idQuery(ctx, "userId");
        if (userId != null) {
            // for a user: nothing they said "not interested" to
            UserProfiles.Profile p = users.profile(userId, UserProfiles.DISMISSAL_FIELDS);
            if (p != null)
                filters = filters.excluding(p.doc().dismissedMovieIds(), p.doc().dismissedGenres());
        }
        var items = similar.similar(movieId, k, filters);
        if (items == null) throw ApiError.notFound("movie " + movieId + " not found");
        impressions.served(userId, Impression.SIMILAR, movieId, models.current().version(), null, items);
        ctx.json(Map.of("movieId", movieId, "items", items));
    }
}
