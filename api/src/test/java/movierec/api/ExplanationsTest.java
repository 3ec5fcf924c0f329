package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import movierec.common.GenreTaste;
import movierec.common.VectorLayout;
import movierec.common.Vectors;
import movierec.es.ModelCache;
import movierec.es.MovieVectorsDoc;
import org.junit.jupiter.api.Test;

class ExplanationsTest {
    static final List<String> GENRES = List.of("Action", "Comedy", "Drama", "Animation");

    /** A small random model with all three parts, stored and loaded as in production. */
    static ModelCache.Model model(int movies, long seed) {
        return model(movies, seed, "test");
    }

    static ModelCache.Model model(int movies, long seed, String version) {
        Random random = new Random(seed);
        VectorLayout layout = new VectorLayout(3, 2, GenreTaste.GENRES.size(), 1.7, 0.4, 2.0);
        Map<String, Object> params =
                new LinkedHashMap<>(Map.of("regParam", 0.3, "alpha", 5.0, "recencyScale", 2.0, "recencyFloor", 0.1));
        params.putAll(layout.params());
        Map<Long, ModelCache.Item> items = new HashMap<>();
        for (long id = 1; id <= movies; id++) {
            List<String> genres =
                    List.of(GENRES.get(random.nextInt(GENRES.size())), GENRES.get(random.nextInt(GENRES.size())));
            float[] y = layout.item(gaussian(random, 3), gaussian(random, 2), GenreTaste.itemVector(genres));
            MovieVectorsDoc doc = new MovieVectorsDoc(
                    id, "movie " + id, genres, VectorLayout.itemForCosine(y, 20), gaussian(random, 2), null, null);
            items.put(id, ModelCache.item(layout, doc));
        }
        return ModelCache.model(version, params, items);
    }

    @Test
    void theContributionsAddUpToTheModelsScoreAndTheReasonNamesTheLargest() {
        ModelCache.Model m = model(40, 1);
        // 25 ratings (more than the sequential context of 20), one of a movie the model does not know
        List<Long> ids = new ArrayList<>();
        List<Double> ratings = new ArrayList<>();
        for (long id = 1; id <= 24; id++) {
            ids.add(id);
            ratings.add(0.5 + (id % 10) * 0.5);
        }
        ids.add(12, 999L);
        ratings.add(12, 4.0);
        float[] x = m.userVector(
                ids, ratings.stream().mapToDouble(Double::doubleValue).toArray());
        Explanations.Split split = new Explanations.Split(m, ids, ratings);
        for (long target = 25; target <= 40; target++) {
            List<Explanations.Contribution> terms = split.of(target);
            assertThat(terms).hasSize(24).noneMatch(c -> c.movieId() == 999L);
            double sum = terms.stream()
                    .mapToDouble(Explanations.Contribution::contribution)
                    .sum();
            double score = Vectors.dot(x, m.items().get(target).embedding());
            assertThat(sum).as("movie %d", target).isCloseTo(score, within(1e-4 * Math.max(1, Math.abs(score))));
            Explanations.Contribution top = terms.stream()
                    .max((a, b) -> Double.compare(a.contribution(), b.contribution()))
                    .orElseThrow();
            assertThat(split.reason(target, false))
                    .isEqualTo(top.contribution() > 0 ? "because you rated " + top.title() : Explanations.NO_REASON);
            // the als variant's score (the query vector's other parts zeroed) splits the same way into ALS terms
            double alsScore =
                    Vectors.dot(m.layout().alsQuery(x), m.items().get(target).embedding());
            double alsSum = split.of(target, true).stream()
                    .mapToDouble(Explanations.Contribution::contribution)
                    .sum();
            assertThat(alsSum)
                    .as("movie %d, ALS part", target)
                    .isCloseTo(alsScore, within(1e-4 * Math.max(1, Math.abs(alsScore))));
        }
        assertThat(terms(split, 25).get(0).rating()).isEqualTo(ratings.get(0));
    }

    @Test
    void withDismissalsTheContributionsStillAddUpToTheScoreOfTheVectorFoldedWithThem() {
        ModelCache.Model m = model(40, 3);
        List<Long> ids = new ArrayList<>();
        List<Double> ratings = new ArrayList<>();
        for (long id = 1; id <= 12; id++) {
            ids.add(id);
            ratings.add(0.5 + (id % 10) * 0.5);
        }
        List<Long> dismissed = List.of(30L, 31L, 2L, 999L); // a rated and an unknown one are ignored
        float[] x = m.userVector(
                ids, ratings.stream().mapToDouble(Double::doubleValue).toArray(), dismissed);
        Explanations.Split split = new Explanations.Split(m, ids, ratings, dismissed);
        for (long target = 13; target <= 40; target++) {
            List<Explanations.Contribution> terms = split.of(target);
            assertThat(terms).hasSize(12);
            double sum = terms.stream()
                    .mapToDouble(Explanations.Contribution::contribution)
                    .sum();
            double score = Vectors.dot(x, m.items().get(target).embedding());
            assertThat(sum).as("movie %d", target).isCloseTo(score, within(1e-4 * Math.max(1, Math.abs(score))));
        }
    }

    @Test
    void noKnownRatingsOrAnUnknownMovieNoReason() {
        ModelCache.Model m = model(5, 2);
        assertThat(new Explanations.Split(m, List.of(999L), List.of(4.0)).of(1)).isEmpty();
        assertThat(new Explanations.Split(m, List.of(999L), List.of(4.0)).reason(1, false))
                .isEqualTo(Explanations.NO_REASON);
        assertThat(new Explanations.Split(m, List.of(1L), List.of(4.0)).of(999)).isEmpty();
    }

    private static List<Explanations.Contribution> terms(Explanations.Split split, long target) {
        return split.of(target);
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian();
        return out;
    }
}
