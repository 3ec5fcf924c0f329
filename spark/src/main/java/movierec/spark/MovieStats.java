package movierec.spark;

import java.io.Serializable;

/**
 * A movie's rating statistics, kept in step with its pairs: replacing a pair's value takes the old one out and puts
 * the new one in, so the figures always equal those of the current pairs and are written as whole values.
 */
public final class MovieStats implements Serializable {
    private long count;
    private double sum;
    private long lastRatedAt;

    public MovieStats() {}

    public MovieStats(long count, double sum, long lastRatedAt) {
        this.count = count;
        this.sum = sum;
        this.lastRatedAt = lastRatedAt;
    }

    /**
     * {@code prev} (may be null or retracted) is replaced by {@code next} (may be retracted). True when that took out
     * the rating {@code lastRatedAt} came from: then only the remaining pairs know the new value (the caller's job).
     */
    public boolean replace(PairVersion prev, PairVersion next) {
        boolean latestOut = false;
        if (prev != null && prev.active()) {
            count--;
            sum -= prev.getRating();
            latestOut = prev.getTimestamp() >= lastRatedAt && !(next.active() && next.getTimestamp() >= lastRatedAt);
        }
        if (next.active()) {
            count++;
            sum += next.getRating();
            lastRatedAt = Math.max(lastRatedAt, next.getTimestamp());
        }
        if (count <= 0) {
            count = 0;
            sum = 0;
        }
        return latestOut;
    }

    /** Sums of half steps are exact in binary floating point, so the average is exact up to the division. */
    public Double average() {
        return count == 0 ? null : sum / count;
    }

    public long getCount() {
        return count;
    }

    public void setCount(long v) {
        count = v;
    }

    public double getSum() {
        return sum;
    }

    public void setSum(double v) {
        sum = v;
    }
    /** 0 while never rated. */
    public long getLastRatedAt() {
        return lastRatedAt;
    }

    public void setLastRatedAt(long v) {
        lastRatedAt = v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MovieStats s && s.count == count && s.sum == sum && s.lastRatedAt == lastRatedAt;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(count, sum, lastRatedAt);
    }

    @Override
    public String toString() {
        return "MovieStats[count=" + count + ", sum=" + sum + ", lastRatedAt=" + lastRatedAt + "]";
    }
}
