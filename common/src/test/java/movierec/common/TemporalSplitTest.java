package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemporalSplitTest {
    @Test
    void holdsOutEachUsersLatestTenPercent() {
        List<RatingEvent> all = new ArrayList<>();
        for (int i = 1; i <= 20; i++) all.add(RatingEvent.of(1, i, 4.0, 1000 - i, "t")); // movie 20 is the oldest
        for (int i = 1; i <= 3; i++) all.add(RatingEvent.of(2, i, 3.0, i, "t"));
        TemporalSplit.Split s = TemporalSplit.of(all, 0.1);
        assertThat(s.test())
                .extracting(RatingEvent::movieId)
                .containsExactly(2L, 1L, 3L); // user 1: two latest; user 2: one
        assertThat(s.train()).hasSize(20);
    }

    @Test
    void rankingMetricsUseBinaryRelevance() {
        Ranking.Metrics m = Ranking.of(List.of(5L, 7L, 9L), Set.of(7L, 42L), 3);
        assertThat(m.precision()).isEqualTo(1.0 / 3);
        assertThat(m.recall()).isEqualTo(0.5);
        assertThat(m.hit()).isEqualTo(1.0);
        assertThat(m.ndcg()).isEqualTo((1 / (Math.log(3) / Math.log(2))) / (1 + 1 / (Math.log(3) / Math.log(2))));
    }
}
