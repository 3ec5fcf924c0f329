package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import movierec.common.VectorLayout;
import movierec.common.Vectors;
import movierec.es.ModelCache;
import movierec.es.UserDoc;
import org.junit.jupiter.api.Test;

class PersonalRecommendationsTest {
    @Test
    void theCacheKeyChangesWithEveryInputOfTheList() {
        String key = PersonalRecommendations.cacheKey(1, 10, Filters.NONE, 0, 5, "m1");
        assertThat(Set.of(
                        key,
                        PersonalRecommendations.cacheKey(2, 10, Filters.NONE, 0, 5, "m1"),
                        PersonalRecommendations.cacheKey(1, 11, Filters.NONE, 0, 5, "m1"),
                        PersonalRecommendations.cacheKey(1, 10, Filters.genre("Drama"), 0, 5, "m1"),
                        PersonalRecommendations.cacheKey(1, 10, new Filters(null, 1990, null), 0, 5, "m1"),
                        PersonalRecommendations.cacheKey(1, 10, new Filters(null, null, 1990), 0, 5, "m1"),
                        PersonalRecommendations.cacheKey(1, 10, Filters.NONE, 0, 6, "m1"),
                        PersonalRecommendations.cacheKey(1, 10, Filters.NONE, 0, 5, "m2"),
                        PersonalRecommendations.cacheKey(1, 10, Filters.NONE, 0.3, 5, "m1")))
                .hasSize(9);
        assertThat(PersonalRecommendations.cacheKey(1, 10, new Filters(null, null, null), 0, 5, "m1"))
                .isEqualTo(key);
    }

    @Test
    void moreResultsAskForMoreCandidates() {
        assertThat(List.of(1, 10, 100, 2000).stream().map(PersonalRecommendations::knnCandidates))
                .containsExactly(500, 500, 1000, 10_000);
    }

    @Test
    void aVectorFoldedWithAnotherModelIsFoldedAgainWithTheServedOneSoTheReasonsStillAddUp() {
        ModelCache.Model old = ExplanationsTest.model(40, 1, "als-1");
        ModelCache.Model served = ExplanationsTest.model(40, 2, "als-2");
        List<Long> ids = List.of(3L, 1L, 7L, 999L, 12L);
        List<Double> ratings = List.of(5.0, 4.0, 2.5, 4.0, 3.5);
        List<Long> dismissed = List.of(20L);
        double[] values = ratings.stream().mapToDouble(Double::doubleValue).toArray();
        float[] stored = VectorLayout.userForCosine(old.userVector(ids, values, dismissed));
        UserProfiles.Profile p = profile(ids, ratings, dismissed, stored, "als-1");

        assertThat(PersonalRecommendations.vectorFor(old, p)).isSameAs(stored);
        float[] refolded = PersonalRecommendations.vectorFor(served, p);
        assertThat(refolded).containsExactly(VectorLayout.userForCosine(served.userVector(ids, values, dismissed)));
        Explanations.Split split = new Explanations(null, null).fromDocument(p, served);
        for (long movie = 21; movie <= 40; movie++) {
            double score = Vectors.dot(refolded, served.items().get(movie).embedding());
            double sum = split.of(movie).stream()
                    .mapToDouble(Explanations.Contribution::contribution)
                    .sum();
            assertThat(sum).as("movie %d", movie).isCloseTo(score, within(1e-4 * Math.max(1, Math.abs(score))));
        }
        // none of the user's movies in the model: no vector (the list falls back to popular movies)
        assertThat(PersonalRecommendations.vectorFor(
                        served, profile(List.of(999L), List.of(4.0), List.of(), stored, "als-1")))
                .isNull();
    }

    private static UserProfiles.Profile profile(
            List<Long> ids, List<Double> ratings, List<Long> dismissed, float[] vector, String modelVersion) {
        UserDoc doc = new UserDoc(
                9L,
                (long) ids.size(),
                4.0,
                List.of(),
                ids,
                ids,
                ratings,
                0L,
                0L,
                vector,
                modelVersion,
                0,
                0L,
                dismissed,
                List.of());
        return new UserProfiles.Profile(9L, doc, vector, Set.copyOf(ids), List.of(), 1);
    }
}
