package movierec.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A (user, movie) pair's new current value, with the movie's genres: what {@link RatingsByMovie} emits, the
 * {@code ratings} document it becomes, and the message on the internal {@code ratings.pairs} topic that
 * {@link RatingsByUser} reads (key {@code userId:movieId}, so compaction keeps each pair's latest value).
 */
public final class PairChange implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private long userId;
    private long movieId;
    private Double rating;
    private long timestamp;
    private int partition;
    private long offset;
    private long producedAt;
    private String source;
    private List<String> genres;
    private Boolean dismissed;
    private String dismissedGenre;
    private Boolean erase;

    public PairChange() {}

    static PairChange of(RatingsByMovie.Event e, List<String> genres) {
        PairChange p = new PairChange();
        p.userId = e.getUserId();
        p.movieId = e.getMovieId();
        p.rating = e.getRating();
        p.timestamp = e.getTimestamp();
        p.partition = e.getPartition();
        p.offset = e.getOffset();
        p.producedAt = e.getProducedAt();
        p.source = e.getSource();
        p.genres = genres;
        p.dismissed = e.getDismissed();
        p.dismissedGenre = e.getDismissedGenre();
        p.erase = e.getErase();
        return p;
    }

    /** The rating document's id and the message key; a dismissal's key is its own, so compaction keeps both. */
    public String id() {
        if (erase != null) return userId + ":erase";
        if (dismissed == null) return userId + ":" + movieId;
        return userId + ":not:" + dismissalKey();
    }

    /** What a dismissal is of: {@code m<movieId>} or {@code g<genre>}. */
    public String dismissalKey() {
        return dismissedGenre != null ? "g" + dismissedGenre : "m" + movieId;
    }

    public PairVersion version() {
        return new PairVersion(rating, timestamp, offset);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PairChange fromJson(byte[] json) {
        try {
            return JSON.readValue(json, PairChange.class);
        } catch (IOException e) {
            // only this job writes the topic: an unreadable record is a bug, not bad input
            throw new UncheckedIOException("unreadable pair change: " + e.getMessage(), e);
        }
    }

    public long getUserId() {
        return userId;
    }

    public void setUserId(long v) {
        userId = v;
    }

    public long getMovieId() {
        return movieId;
    }

    public void setMovieId(long v) {
        movieId = v;
    }
    /** Null once retracted. */
    public Double getRating() {
        return rating;
    }

    public void setRating(Double v) {
        rating = v;
    }

    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long v) {
        timestamp = v;
    }

    /** The rating event's partition of the {@code ratings} topic (a user's events share one: they are keyed by user). */
    public int getPartition() {
        return partition;
    }

    public void setPartition(int v) {
        partition = v;
    }

    /** The rating event's offset in its partition. */
    public long getOffset() {
        return offset;
    }

    public void setOffset(long v) {
        offset = v;
    }

    /** When Kafka received the rating event (epoch ms). */
    public long getProducedAt() {
        return producedAt;
    }

    public void setProducedAt(long v) {
        producedAt = v;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String v) {
        source = v;
    }

    /** Set for a dismissal: true "not interested", false undone; null for a rating. */
    public Boolean getDismissed() {
        return dismissed;
    }

    public void setDismissed(Boolean v) {
        dismissed = v;
    }

    public String getDismissedGenre() {
        return dismissedGenre;
    }

    public void setDismissedGenre(String v) {
        dismissedGenre = v;
    }

    /** True for a user's erasure request (its offset is the erasure's: everything of the user before it goes). */
    public Boolean getErase() {
        return erase;
    }

    public void setErase(Boolean v) {
        erase = v;
    }

    public List<String> getGenres() {
        return genres == null ? List.of() : genres;
    }

    public void setGenres(List<String> v) {
        genres = v;
    }
}
