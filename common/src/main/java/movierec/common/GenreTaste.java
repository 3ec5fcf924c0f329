package movierec.common;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The content half of the model, for users with few ratings: a movie's genres as one-hot coordinates, a user's as
 * the share of their rated movies in each genre, times a weight that fades as ratings accumulate. Collaborative
 * signals from a handful of ratings are weak (five Disney films look like "1990s family blockbusters"); the genres
 * the user chose are not. Appended to both vectors, it stays one dot product served by kNN.
 */
public final class GenreTaste {
    private GenreTaste() {}

    /** The coordinates, one per TMDB genre, in a fixed order. */
    public static final List<String> GENRES = List.copyOf(new java.util.TreeSet<>(Genres.TMDB.values()));

    private static final Map<String, Integer> COORDINATE = new HashMap<>();

    static {
        for (int i = 0; i < GENRES.size(); i++) COORDINATE.put(GENRES.get(i), i);
    }
    /** Weight with no ratings ... */
    static final double WEIGHT = 6.0;
    /**
     * ... halving by this many ratings, then fading fast. Measured on the bundled validation split (users with 20+
     * ratings): NDCG@10 0.1412 without the genre part, 0.1418 with (6, 16); weights 1–6 and half points 4–32 all land
     * within ±0.002. A new user who rates five Disney films then gets a list of animated films.
     */
    static final double HALF_AT = 16.0;

    /** The weight of the genre coordinates for a user with {@code n} rated movies: WEIGHT / (1 + (n / HALF_AT)²). */
    public static double weight(int n) {
        return WEIGHT / (1 + (n / HALF_AT) * (n / HALF_AT));
    }

    public static float[] itemVector(Collection<String> genres) {
        float[] out = new float[GENRES.size()];
        for (String g : genres) {
            Integer i = COORDINATE.get(g);
            if (i != null) out[i] = 1;
        }
        return out;
    }

    /** weight(n) × the share of the user's n rated movies in each genre, normalised to sum 1. */
    public static float[] userVector(List<? extends Collection<String>> genresOfRated) {
        float[] out = new float[GENRES.size()];
        double total = 0;
        for (Collection<String> genres : genresOfRated) {
            for (String g : genres) {
                Integer i = COORDINATE.get(g);
                if (i != null) {
                    out[i]++;
                    total++;
                }
            }
        }
        if (total == 0) return out;
        double scale = weight(genresOfRated.size()) / total;
        for (int i = 0; i < out.length; i++) out[i] *= (float) scale;
        return out;
    }

    /**
     * Each rated movie's term in the genre part of the score of a movie in {@code targetGenres}: the user's coordinates
     * are weight(n)/total × the genre counts, so rated movie j adds weight(n)/total for each of its genres the target has.
     */
    public static double[] terms(List<? extends Collection<String>> genresOfRated, Collection<String> targetGenres) {
        double[] out = new double[genresOfRated.size()];
        double total = 0;
        for (int j = 0; j < out.length; j++) {
            for (String g : genresOfRated.get(j)) {
                if (!COORDINATE.containsKey(g)) continue;
                total++;
                if (targetGenres.contains(g)) out[j]++;
            }
        }
        if (total == 0) return out;
        double scale = weight(genresOfRated.size()) / total;
        for (int j = 0; j < out.length; j++) out[j] *= scale;
        return out;
    }
}
