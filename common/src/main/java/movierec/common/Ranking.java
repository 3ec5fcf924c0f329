package movierec.common;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Top-N ranking metrics at K with binary relevance, as {@code evaluate} prints them. */
public final class Ranking {
    private Ranking() {}

    /** Metrics of one user's list. */
    public record Metrics(double precision, double recall, double ndcg, double hit) {}

    public static Metrics of(List<Long> ranked, Set<Long> relevant, int k) {
        int hits = 0;
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i))) {
                hits++;
                dcg += 1.0 / (Math.log(i + 2) / Math.log(2));
            }
        }
        double idcg = 0;
        for (int i = 0; i < Math.min(k, relevant.size()); i++) idcg += 1.0 / (Math.log(i + 2) / Math.log(2));
        return new Metrics(
                (double) hits / k,
                relevant.isEmpty() ? 0 : (double) hits / relevant.size(),
                idcg == 0 ? 0 : dcg / idcg,
                hits > 0 ? 1 : 0);
    }

    public static Metrics mean(Collection<Metrics> all) {
        double p = 0, r = 0, n = 0, h = 0;
        for (Metrics m : all) {
            p += m.precision();
            r += m.recall();
            n += m.ndcg();
            h += m.hit();
        }
        int c = Math.max(1, all.size());
        return new Metrics(p / c, r / c, n / c, h / c);
    }
}
