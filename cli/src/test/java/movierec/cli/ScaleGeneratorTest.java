package movierec.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import movierec.common.Events;
import movierec.common.RatingEvent;
import org.junit.jupiter.api.Test;

class ScaleGeneratorTest {
    /** A catalogue shaped like the bundled one: 9,066 ids with gaps. */
    static final long[] MOVIES = LongStream.range(0, 9066).map(i -> 3 * i + 1).toArray();

    static final Set<Long> CATALOGUE =
            new HashSet<>(LongStream.of(MOVIES).boxed().toList());

    @Test
    void zipfCdfIsExactForSmallN() {
        double[] cdf = ScaleGenerator.zipfCdf(3, 1.0, 0); // weights 1, 1/2, 1/3 -> total 11/6
        assertThat(cdf[0]).isCloseTo(6.0 / 11, within(1e-12));
        assertThat(cdf[1]).isCloseTo(9.0 / 11, within(1e-12));
        assertThat(cdf[2]).isEqualTo(1.0);
        assertThat(ScaleGenerator.sample(cdf, 0.0)).isZero();
        assertThat(ScaleGenerator.sample(cdf, 6.0 / 11)).isZero(); // reaches the first rank's mass exactly
        assertThat(ScaleGenerator.sample(cdf, 6.0 / 11 + 1e-9)).isEqualTo(1);
        assertThat(ScaleGenerator.sample(cdf, 0.999999)).isEqualTo(2);
    }

    @Test
    void ratingsAreHalfStepsDistributedLikeMovieLens() {
        assertThat(ScaleGenerator.rating(0.0)).isEqualTo(0.5);
        assertThat(ScaleGenerator.rating(0.9999)).isEqualTo(5.0);
        SplittableRandom rnd = new SplittableRandom(1);
        Map<Double, Integer> counts = new HashMap<>();
        int n = 200_000;
        for (int i = 0; i < n; i++) counts.merge(ScaleGenerator.rating(rnd.nextDouble()), 1, Integer::sum);
        assertThat(counts).hasSize(10);
        for (int k = 0; k < 10; k++) {
            assertThat(counts.get(0.5 * (k + 1)) / (double) n)
                    .isCloseTo(ScaleGenerator.RATING_SHARES[k], within(0.004));
        }
    }

    @Test
    void popularMoviesGetFarMoreRatingsThanTheMedianAndAreNotTheLowestIds() {
        ScaleGenerator gen = new ScaleGenerator(MOVIES, 100_000, 42);
        Map<Long, Integer> perMovie = new HashMap<>();
        for (int i = 0; i < 300_000; i++) {
            ScaleGenerator.Event e = gen.next();
            if (e.valid()) perMovie.merge(e.movieId(), 1, Integer::sum);
        }
        int[] counts = LongStream.of(MOVIES)
                .mapToInt(m -> perMovie.getOrDefault(m, 0))
                .sorted()
                .toArray();
        int top = counts[counts.length - 1];
        int median = counts[counts.length / 2];
        assertThat(top).isGreaterThan(100 * Math.max(1, median));
        long[] popular = gen.popularMovies(10);
        assertThat(perMovie.get(popular[0])).isEqualTo(top);
        assertThat(popular).isNotEqualTo(Arrays.copyOf(MOVIES, 10)); // ranks are shuffled over the ids
    }

    @Test
    void everyEventIsValidExceptAboutOnePerThousand() {
        ScaleGenerator gen = new ScaleGenerator(MOVIES, 100_000, 42);
        int n = 100_000;
        int invalid = 0;
        Set<Integer> kinds = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ScaleGenerator.Event e = gen.next();
            byte[] value = e.valid()
                    ? Events.toJson(RatingEvent.of(e.userId(), e.movieId(), e.rating(), e.timestamp(), "scale"))
                    : ScaleGenerator.invalidValue(e);
            Events.Parsed<RatingEvent> parsed = Events.parseRating(value);
            boolean accepted = parsed.ok() && CATALOGUE.contains(parsed.value().movieId());
            if (accepted != e.valid())
                fail("event " + i + " " + e + ": accepted " + accepted + ", error " + parsed.error());
            if (!e.valid()) {
                invalid++;
                kinds.add(e.invalidKind());
            }
        }
        assertThat(invalid / (double) n).isBetween(0.0007, 0.0013); // 100 expected, sd 10
        assertThat(kinds).hasSize(ScaleGenerator.INVALID_KINDS);
    }

    @Test
    void timestampsNeverGoBackAndArriveTenSecondsApartOnAverage() {
        ScaleGenerator gen = new ScaleGenerator(MOVIES, 100_000, 42);
        long previous = ScaleGenerator.START_MS;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            long t = gen.next().timestamp();
            assertThat(t).isGreaterThanOrEqualTo(previous);
            previous = t;
        }
        double meanGap = (previous - ScaleGenerator.START_MS) / (double) n;
        assertThat(meanGap).isCloseTo(ScaleGenerator.MEAN_GAP_MS, within(0.02 * ScaleGenerator.MEAN_GAP_MS));
    }

    @Test
    void aFewUsersRateThousandsMostRateAFew() {
        int users = 100_000;
        ScaleGenerator gen = new ScaleGenerator(MOVIES, users, 42);
        int[] perUser = new int[users + 1];
        long[] pairs = new long[1_000_000];
        int valid = 0;
        for (int i = 0; i < 1_000_000; i++) {
            ScaleGenerator.Event e = gen.next();
            if (e.userId() < 1 || e.userId() > users) fail("user id out of range: " + e);
            if (!e.valid()) continue;
            perUser[(int) e.userId()]++;
            pairs[valid++] = e.userId() * 1_000_000L + e.movieId();
        }
        int[] active = Arrays.stream(perUser).filter(c -> c > 0).sorted().toArray();
        assertThat(active.length).isBetween(85_000, users); // 1M ratings reach most of the 100k users
        assertThat(active[active.length - 1]).isBetween(1_000, 3_000); // the busiest user rates over a thousand movies
        assertThat(Arrays.stream(active).filter(c -> c >= 1_000).count()).isBetween(5L, 200L); // ... and only a few do
        assertThat(active[active.length / 2]).isLessThanOrEqualTo(5); // the median user a few
        long[] sorted = Arrays.stream(pairs, 0, valid).sorted().toArray();
        long distinct = Arrays.stream(sorted).distinct().count();
        assertThat(distinct / (double) valid).isGreaterThan(0.99); // a user rates a movie once (re-ratings are rare)
    }

    @Test
    void theSameSeedGivesTheSameEvents() {
        List<ScaleGenerator.Event> a = take(new ScaleGenerator(MOVIES, 100_000, 42), 20_000);
        List<ScaleGenerator.Event> b = take(new ScaleGenerator(MOVIES, 100_000, 42), 20_000);
        List<ScaleGenerator.Event> c = take(new ScaleGenerator(MOVIES, 100_000, 43), 20_000);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(new ScaleGenerator(MOVIES, 100_000, 42).popularMovies(10))
                .containsExactly(new ScaleGenerator(MOVIES, 100_000, 42).popularMovies(10));
    }

    @Test
    void theLoadIsProcessedOnceEveryPartitionReachedItsEndOffset() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<Integer, Long> end = Map.of(0, 100L, 1, 50L);
        var behind = json.readTree("{\"queries\":{\"ratings\":{\"offsets\":{\"s_ratings\":{\"0\":100,\"1\":49}}}}}");
        var done = json.readTree("{\"queries\":{\"ratings\":{\"offsets\":{\"s_ratings\":{\"0\":101,\"1\":50}}}}}");
        var doneWithoutTopic = json.readTree("{\"queries\":{\"ratings\":{\"offsets\":{\"0\":100,\"1\":50}}}}");
        assertThat(ScaleBench.processed(behind, "s_ratings", end)).isFalse();
        assertThat(ScaleBench.processed(done, "s_ratings", end)).isTrue();
        assertThat(ScaleBench.processed(doneWithoutTopic, "s_ratings", end)).isTrue();
        assertThat(ScaleBench.processed(null, "s_ratings", end)).isFalse();
    }

    @Test
    void namespaceLabelsAreShort() {
        assertThat(ScaleBench.label(1_000_000)).isEqualTo("1m");
        assertThat(ScaleBench.label(5_000_000)).isEqualTo("5m");
        assertThat(ScaleBench.label(250_000)).isEqualTo("250k");
        assertThat(ScaleBench.label(1234)).isEqualTo("1234");
    }

    private static List<ScaleGenerator.Event> take(ScaleGenerator gen, int n) {
        return java.util.stream.Stream.generate(gen::next).limit(n).toList();
    }
}
