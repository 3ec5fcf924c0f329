package movierec.api;

import java.util.function.Supplier;

/**
 * A value read from Elasticsearch at most once per given age, however many requests ask: one caller re-reads it while
 * the others wait for that read, instead of each sending its own. The value and when it was read change together.
 */
final class Polled<T> {
    private record Read<T>(T value, long atNanos) {}

    private final Supplier<T> load;
    private volatile Read<T> last;

    Polled(Supplier<T> load) {
        this.load = load;
    }

    /** The value as read at most {@code maxAgeMs} ago (null when the read found none). */
    T get(long maxAgeMs) {
        Read<T> r = last;
        if (fresh(r, maxAgeMs)) return r.value();
        synchronized (this) {
            r = last;
            if (fresh(r, maxAgeMs)) return r.value();
            T value = load.get();
            last = new Read<>(value, System.nanoTime());
            return value;
        }
    }

    private static boolean fresh(Read<?> r, long maxAgeMs) {
        return r != null && System.nanoTime() - r.atNanos() < maxAgeMs * 1_000_000;
    }
}
