package movierec.common;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Comparator;

/**
 * A rating (or, with {@code deleted=true}, the retraction of one) on the {@code ratings} topic; or, with
 * {@code dismissed} set, a user's "not interested" in a movie or a whole {@code genre} ({@code false} undoes it).
 * Keyed by user id so a user's events stay ordered; the latest event of a (user, movie) pair wins. Dismissals share
 * the topic so that one consistency token orders and covers everything a user does. With {@code erase=true} (and no
 * movie) it is the user's erasure: everything of theirs before it is removed (the stream job's {@code ErasureIT}).
 * {@code erasureOffset} is only on the stream job's internal {@code ratings.erasures} topic: the retraction of one
 * pair on behalf of the erasure at that {@code ratings} offset, which removes only what came before it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RatingEvent(
        Long userId,
        Long movieId,
        Double rating,
        Long timestamp,
        String source,
        Boolean deleted,
        Boolean dismissed,
        String genre,
        Boolean erase,
        Long erasureOffset) {
    /** A user's history order everywhere (split, training, fold-in): oldest first, ties by movie id. */
    public static final Comparator<RatingEvent> OLDEST_FIRST =
            Comparator.comparingLong(RatingEvent::timestamp).thenComparingLong(RatingEvent::movieId);

    public static RatingEvent of(long userId, long movieId, double rating, long timestampMs, String source) {
        return new RatingEvent(userId, movieId, rating, timestampMs, source, null, null, null, null, null);
    }

    public static RatingEvent retraction(long userId, long movieId, long timestampMs, String source) {
        return new RatingEvent(userId, movieId, null, timestampMs, source, true, null, null, null, null);
    }

    /** "Not interested" in a movie ({@code dismissed} true) or no longer ({@code false}). */
    public static RatingEvent movieDismissal(
            long userId, long movieId, boolean dismissed, long timestampMs, String source) {
        return new RatingEvent(userId, movieId, null, timestampMs, source, null, dismissed, null, null, null);
    }

    /** "Not interested" in a genre ({@code dismissed} true) or no longer ({@code false}). */
    public static RatingEvent genreDismissal(
            long userId, String genre, boolean dismissed, long timestampMs, String source) {
        return new RatingEvent(userId, null, null, timestampMs, source, null, dismissed, genre, null, null);
    }

    /** The erasure of everything the user did before it (ratings, dismissals, profile, their share of statistics). */
    public static RatingEvent erasure(long userId, long timestampMs, String source) {
        return new RatingEvent(userId, null, null, timestampMs, source, null, null, null, true, null);
    }

    /**
     * The stream job's retraction of one pair on behalf of the erasure at {@code ratings} offset {@code erasureOffset}
     * (of the user's partition): it removes the pair's value only if that came from an earlier event.
     */
    public static RatingEvent erasureRetraction(long userId, long movieId, long erasureOffset, long timestampMs) {
        return new RatingEvent(userId, movieId, null, timestampMs, "erasure", true, null, null, null, erasureOffset);
    }

    /** True for a dismissal (or its undoing) rather than a rating. */
    @JsonIgnore
    public boolean isDismissal() {
        return dismissed != null;
    }

    /** True for a user's erasure request. */
    @JsonIgnore
    public boolean isErasure() {
        return Boolean.TRUE.equals(erase);
    }

    /** True for a retraction ({@code "deleted": true}); absent means a rating. */
    @JsonIgnore
    public boolean isRetraction() {
        return Boolean.TRUE.equals(deleted);
    }

    public String key() {
        return String.valueOf(userId);
    }

    /** Stable event id: replaying the same event yields the same id. */
    public String eventId() {
        if (isErasure()) return userId + ":erase:" + timestamp;
        return userId + ":" + (genre != null ? genre : movieId) + ":" + timestamp;
    }

    /** Elasticsearch document id of the rating: one document per (user, movie). */
    public String pairId() {
        return userId + ":" + movieId;
    }
}
