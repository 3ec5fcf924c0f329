package movierec.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Synthetic ratings for {@code bench --scale}, shaped like real rating data: Zipf (s = 1) movie popularity over the
 * catalogue, power-law user activity (a few users rate thousands, most a few), timestamps in order with Poisson
 * arrivals, rating values distributed as in the bundled MovieLens data, and about 0.1 % deliberately invalid events.
 * The same seed gives the same events (SplittableRandom is specified, not platform-dependent).
 */
final class ScaleGenerator {
    /** Shares of 0.5, 1.0, ..., 5.0 among the bundled MovieLens ratings (90,282), so synthetic ratings look the same. */
    static final double[] RATING_SHARES = {
        0.0108, 0.0328, 0.0167, 0.0719, 0.0426, 0.2014, 0.1036, 0.2890, 0.0770, 0.1541
    };

    private static final double[] RATING_CDF = cumulative(RATING_SHARES);
    static final double INVALID_SHARE = 0.001;
    static final int INVALID_KINDS = 7;
    /** A movie id no catalogue has: a well-formed rating the job must still dead-letter (unknown movie). */
    static final long UNKNOWN_MOVIE = 999_999_999L;

    static final long START_MS = 1_577_836_800_000L; // 2020-01-01T00:00:00Z
    /** One rating every 10 s on average: 1M ratings span ~4 months, 5M ~1.6 years, like a busy site's history. */
    static final double MEAN_GAP_MS = 10_000;

    /** One event; {@code invalidKind} >= 0 marks a deliberately invalid one (see {@link #invalidValue}). */
    record Event(long userId, long movieId, double rating, long timestamp, int invalidKind) {
        boolean valid() {
            return invalidKind < 0;
        }
    }

    private final SplittableRandom rnd;
    private final long[] movieByRank; // popularity rank -> movie id
    private final long[] userByRank; // activity rank -> user id
    private final double[] movieCdf;
    private final double[] userCdf;
    private final PairSet rated = new PairSet();
    private final int[] userCounts;
    private final int[] movieCounts;
    private long valid;
    private long time = START_MS;

    ScaleGenerator(long[] movieIds, int users, long seed) {
        if (movieIds.length == 0 || users <= 0) throw new IllegalArgumentException("need movies and users");
        rnd = new SplittableRandom(seed);
        // Random ranks, so the popular movies (and busy users) are spread over the ids instead of being the lowest ids.
        movieByRank = shuffled(movieIds, rnd);
        long[] userIds = new long[users];
        for (int i = 0; i < users; i++) userIds[i] = i + 1;
        userByRank = shuffled(userIds, rnd);
        movieCdf = zipfCdf(movieIds.length, 1.0, 0);
        // Zipf-Mandelbrot: plain Zipf would give the busiest user 8 % of all ratings (80k of 1M, far more than the
        // catalogue); the offset users/1000 flattens the head to ~0.14 % (1,400 of 1M) and keeps the power-law tail.
        userCdf = zipfCdf(users, 1.0, users / 1000.0);
        userCounts = new int[users];
        movieCounts = new int[movieIds.length];
    }

    Event next() {
        time += gapMs(rnd.nextDouble());
        int u = sample(userCdf, rnd.nextDouble());
        int m = sample(movieCdf, rnd.nextDouble());
        // A person rates a movie once: redraw when this user already rated it (busy users exhaust the popular head);
        // after 10 draws accept a re-rating, which real data has too (the latest wins).
        for (int tries = 1; tries < 10 && rated.contains(pair(u, m)); tries++) m = sample(movieCdf, rnd.nextDouble());
        double rating = rating(rnd.nextDouble());
        int invalid = rnd.nextDouble() < INVALID_SHARE ? rnd.nextInt(INVALID_KINDS) : -1;
        if (invalid < 0) {
            rated.add(pair(u, m));
            userCounts[u]++;
            movieCounts[m]++;
            valid++;
        }
        return new Event(userByRank[u], movieByRank[m], rating, time, invalid);
    }

    /** The {@code k} most popular movie ids, most popular first. */
    long[] popularMovies(int k) {
        return Arrays.copyOf(movieByRank, Math.min(k, movieByRank.length));
    }

    /** One line on the valid events so far: how many users rated, how skewed users and movies are. */
    String describe() {
        int[] users = userCounts.clone();
        Arrays.sort(users);
        int active = (int) Arrays.stream(users).filter(n -> n > 0).count();
        int median = active == 0 ? 0 : users[users.length - active + (active - 1) / 2];
        return String.format(
                "%,d of %,d users rated (the most active %,d times, the median active user %,d); the most popular "
                        + "movie has %.1f %% of the ratings",
                active,
                users.length,
                users[users.length - 1],
                median,
                valid == 0 ? 0 : 100.0 * Arrays.stream(movieCounts).max().orElse(0) / valid);
    }

    private long pair(int userRank, int movieRank) {
        return (long) userRank * movieByRank.length + movieRank;
    }

    // ---- pure sampling maths ----

    /** Cumulative probabilities of ranks 1..n with weight (rank + q)^-s: Zipf for q = 0, flatter head for q > 0. */
    static double[] zipfCdf(int n, double s, double q) {
        double[] w = new double[n];
        for (int r = 0; r < n; r++) w[r] = Math.pow(r + 1 + q, -s);
        return cumulative(w);
    }

    static double[] cumulative(double[] weights) {
        double[] cdf = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) cdf[i] = sum += weights[i];
        for (int i = 0; i < cdf.length; i++) cdf[i] /= sum;
        cdf[cdf.length - 1] = 1.0; // no rounding gap at the top
        return cdf;
    }

    /** Inverse-CDF sampling: the first index whose cumulative probability reaches {@code u} (u uniform in [0, 1)). */
    static int sample(double[] cdf, double u) {
        int i = Arrays.binarySearch(cdf, u);
        return i >= 0 ? i : -i - 1;
    }

    /** 0.5 .. 5.0 on half steps, distributed as {@link #RATING_SHARES}. */
    static double rating(double u) {
        return 0.5 * (1 + sample(RATING_CDF, u));
    }

    /** Exponential gap (Poisson arrivals) with mean {@link #MEAN_GAP_MS}, whole milliseconds, so never negative. */
    static long gapMs(double u) {
        return (long) (-Math.log(1 - u) * MEAN_GAP_MS);
    }

    /** Fisher-Yates shuffle into a new array. */
    static long[] shuffled(long[] ids, SplittableRandom rnd) {
        long[] out = ids.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /** The Kafka value of an invalid event: the kinds of bad input the stream job must dead-letter and survive. */
    static byte[] invalidValue(Event e) {
        String head = "{\"userId\":" + e.userId();
        String tail = ",\"timestamp\":" + e.timestamp() + ",\"source\":\"scale\"}";
        String json = switch (e.invalidKind()) {
            case 0 ->
                head + ",\"movieId\":" + e.movieId() + ",\"rating\":4.0,\"timest"; // malformed: cut off mid-record
            case 1 -> head + ",\"movieId\":" + e.movieId() + ",\"rating\":7.5" + tail; // out of range
            case 2 -> head + ",\"rating\":3.0" + tail; // missing movieId
            case 3 -> head + ",\"movieId\":" + e.movieId() + ",\"rating\":3.7" + tail; // off the half step
            case 4 -> head + ",\"movieId\":" + e.movieId() + ",\"rating\":\"four\"" + tail; // wrong type
            case 5 -> head + ",\"movieId\":" + UNKNOWN_MOVIE + ",\"rating\":4.0" + tail; // unknown movie
            default -> null;
        };
        if (json != null) return json.getBytes(StandardCharsets.UTF_8);
        return new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}; // not UTF-8
    }

    /** Pairs already rated (keys >= 0, stored + 1 so 0 marks a free slot): open addressing, grows at 70 % full. */
    private static final class PairSet {
        private long[] slots = new long[1 << 16];
        private int size;

        boolean contains(long key) {
            return slots[slot(slots, key + 1)] == key + 1;
        }

        void add(long key) {
            int i = slot(slots, key + 1);
            if (slots[i] != 0) return;
            slots[i] = key + 1;
            if (++size > slots.length * 0.7) {
                long[] old = slots;
                slots = new long[old.length * 2];
                for (long k : old) if (k != 0) slots[slot(slots, k)] = k;
            }
        }

        /** The slot holding {@code k} or the free slot where it belongs (SplitMix64 finaliser as the hash). */
        private static int slot(long[] slots, long k) {
            long h = k;
            h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
            h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
            h ^= h >>> 31;
            int mask = slots.length - 1;
            int i = (int) h & mask;
            while (slots[i] != 0 && slots[i] != k) i = (i + 1) & mask;
            return i;
        }
    }
}
