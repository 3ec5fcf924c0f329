package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure rules behind the stream job's state: latest event per pair wins, statistics follow the pairs, profiles. */
class StateRulesTest {
    @Test
    void latestEventOfAPairWinsByTimestampThenOffset() {
        PairVersion first = new PairVersion(2.0, 100, 7);
        assertThat(first.isNewerThan(null)).isTrue();
        assertThat(new PairVersion(5.0, 200, 3).isNewerThan(first))
                .as("later timestamp, earlier offset")
                .isTrue();
        assertThat(new PairVersion(1.0, 50, 9).isNewerThan(first))
                .as("older event arriving late")
                .isFalse();
        assertThat(new PairVersion(4.0, 100, 8).isNewerThan(first))
                .as("same time: later offset wins")
                .isTrue();
        assertThat(new PairVersion(4.0, 100, 6).isNewerThan(first)).isFalse();
        assertThat(new PairVersion(2.0, 100, 7).isNewerThan(first))
                .as("a replayed event")
                .isFalse();
        assertThat(new PairVersion(2.0, 100, 9).isNewerThan(first))
                .as("the same event produced twice")
                .isFalse();
        assertThat(new PairVersion(null, 300, 1).isNewerThan(first))
                .as("a retraction")
                .isTrue();
        assertThat(first.isNewerThan(new PairVersion(null, 300, 1)))
                .as("a retracted rating does not come back")
                .isFalse();
    }

    @Test
    void theLatestDismissalOfAMovieOrGenreWinsWhateverTheOrderOfDelivery() {
        PairChange dismiss = dismissal(true, 100, 7);
        PairChange undo = dismissal(false, 200, 9);
        assertThat(RatingsByUser.laterEvent(dismiss, null)).isTrue();
        assertThat(RatingsByUser.laterEvent(undo, dismiss)).isTrue();
        assertThat(RatingsByUser.laterEvent(dismiss, undo))
                .as("an older dismissal arriving late")
                .isFalse();
        assertThat(RatingsByUser.laterEvent(dismiss, dismiss))
                .as("the same event again")
                .isFalse();
        assertThat(RatingsByUser.laterEvent(dismissal(false, 100, 8), dismiss))
                .as("same time: the later offset")
                .isTrue();
        // a dismissal's message key differs from the rating's, so compaction of ratings.pairs keeps both
        assertThat(dismiss.id()).isEqualTo("7:not:m42");
        PairChange genre = dismissal(true, 100, 7);
        genre.setDismissedGenre("Horror");
        assertThat(genre.id()).isEqualTo("7:not:gHorror");
    }

    @Test
    void ofTwoChangesOfAUsersPairTheLaterOneIsKeptWhicheverComesFirstInTheList() {
        PairChange rating = rated(4.0, 100, List.of());
        rating.setOffset(7);
        PairChange retraction = new PairChange();
        retraction.setTimestamp(200);
        retraction.setOffset(9);
        assertThat(RatingsByUser.newer(rating, retraction)).isSameAs(retraction);
        assertThat(RatingsByUser.newer(retraction, rating))
                .as("an older change read after the newer")
                .isSameAs(retraction);
        assertThat(RatingsByUser.newer(rating, rating)).isSameAs(rating);
    }

    private static PairChange dismissal(boolean dismissed, long timestamp, long offset) {
        PairChange c = new PairChange();
        c.setUserId(7);
        c.setMovieId(42);
        c.setDismissed(dismissed);
        c.setTimestamp(timestamp);
        c.setOffset(offset);
        return c;
    }

    @Test
    void statisticsFollowThePairsSoAReplacedRatingIsNotCountedTwice() {
        MovieStats s = new MovieStats();
        PairVersion a = new PairVersion(4.0, 100, 0);
        PairVersion b = new PairVersion(3.0, 100, 1);
        s.replace(null, a);
        s.replace(null, b);
        assertThat(s).isEqualTo(new MovieStats(2, 7.0, 100));
        assertThat(s.average()).isEqualTo(3.5);
        PairVersion a2 = new PairVersion(5.0, 200, 2);
        assertThat(s.replace(a, a2)).as("a newer rating is the latest itself").isFalse();
        assertThat(s).isEqualTo(new MovieStats(2, 8.0, 200));
        PairVersion retracted = new PairVersion(null, 300, 3);
        // taking out the latest rating: only the remaining pairs know the new last-rated time (RatingsByMovie)
        assertThat(s.replace(a2, retracted)).isTrue();
        assertThat(s.replace(b, new PairVersion(null, 400, 4)))
                .as("not the latest")
                .isFalse();
        assertThat(s).isEqualTo(new MovieStats(0, 0.0, 200));
        assertThat(s.average()).isNull();
    }

    @Test
    void userProfileHasCountMeanTopGenresRecentMoviesAndHistoryOldestFirst() {
        Map<Long, PairChange> current = Map.of(
                1L, rated(5.0, 10, List.of("Animation", "Comedy")),
                2L, rated(4.0, 20, List.of("Animation")),
                3L, rated(1.0, 30, List.of("Horror")), // below the user's mean: not a top genre
                4L, rated(4.0, 20, List.of("Drama")));
        RatingsByUser.Profile p = RatingsByUser.profile(7, current);
        assertThat(p.getCount()).isEqualTo(4);
        assertThat(p.getMean()).isEqualTo(3.5);
        assertThat(p.getTopGenres()).containsExactly("Animation", "Comedy", "Drama");
        assertThat(p.getRecentMovieIds()).containsExactly(3L, 2L, 4L, 1L);
        assertThat(p.getRatedMovieIds()).containsExactly(1L, 2L, 4L, 3L); // history order
        assertThat(p.getLastRatedAt()).isEqualTo(30L);
        assertThat(p.getHistoryMovieIds()).containsExactly(1L, 2L, 4L, 3L);
        assertThat(p.getHistoryRatings()).containsExactly(5.0, 4.0, 4.0, 1.0);
    }

    private static PairChange rated(double rating, long timestamp, List<String> genres) {
        PairChange c = new PairChange();
        c.setRating(rating);
        c.setTimestamp(timestamp);
        c.setGenres(genres);
        return c;
    }

    @Test
    void userWithoutRatingsHasAnEmptyProfile() {
        RatingsByUser.Profile p = RatingsByUser.profile(7, Map.of());
        assertThat(p.getCount()).isZero();
        assertThat(p.getMean()).isNull();
        assertThat(p.getRatedMovieIds()).isEmpty();
    }
}
