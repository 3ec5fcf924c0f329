package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import movierec.common.FoldIn;
import movierec.common.RatingEvent;
import org.junit.jupiter.api.Test;

class TrainJobTest {
    @Test
    void dismissalsJoinTheAlsInputAsNegativeRatingsOfUsersWithRatingsOnly() {
        List<RatingEvent> ratings = List.of(RatingEvent.of(1, 10, 4.0, 5, null), RatingEvent.of(1, 11, 3.0, 6, null));
        // user 1: 12 twice (once counts) and 10, which they rated (left out, as the fold-in leaves it out); user 2 has
        // no ratings, so no vector to shape
        List<RatingEvent> input =
                TrainJob.withDismissals(ratings, Map.of(1L, List.of(12L, 12L, 10L), 2L, List.of(13L)));
        assertThat(input).hasSize(3);
        assertThat(input.get(2).userId()).isEqualTo(1L);
        assertThat(input.get(2).movieId()).isEqualTo(12L);
        assertThat(input.get(2).rating()).isEqualTo(-FoldIn.DISMISSAL_WEIGHT);
        assertThat(TrainJob.withDismissals(ratings, Map.of())).isSameAs(ratings);
    }
}
