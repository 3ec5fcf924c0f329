package movierec.api;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A value read from Elasticsearch at most once per given age, however many requests ask. When it is due, one caller
 * re-reads it and the others go on with the value they had until the new one is in: measured under 16 connections,
 * queueing every request behind that read stalled them all for tens of milliseconds twice a second. Only the very first
 * read is waited for. The value and when it was read change together.
 */
final class Polled<T> {
    private record Read<T>(T value, long atNanos) {}

    private final Supplier<T> load;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile Read<T> last;

    Polled(Supplier<T> load) {
        this.load = load;
    }

    /**
     * The value as read at most {@code maxAgeMs} ago, or, while another caller re-reads it, the one before (null when
     * the read found none).
     */
    T get(long maxAgeMs) {
        Read<T> r = last;
        if (fresh(r, maxAgeMs)) return r.value();
        if (r == null) return first();
        if (!reading.compareAndSet(false, true)) return r.value();
        try {
            return read();
        } finally {
            reading.set(false);
        }
    }

    private synchronized T first() {
        Read<T> r = last;
        return r != null ? r.value() : read();
    }

    private T read() {
        T value = load.get();
        last = new Read<>(value, System.nanoTime());
        return value;
    }

    private static boolean fresh(Read<?> r, long maxAgeMs) {
        return r != null && System.nanoTime() - r.atNanos() < maxAgeMs * 1_000_000;
    }
}
