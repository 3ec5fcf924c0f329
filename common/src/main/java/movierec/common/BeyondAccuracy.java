package movierec.common;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What accuracy does not show, of the top-K lists served to every user, as {@code evaluate} prints them beside
 * {@link Ranking}: how much of the catalogue is served at all, how little known and how varied it is, and how evenly
 * the exposure is spread.
 */
public final class BeyondAccuracy {
    private BeyondAccuracy() {}

    /** Catalogue coverage: the distinct items of all lists over the catalogue's size. */
    public static double coverage(Collection<? extends Collection<Long>> lists, int catalogueSize) {
        Set<Long> distinct = new HashSet<>();
        lists.forEach(distinct::addAll);
        return catalogueSize == 0 ? 0 : (double) distinct.size() / catalogueSize;
    }

    /**
     * Novelty: the mean self-information −log2 p of the recommended items (every item of every list), p the item's
     * share of all training ratings, so a movie rated half as often counts one bit more. A movie without a training
     * rating counts as rated once, so that its self-information is the largest there is rather than infinite.
     */
    public static double novelty(Collection<? extends Collection<Long>> lists, Map<Long, Integer> ratingsPerItem) {
        double total =
                ratingsPerItem.values().stream().mapToLong(Integer::longValue).sum();
        double sum = 0;
        long n = 0;
        for (Collection<Long> list : lists) {
            for (long item : list) {
                sum -= Math.log(Math.max(1, ratingsPerItem.getOrDefault(item, 0)) / total) / Math.log(2);
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /**
     * Intra-list diversity of one list: the mean of 1 − cosine over all pairs of its items' vectors (null: an item
     * without a vector, left out). 0 = all alike, 1 = unrelated on average, up to 2 = opposite. NaN for fewer than two
     * vectors, where it is undefined ({@link #mean} leaves such lists out).
     */
    public static double intraListDiversity(List<float[]> vectors) {
        List<float[]> known = vectors.stream().filter(v -> v != null).toList();
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < known.size(); i++) {
            for (int j = i + 1; j < known.size(); j++) {
                sum += 1 - Vectors.cosine(known.get(i), known.get(j));
                pairs++;
            }
        }
        return pairs == 0 ? Double.NaN : sum / pairs;
    }

    /**
     * Gini index of exposure: how unequally often the catalogue's items were recommended, every item counted, those
     * never recommended as 0. 0 = every item equally often; 1 − 1/n = everything on one item.
     */
    public static double gini(Collection<? extends Collection<Long>> lists, int catalogueSize) {
        Map<Long, Integer> exposure = new HashMap<>();
        lists.forEach(list -> list.forEach(item -> exposure.merge(item, 1, Integer::sum)));
        int n = Math.max(catalogueSize, exposure.size());
        int[] counts = exposure.values().stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(counts);
        // G = Σ_i (2i − n − 1) x_i / (n Σ x) over the n counts in ascending order (i from 1); the zeros come first
        // and add nothing, so the recommended items are the last counts.length positions.
        int zeros = n - counts.length;
        double weighted = 0;
        double total = 0;
        for (int j = 0; j < counts.length; j++) {
            int i = zeros + j + 1;
            weighted += (2.0 * i - n - 1) * counts[j];
            total += counts[j];
        }
        return total == 0 ? 0 : weighted / (n * total);
    }

    /** The mean of the values that are defined (not NaN); NaN when none is. */
    public static double mean(Collection<Double> values) {
        return values.stream()
                .mapToDouble(Double::doubleValue)
                .filter(v -> !Double.isNaN(v))
                .average()
                .orElse(Double.NaN);
    }
}
