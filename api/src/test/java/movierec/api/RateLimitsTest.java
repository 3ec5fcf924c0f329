package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.TimeMeter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import movierec.common.MovierecConfig;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    /** A clock the test moves. */
    static final class Clock implements TimeMeter {
        long nanos;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    static MovierecConfig config(Map<String, String> env) {
        return MovierecConfig.load(Path.of("/nonexistent"), env, new Properties());
    }

    @Test
    void limitsComeFromConfigurationWithDefaultsThatLeaveTheBundledToolsAlone() {
        RateLimits.Limit key = RateLimits.Limit.of(config(Map.of()), "key");
        RateLimits.Limit address = RateLimits.Limit.of(config(Map.of()), "address");
        assertThat(key).isEqualTo(new RateLimits.Limit(5000, 10000));
        assertThat(address).isEqualTo(new RateLimits.Limit(5000, 10000));
        MovierecConfig c = config(Map.of("MOVIEREC_API_RATE_KEY_PER_SECOND", "7", "MOVIEREC_API_RATE_KEY_BURST", "9"));
        assertThat(RateLimits.Limit.of(c, "key")).isEqualTo(new RateLimits.Limit(7, 9));
    }

    @Test
    void aLimitBelowOneOrNotANumberIsRefusedWithTheSettingToFix() {
        assertThatThrownBy(() -> RateLimits.Limit.of(config(Map.of("MOVIEREC_API_RATE_ADDRESS_BURST", "0")), "address"))
                .hasMessage(
                        "api.rate.address.burst must be at least 1, got 0 (set it in movierec.properties or MOVIEREC_API_RATE_ADDRESS_BURST)");
        assertThatThrownBy(() -> RateLimits.Limit.of(config(Map.of("MOVIEREC_API_RATE_KEY_PER_SECOND", "fast")), "key"))
                .hasMessageContaining("api.rate.key.per.second must be an integer, got 'fast'");
    }

    @Test
    void aBurstPassesThenRequestsWaitForTheRefill() {
        Clock clock = new Clock();
        RateLimits limits = new RateLimits(new RateLimits.Limit(2, 5), new RateLimits.Limit(1, 3), clock);
        for (int i = 0; i < 5; i++)
            assertThat(limits.takeForKey("k1"))
                    .as("request %d of the burst", i + 1)
                    .isZero();
        assertThat(limits.takeForKey("k1")).isEqualTo(1); // 2 a second: the next token in 0.5 s, rounded up
        assertThat(limits.takeForKey("k2")).as("another key has its own bucket").isZero();
        clock.nanos += 500_000_000L;
        assertThat(limits.takeForKey("k1")).isZero();
        assertThat(limits.takeForKey("k1")).isEqualTo(1);

        for (int i = 0; i < 3; i++)
            assertThat(limits.takeForAddress("10.0.0.1")).isZero();
        assertThat(limits.takeForAddress("10.0.0.1")).isEqualTo(1);
        assertThat(limits.takeForAddress("10.0.0.2")).isZero();
        assertThat(limits.takeForKey("10.0.0.1"))
                .as("a key and an address never share a bucket")
                .isZero();
    }

    @Test
    void retryAfterIsTheWholeSecondsUntilTheNextToken() {
        Clock clock = new Clock();
        RateLimits limits = new RateLimits(new RateLimits.Limit(1, 1), new RateLimits.Limit(1, 1), clock);
        assertThat(limits.takeForKey("k")).isZero();
        assertThat(limits.takeForKey("k")).isEqualTo(1);
        clock.nanos += 300_000_000L;
        assertThat(limits.takeForKey("k")).isEqualTo(1); // 0.7 s left: still 1
        RateLimits slow = new RateLimits(new RateLimits.Limit(1, 10), new RateLimits.Limit(1, 10), clock);
        for (int i = 0; i < 10; i++) slow.takeForAddress("a");
        clock.nanos += 100_000_000L;
        assertThat(slow.takeForAddress("a")).isEqualTo(1); // 0.9 s to the next token
    }

    @Test
    void fullBucketsAreDroppedOnceThereAreMany() throws Exception {
        Clock clock = new Clock();
        RateLimits limits = new RateLimits(new RateLimits.Limit(10, 10), new RateLimits.Limit(10, 10), clock);
        for (int i = 0; i <= 10_000; i++) limits.takeForAddress("client-" + i);
        assertThat(limits.size()).isEqualTo(10_001);
        limits.takeForAddress("client-0"); // not full (one token spent each): nothing to drop
        assertThat(limits.size()).isEqualTo(10_001);
        clock.nanos += 1_000_000_000L; // every bucket refills
        Thread.sleep(1_100); // sweeps run at most once a second
        limits.takeForAddress("client-new");
        assertThat(limits.size()).isEqualTo(1);
    }
}
