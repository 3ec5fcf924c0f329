package movierec.spark;

import java.io.Serializable;

/**
 * A (user, movie) pair's current value in the stream job's state: the rating, or null once retracted, with the
 * event's timestamp and Kafka offset. The latest event wins by timestamp, then offset (a user's events share a
 * partition, so offset order is production order); anything older, or the same event again, changes nothing.
 */
public final class PairVersion implements Serializable {
    private Double rating;
    private long timestamp;
    private long offset;

    public PairVersion() {}

    public PairVersion(Double rating, long timestamp, long offset) {
        this.rating = rating;
        this.timestamp = timestamp;
        this.offset = offset;
    }

    /** True when this event should replace {@code prev} (null: the pair has no value yet). */
    public boolean isNewerThan(PairVersion prev) {
        if (prev == null) return true;
        if (timestamp != prev.timestamp) return timestamp > prev.timestamp;
        if (java.util.Objects.equals(rating, prev.rating)) return false; // the same event produced twice
        return offset > prev.offset;
    }

    public boolean active() {
        return rating != null;
    }

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

    public long getOffset() {
        return offset;
    }

    public void setOffset(long v) {
        offset = v;
    }
}
