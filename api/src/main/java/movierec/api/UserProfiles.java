package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import movierec.common.MovierecConfig;
import movierec.es.ErasureDoc;
import movierec.es.RatingDoc;
import movierec.es.StoreUnavailable;
import movierec.es.UserDoc;

/** What is stored of a user: their profile document (written by the stream job) and their ratings. */
public final class UserProfiles {
    /** What a personalised request reads of the user: every field less is less for the real-time GET to load. */
    static final List<String> RECOMMEND_FIELDS = List.of(
            "top_genres",
            "rated_movie_ids",
            "history_ratings",
            "embedding",
            "model_version",
            "applied_partition",
            "applied_offset",
            "dismissed_movie_ids",
            "dismissed_genres");

    static final List<String> ALL_FIELDS = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(
                            "user_id", "rating_count", "rating_avg", "recent_movie_ids", "last_rated_at"),
                    RECOMMEND_FIELDS.stream())
            .toList();

    /**
     * A user's stored profile. {@code version} changes with every write of the user document (its sequence number,
     * with the primary term above it against a reset index).
     */
    public record Profile(
            long userId, UserDoc doc, float[] vector, Set<Long> rated, List<String> topGenres, long version) {}

    private final ElasticsearchClient es;
    private final MovierecConfig config;

    public UserProfiles(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.config = config;
    }

    /** What a similar-movies list asks of the user: what they said "not interested" to. */
    static final List<String> DISMISSAL_FIELDS = List.of("dismissed_movie_ids", "dismissed_genres");

    /** The user's whole profile, or null when they have none. */
    public Profile profile(long userId) {
        return profile(userId, ALL_FIELDS);
    }

    Profile profile(long userId, List<String> fields) {
        // Elasticsearch 9 leaves vectors out of _source unless a field list asks for them.
        GetResponse<UserDoc> r = StoreUnavailable.call(() -> es.get(
                g -> g.index(config.index("users")).id(String.valueOf(userId)).sourceIncludes(fields), UserDoc.class));
        if (!r.found()) return null;
        UserDoc doc = r.source();
        float[] vector = doc.embedding() == null || doc.embedding().length == 0 ? null : doc.embedding();
        Set<Long> rated = doc.ratedMovieIds() == null ? Set.of() : new HashSet<>(doc.ratedMovieIds());
        return new Profile(
                userId, doc, vector, rated, doc.topGenres() == null ? List.of() : doc.topGenres(), version(r));
    }

    /**
     * The version of the user's document (as in {@link Profile#version()}), or null when they have none. A real-time
     * GET without {@code _source}: Elasticsearch reads the version and loads no field, in particular it does not
     * rebuild the vector, which Elasticsearch 9 keeps outside {@code _source}.
     */
    Long version(long userId) {
        GetResponse<UserDoc> r = StoreUnavailable.call(() -> es.get(
                g -> g.index(config.index("users")).id(String.valueOf(userId)).source(s -> s.fetch(false)),
                UserDoc.class));
        return r.found() ? version(r) : null;
    }

    private static long version(GetResponse<?> r) {
        return (r.primaryTerm() == null ? 0 : r.primaryTerm() << 40) + (r.seqNo() == null ? 0 : r.seqNo());
    }

    /** True when the user has a document (a profile, or dismissals). */
    boolean exists(long userId) {
        return StoreUnavailable.call(
                        () -> es.exists(e -> e.index(config.index("users")).id(String.valueOf(userId))))
                .value();
    }

    /** The record of the user's latest erasure (kept two weeks), or null. */
    ErasureDoc erasure(long userId) {
        GetResponse<ErasureDoc> r = StoreUnavailable.call(
                () -> es.get(g -> g.index(config.index("erasures")).id(String.valueOf(userId)), ErasureDoc.class));
        return r.found() ? r.source() : null;
    }

    /** How many documents of the user {@code index} ({@code ratings}, {@code impressions}) holds, as of its last refresh. */
    long count(String index, long userId) {
        return StoreUnavailable.call(() -> es.count(c -> c.index(config.index(index))
                        .query(q -> q.term(t -> t.field("user_id").value(userId)))))
                .count();
    }

    /** The user's ratings from the ratings index, newest first (ties by movie id, the reverse of training's order). */
    public List<RatingDoc> ratings(long userId) {
        SearchResponse<RatingDoc> r = StoreUnavailable.call(() -> es.search(
                s -> s.index(config.index("ratings"))
                        .size(10_000)
                        .query(q -> q.term(t -> t.field("user_id").value(userId)))
                        .sort(o -> o.field(f -> f.field("timestamp").order(SortOrder.Desc)))
                        .sort(o -> o.field(f -> f.field("movie_id").order(SortOrder.Desc)))
                        .source(x -> x.filter(f -> f.includes("movie_id", "rating", "timestamp"))),
                RatingDoc.class));
        return r.hits().hits().stream().map(Hit::source).toList();
    }
}
