package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NextMoviesTest {
    @Test
    void withoutTransitionsTheBlendsOrderStays() {
        double[] out = NextMovies.rescore(new long[] {1, 2, 3}, new double[] {4, 2, 1}, List.of());
        assertThat(out).containsExactly(new double[] {1, 0.5, 0.25}, within(1e-9));
    }

    @Test
    void whatFollowsTheLatestMovieMovesUp() {
        // movie 3 follows the latest movie strongly: 0.25 + 0.4 · 1 beats movie 2's 0.5
        NextMovies.Row latest = new NextMovies.Row(new long[] {3, 99}, new float[] {0.6f, 0.4f});
        double[] out = NextMovies.rescore(new long[] {1, 2, 3}, new double[] {4, 2, 1}, List.of(latest));
        assertThat(out[2]).isCloseTo(0.25 + NextMovies.WEIGHT, within(1e-6));
        assertThat(out[2]).isGreaterThan(out[1]);
        assertThat(out[0]).isEqualTo(1.0); // not a follower: unchanged
    }

    @Test
    void olderMoviesCountLessAndOnlyTheLastFewCount() {
        NextMovies.Row toFirst = new NextMovies.Row(new long[] {1}, new float[] {1});
        NextMovies.Row toSecond = new NextMovies.Row(new long[] {2}, new float[] {1});
        // latest first: the latest points at 2, an older one at 1, so 2 gets the larger transition score
        double[] out = NextMovies.rescore(new long[] {1, 2}, new double[] {1, 1}, List.of(toSecond, toFirst));
        assertThat(out[1]).isGreaterThan(out[0]);
        assertThat(out[0] - 1).isCloseTo(NextMovies.WEIGHT * Sequence.contextWeight(1), within(1e-6));
        List<NextMovies.Row> many = List.of(NextMovies.Row.NONE, NextMovies.Row.NONE, NextMovies.Row.NONE, toFirst);
        assertThat(NextMovies.rescore(new long[] {1, 2}, new double[] {1, 1}, many))
                .as("the fourth latest is beyond LAST")
                .containsExactly(new double[] {1, 1}, within(1e-9));
    }

    @Test
    void theLatestRowsAreTheLastMoviesLatestFirstWithNoneForUnknownOnes() {
        NextMovies.Row a = new NextMovies.Row(new long[] {1}, new float[] {1});
        NextMovies.Row c = new NextMovies.Row(new long[] {3}, new float[] {1});
        Map<Long, NextMovies.Row> rows = Map.of(10L, a, 30L, c);
        assertThat(NextMovies.latest(List.of(5L, 10L, 20L, 30L), rows::get)).containsExactly(c, NextMovies.Row.NONE, a);
        assertThat(NextMovies.latest(List.of(), rows::get)).isEmpty();
    }

    @Test
    void topTakesTheHighestScoresEarlierFirstOnTies() {
        assertThat(NextMovies.top(new double[] {0.2, 0.9, 0.5, 0.9}, 3)).containsExactly(1, 3, 2);
        assertThat(NextMovies.top(new double[] {0.2}, 3)).containsExactly(0);
    }
}
