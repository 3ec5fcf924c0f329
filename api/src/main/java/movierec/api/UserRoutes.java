package movierec.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import movierec.common.Impression;
import movierec.common.RatingEvent;
import movierec.es.RatingDoc;
import movierec.kafka.EventProducer;
import movierec.kafka.QueueUnavailable;
import org.apache.kafka.clients.producer.RecordMetadata;

/** The handlers of a user's routes: recommendations, profile, ratings (written to Kafka), explanations. */
final class UserRoutes {
    /** How long a rating waits for Kafka's acknowledgement before the answer is 503. */
    static final long SEND_TIMEOUT_MS = 6_000;

    private final PersonalRecommendations personal;
    private final UserProfiles users;
    private final Movies movies;
    private final Explanations explanations;
    private final EventProducer producer;
    private final StreamProgress progress;
    private final ImpressionLog impressions;
    private final Serving serving;
    private final int afterWaitMs;

    UserRoutes(
            PersonalRecommendations personal,
            UserProfiles users,
            Movies movies,
            Explanations explanations,
            EventProducer producer,
            StreamProgress progress,
            ImpressionLog impressions,
            Serving serving,
            int afterWaitMs) {
        this.personal = personal;
        this.users = users;
        this.movies = movies;
        this.explanations = explanations;
        this.producer = producer;
        this.progress = progress;
        this.impressions = impressions;
        this.serving = serving;
        this.afterWaitMs = afterWaitMs;
    }

    void recommendations(Context ctx) {
        long userId = Params.id(ctx, "userId");
        int k = Params.intQuery(ctx, "k", 10, 1, 100);
        Integer minYear = Params.optionalInt(ctx, "minYear", 1800, 2100);
        Integer maxYear = Params.optionalInt(ctx, "maxYear", 1800, 2100);
        if (minYear != null && maxYear != null && minYear > maxYear)
            throw new BadQuery("minYear must not be after maxYear");
        var filters = new Filters(Params.optionalText(ctx, "genre", 50), minYear, maxYear)
                .excluding(Params.idList(ctx, "exclude", MovieRoutes.MAX_EXCLUDE), null);
        double diversity = Params.decimalQuery(ctx, "diversity", 0, 0, 1);
        String after = Params.optionalText(ctx, "after", 40);
        ConsistencyToken token = after == null ? null : ConsistencyToken.parse(after);
        // a client may wait less than the server allows, never more
        int maxWaitMs = Math.min(afterWaitMs, Params.intQuery(ctx, "maxWaitMs", afterWaitMs, 0, 60_000));
        // read-your-writes: wait (bounded) until the stream job has applied the client's rating, then read
        boolean stale = token != null && !awaitApplied(token, maxWaitMs);
        // the variant: the user's in a running experiment, else the promoted one
        Serving.Choice choice = serving.choose(userId);
        PersonalRecommendations.ForUser served = personal.forUser(userId, k, filters, diversity, choice.kind());
        impressions.served(
                userId, Impression.RECOMMENDATIONS, null, served.modelVersion(), choice.variant(), served.items());
        Map<String, Object> asOf = new LinkedHashMap<>();
        asOf.put(
                "event",
                served.appliedOffset() == null
                        ? null
                        : new ConsistencyToken(served.appliedPartition(), served.appliedOffset()).toString());
        asOf.put("modelVersion", served.modelVersion());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("items", served.items());
        body.put("asOf", asOf);
        body.put("stale", stale);
        body.put("variant", choice.variant());
        ctx.json(body);
    }

    private boolean awaitApplied(ConsistencyToken token, int maxWaitMs) {
        try {
            return progress.await(token, maxWaitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void user(Context ctx) {
        long userId = Params.id(ctx, "userId");
        UserProfiles.Profile p = users.profile(userId);
        if (p == null) throw ApiError.notFound("user " + userId + " has no ratings yet");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("ratingCount", p.doc().ratingCount());
        body.put("ratingAvg", p.doc().ratingAvg());
        body.put("topGenres", p.topGenres());
        body.put("hasVector", p.vector() != null);
        body.put(
                "dismissedMovieIds",
                p.doc().dismissedMovieIds() == null ? List.of() : p.doc().dismissedMovieIds());
        body.put(
                "dismissedGenres",
                p.doc().dismissedGenres() == null ? List.of() : p.doc().dismissedGenres());
        List<Map<String, Object>> recent = new ArrayList<>();
        for (RatingDoc r : users.ratings(userId)) {
            if (recent.size() >= 20) break;
            Map<String, Object> m = new LinkedHashMap<>();
            MovieSummary movie = movies.get(r.movieId());
            m.put("movieId", r.movieId());
            m.put("title", movie == null ? null : movie.title());
            m.put("rating", r.rating());
            m.put("timestamp", r.timestamp());
            recent.add(m);
        }
        body.put("recentRatings", recent);
        ctx.json(body);
    }

    void rate(Context ctx) {
        long userId = Params.id(ctx, "userId");
        Bodies.Rating rating = Bodies.rating(ctx.bodyAsBytes());
        requireMovie(rating.movieId());
        // The key's name is the rating's source (and a Kafka header): every rating says which client wrote it.
        String client = ApiAuth.key(ctx).name();
        send(
                ctx,
                RatingEvent.of(userId, rating.movieId(), rating.rating(), System.currentTimeMillis(), client),
                client);
    }

    void unrate(Context ctx) {
        long userId = Params.id(ctx, "userId");
        long movieId = Params.id(ctx, "movieId");
        requireMovie(movieId);
        String client = ApiAuth.key(ctx).name();
        send(ctx, RatingEvent.retraction(userId, movieId, System.currentTimeMillis(), client), client);
    }

    /** 202 with the consistency token: where the event landed, so a later read can wait until it is applied. */
    private void send(Context ctx, RatingEvent event, String client) {
        ctx.status(202).json(accepted(event, sendEvent(event, client), "accepted"));
    }

    private ConsistencyToken sendEvent(RatingEvent event, String client) {
        RecordMetadata m = QueueUnavailable.await(() -> producer.sendRating(event, client), SEND_TIMEOUT_MS);
        return new ConsistencyToken(m.partition(), m.offset());
    }

    private static Map<String, Object> accepted(RatingEvent event, ConsistencyToken token, String status) {
        return Map.of("eventId", event.eventId(), "status", status, "token", token.toString());
    }

    /** "Not interested" in a movie or a genre: {@code {"movieId": 1}} or {@code {"genre": "Horror"}}. */
    void dismiss(Context ctx) {
        long userId = Params.id(ctx, "userId");
        Bodies.Dismissal d = Bodies.dismissal(ctx.bodyAsBytes());
        if (d.movieId() != null) requireMovie(d.movieId());
        String client = ApiAuth.key(ctx).name();
        long now = System.currentTimeMillis();
        dismissal(
                ctx,
                d.movieId() != null
                        ? RatingEvent.movieDismissal(userId, d.movieId(), true, now, client)
                        : RatingEvent.genreDismissal(userId, d.genre(), true, now, client),
                client);
    }

    void undismissMovie(Context ctx) {
        long userId = Params.id(ctx, "userId");
        long movieId = Params.id(ctx, "movieId");
        requireMovie(movieId);
        String client = ApiAuth.key(ctx).name();
        dismissal(ctx, RatingEvent.movieDismissal(userId, movieId, false, System.currentTimeMillis(), client), client);
    }

    void undismissGenre(Context ctx) {
        long userId = Params.id(ctx, "userId");
        String genre = Bodies.genre(ctx.pathParam("genre"));
        String client = ApiAuth.key(ctx).name();
        dismissal(ctx, RatingEvent.genreDismissal(userId, genre, false, System.currentTimeMillis(), client), client);
    }

    /**
     * A dismissal (or its undoing) goes through Kafka like a rating, and the answer waits (as {@code after=} would)
     * until the stream job has applied it: 200 {@code applied}, so the very next list of this user honours it, or,
     * if the wait ran out, 202 {@code accepted} with the token to pass as {@code after=}.
     */
    private void dismissal(Context ctx, RatingEvent event, String client) {
        ConsistencyToken token = sendEvent(event, client);
        boolean applied = awaitApplied(token, afterWaitMs);
        ctx.status(applied ? 200 : 202).json(accepted(event, token, applied ? "applied" : "accepted"));
    }

    /**
     * Erases the user: an erasure event through Kafka, after which the stream job removes everything of theirs from its
     * state and from Elasticsearch (see {@link #erasure}). 202 with the token to pass to the progress report.
     */
    void erase(Context ctx) {
        long userId = Params.id(ctx, "userId");
        String client = ApiAuth.key(ctx).name();
        RatingEvent event = RatingEvent.erasure(userId, System.currentTimeMillis(), client);
        send(ctx, event, client);
    }

    /**
     * An erasure's progress, from what is left: the user's document, rating documents and served lists. With
     * {@code after=TOKEN} (the erasure's token) it also says whether the stream job has applied the erasure event yet:
     * {@code pending}, then {@code erasing} while documents remain or the impressions query has not read past the
     * erasure's marker (its position is in the erasure's record), then {@code complete}. Without a token:
     * {@code complete} when nothing of the user is held, else {@code held}.
     */
    void erasure(Context ctx) {
        long userId = Params.id(ctx, "userId");
        String after = Params.optionalText(ctx, "after", 40);
        ConsistencyToken token = after == null ? null : ConsistencyToken.parse(after);
        Boolean applied = token == null ? null : awaitApplied(token, 0);
        boolean profile = users.exists(userId);
        long ratings = users.count("ratings", userId);
        long served = users.count("impressions", userId);
        boolean nothingLeft = !profile && ratings == 0 && served == 0;
        // The erasure reaches the served lists last, through a marker the impressions query reads on its own trigger:
        // until it has, a list served just before the erasure may still land (and be deleted then).
        boolean listsDone = !Boolean.TRUE.equals(applied) || !nothingLeft || progress.markerRead(users.erasure(userId));
        String status = Boolean.FALSE.equals(applied)
                ? "pending"
                : nothingLeft && listsDone ? "complete" : token != null ? "erasing" : "held";
        Map<String, Object> remaining = new LinkedHashMap<>();
        remaining.put("profile", profile);
        remaining.put("ratings", ratings);
        remaining.put("impressions", served);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("status", status);
        body.put("eventApplied", applied);
        body.put("remaining", remaining);
        ctx.json(body);
    }

    void because(Context ctx) {
        long userId = Params.id(ctx, "userId");
        long movieId = Params.id(ctx, "movieId");
        int k = Params.intQuery(ctx, "k", 5, 1, 100);
        requireMovie(movieId);
        Explanations.Because because = explanations.because(userId, movieId, k);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("movieId", movieId);
        body.put("modelVersion", because.modelVersion()); // null before the first training
        body.put("items", because.items());
        ctx.json(body);
    }

    void anonymous(Context ctx) {
        Bodies.Anonymous request = Bodies.anonymous(ctx.bodyAsBytes());
        Filters filters = Filters.NONE.excluding(Params.idList(ctx, "exclude", MovieRoutes.MAX_EXCLUDE), null);
        Serving.Choice choice = serving.chooseVisitor(request.visitorId());
        List<Recommendation> items =
                personal.forRatings(request.ratings(), request.k(), filters, request.diversity(), choice.kind());
        impressions.served(null, Impression.RECOMMENDATIONS, null, null, choice.variant(), items);
        ctx.json(Map.of("items", items, "variant", choice.variant()));
    }

    private void requireMovie(long movieId) {
        if (movies.get(movieId) == null) throw ApiError.notFound("movie " + movieId + " not found");
    }
}
