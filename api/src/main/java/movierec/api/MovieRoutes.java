package movierec.api;

import io.javalin.http.Context;
import java.util.Map;

/** The handlers of the movie routes: popular, search, one movie, similar movies. */
final class MovieRoutes {
    private final PopularMovies popular;
    private final MovieSearch search;
    private final Movies movies;
    private final SimilarMovies similar;

    MovieRoutes(PopularMovies popular, MovieSearch search, Movies movies, SimilarMovies similar) {
        this.popular = popular;
        this.search = search;
        this.movies = movies;
        this.similar = similar;
    }

    void popular(Context ctx) {
        int k = Params.intQuery(ctx, "k", 10, 1, 100);
        ctx.json(Map.of("items", popular.popular(Params.optionalText(ctx, "genre", 50), k)));
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
        var items = similar.similar(movieId, k);
        if (items == null) throw ApiError.notFound("movie " + movieId + " not found");
        ctx.json(Map.of("movieId", movieId, "items", items));
    }
}
