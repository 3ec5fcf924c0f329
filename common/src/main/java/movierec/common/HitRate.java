package movierec.common;

import java.util.Collection;

/**
 * A variant's hit rate (impressions with a hit / impressions) and its 95 % confidence interval, with users as the
 * unit of randomisation: a user's impressions are not independent of each other, so the variance is the ratio
 * estimator's over users (the delta method), not the binomial one over impressions. {@link #compare} gives the
 * difference of two variants with its two-sided p-value (a z-test on that variance).
 */
public record HitRate(long users, long impressions, long hits, double rate, double standardError) {
    /** One user's impressions and hits. */
    public record PerUser(long impressions, long hits) {}

    public static HitRate of(Collection<PerUser> perUser) {
        long n = 0, h = 0;
        for (PerUser u : perUser) {
            n += u.impressions();
            h += u.hits();
        }
        int users = perUser.size();
        if (n == 0) return new HitRate(users, 0, 0, 0, Double.NaN);
        double rate = (double) h / n;
        if (users < 2) return new HitRate(users, n, h, rate, Double.NaN);
        double sum = 0;
        for (PerUser u : perUser) {
            double residual = u.hits() - rate * u.impressions();
            sum += residual * residual;
        }
        double meanN = (double) n / users;
        double variance = sum / (users - 1) / (users * meanN * meanN);
        return new HitRate(users, n, h, rate, Math.sqrt(variance));
    }

    public double low95() {
        return rate - 1.96 * standardError;
    }

    public double high95() {
        return rate + 1.96 * standardError;
    }

    /** {@code other}'s rate minus this one's, and the two-sided p-value that they are equal. */
    public Difference compare(HitRate other) {
        double d = other.rate - rate;
        double se = Math.sqrt(standardError * standardError + other.standardError * other.standardError);
        double z = d / se;
        return new Difference(d, se, 2 * (1 - normalCdf(Math.abs(z))));
    }

    public record Difference(double difference, double standardError, double pValue) {}

    /** Φ(x), from the error function (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
    static double normalCdf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.sqrt(2));
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-x * x / 2);
        return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
