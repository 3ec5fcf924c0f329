package movierec.common;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Counts of latencies in fixed buckets, so that histograms measured apart (each executor's, each batch's) add up
 * exactly and a percentile needs no raw samples. The stream job fills it (event -> applied to the user); the API
 * serves it in {@code /api/metrics}.
 */
public final class LatencyHistogram implements Serializable {
    /** Inclusive upper bounds of the buckets in ms; one more bucket holds everything above the last. */
    public static final long[] BOUNDS_MS = {
        25, 50, 100, 200, 300, 400, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 30_000, 60_000
    };

    private final long[] counts;

    public LatencyHistogram() {
        counts = new long[BOUNDS_MS.length + 1];
    }

    /** A histogram from stored counts; counts of another length (older bounds) are refused. */
    public static LatencyHistogram of(long[] counts) {
        if (counts.length != BOUNDS_MS.length + 1)
            throw new IllegalArgumentException(
                    "expected " + (BOUNDS_MS.length + 1) + " bucket counts, got " + counts.length);
        LatencyHistogram h = new LatencyHistogram();
        System.arraycopy(counts, 0, h.counts, 0, counts.length);
        return h;
    }

    public void add(long ms) {
        int i = Arrays.binarySearch(BOUNDS_MS, Math.max(0, ms));
        counts[i >= 0 ? i : -i - 1]++;
    }

    public void merge(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
    }

    public long count() {
        return Arrays.stream(counts).sum();
    }

    public long[] counts() {
        return counts.clone();
    }

    /**
     * The upper bound of the bucket holding the {@code q} quantile (so "at most this many ms"); null when empty, and
     * -1 when it lies above the last bound.
     */
    public Long quantileUpperBoundMs(double q) {
        long n = count();
        if (n == 0) return null;
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) return i < BOUNDS_MS.length ? BOUNDS_MS[i] : -1L;
        }
        return -1L;
    }
}
