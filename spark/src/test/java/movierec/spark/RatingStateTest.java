package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatingStateTest {
  @Test
  void replayedEventsChangeNothing() {
    RatingState s = new RatingState();
    assertThat(s.apply(1, 10, 4.0, 100, "csv")).isEqualTo(RatingState.Outcome.APPLIED);
    assertThat(s.apply(2, 10, 3.0, 100, "csv")).isEqualTo(RatingState.Outcome.APPLIED);
    assertThat(s.apply(1, 10, 4.0, 100, "csv")).isEqualTo(RatingState.Outcome.UNCHANGED);
    assertThat(s.movieStats(10)).isEqualTo(new RatingState.MovieStats(2, 7.0, 3.5, 100L));
  }

  @Test
  void latestRatingOfAPairWinsAndOlderIsStale() {
    RatingState s = new RatingState();
    s.apply(1, 10, 2.0, 100, "csv");
    assertThat(s.apply(1, 10, 5.0, 200, "api")).isEqualTo(RatingState.Outcome.APPLIED);
    assertThat(s.apply(1, 10, 1.0, 150, "csv")).isEqualTo(RatingState.Outcome.STALE);
    assertThat(s.movieStats(10)).isEqualTo(new RatingState.MovieStats(1, 5.0, 5.0, 200L));
    assertThat(s.ratingsOf(1)).isEqualTo(Map.of(10L, new RatingState.Pair(5.0, 200, "api")));
  }

  @Test
  void retractionRemovesThePairAndCorrectsStatistics() {
    RatingState s = new RatingState();
    s.apply(1, 10, 4.0, 100, "csv");
    s.apply(2, 10, 2.0, 100, "csv");
    assertThat(s.apply(1, 10, null, 300, "api")).isEqualTo(RatingState.Outcome.APPLIED);
    assertThat(s.movieStats(10)).isEqualTo(new RatingState.MovieStats(1, 2.0, 2.0, 100L));
    assertThat(s.apply(1, 10, 4.0, 100, "csv")).isEqualTo(RatingState.Outcome.STALE); // replay of the retracted rating
    assertThat(s.apply(1, 10, null, 300, "api")).isEqualTo(RatingState.Outcome.UNCHANGED);
    assertThat(s.apply(2, 10, null, 400, "api")).isEqualTo(RatingState.Outcome.APPLIED);
    assertThat(s.movieStats(10)).isEqualTo(new RatingState.MovieStats(0, 0.0, null, 100L));
  }

  @Test
  void userProfileHasCountMeanTopGenresAndRecentMovies() {
    RatingState s = new RatingState();
    s.apply(7, 1, 5.0, 10, "csv");  // Animation, Comedy
    s.apply(7, 2, 4.0, 20, "csv");  // Animation
    s.apply(7, 3, 1.0, 30, "csv");  // Horror (below the user's mean: not a top genre)
    Map<Long, List<String>> genres = Map.of(1L, List.of("Animation", "Comedy"), 2L, List.of("Animation"), 3L, List.of("Horror"));
    RatingState.UserProfile p = s.userProfile(7, id -> genres.getOrDefault(id, List.of()));
    assertThat(p.count()).isEqualTo(3);
    assertThat(p.mean()).isEqualTo(10.0 / 3);
    assertThat(p.topGenres()).containsExactly("Animation", "Comedy");
    assertThat(p.recentMovieIds()).containsExactly(3L, 2L, 1L);
    assertThat(p.ratedMovieIds()).containsExactly(1L, 2L, 3L);
    assertThat(p.lastRatedAt()).isEqualTo(30L);
  }
}
