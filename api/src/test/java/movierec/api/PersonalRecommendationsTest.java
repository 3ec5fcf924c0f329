package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
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
}
