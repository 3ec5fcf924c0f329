package movierec.api;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import movierec.common.MovierecConfig;

/**
 * Token buckets (Bucket4j), one per API key and one per client address for requests without a key. Buckets live in
 * this API process: with several API processes behind a balancer, a client gets up to that many times the limit.
 */
final class RateLimits {
    /** A bucket's shape: refilled at {@code perSecond} tokens a second, holding at most {@code burst}. */
    record Limit(long perSecond, long burst) {
        static Limit of(MovierecConfig config, String who) {
            return new Limit(
                    positive(config, "api.rate." + who + ".per.second"),
                    positive(config, "api.rate." + who + ".burst"));
        }

        private static long positive(MovierecConfig config, String key) {
            int v = config.getInt(key);
            if (v < 1)
                throw new IllegalArgumentException(key + " must be at least 1, got " + v
                        + " (set it in movierec.properties or " + MovierecConfig.envName(key) + ")");
            return v;
        }
    }

    /** Beyond this many buckets, full ones are dropped (a full bucket is what a new one would be, so no decision changes). */
    private static final int SWEEP_ABOVE = 10_000;

    private final Limit perKey;
    private final Limit perAddress;
    private final TimeMeter clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepNanos = new AtomicLong(System.nanoTime() - 1_000_000_000L);

    RateLimits(MovierecConfig config) {
        this(Limit.of(config, "key"), Limit.of(config, "address"), TimeMeter.SYSTEM_NANOTIME);
    }

    RateLimits(Limit perKey, Limit perAddress, TimeMeter clock) {
        this.perKey = perKey;
        this.perAddress = perAddress;
        this.clock = clock;
    }

    Limit perKey() {
        return perKey;
    }

    Limit perAddress() {
        return perAddress;
    }

    /** Takes one token for this key id; 0 when allowed, else the whole seconds to wait before retrying. */
    long takeForKey(String keyId) {
        return take("key:" + keyId, perKey);
    }

    long takeForAddress(String address) {
        return take("address:" + address, perAddress);
    }

    private long take(String id, Limit limit) {
        if (buckets.size() > SWEEP_ABOVE) sweep();
        Bucket bucket = buckets.computeIfAbsent(
                id,
                x -> Bucket.builder()
                        .withCustomTimePrecision(clock)
                        .addLimit(l -> l.capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)))
                        .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return 0;
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    /** At most once a second, however many requests find the map large. */
    private void sweep() {
        long now = System.nanoTime();
        long last = lastSweepNanos.get();
        if (now - last < 1_000_000_000L || !lastSweepNanos.compareAndSet(last, now)) return;
        buckets.entrySet()
                .removeIf(e -> e.getValue().getAvailableTokens()
                        >= (e.getKey().startsWith("key:") ? perKey : perAddress).burst());
    }

    int size() {
        return buckets.size();
    }
}
