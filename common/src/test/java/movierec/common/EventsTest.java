package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {
    private static Events.Parsed<RatingEvent> rating(String json) {
        return Events.parseRating(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ratingRoundTripsWithoutDeletedField() {
        RatingEvent e = RatingEvent.of(1, 31, 2.5, 1260759144000L, "csv");
        String json = new String(Events.toJson(e), StandardCharsets.UTF_8);
        assertThat(json)
                .isEqualTo(
                        "{\"userId\":1,\"movieId\":31,\"rating\":2.5,\"timestamp\":1260759144000,\"source\":\"csv\"}");
        Events.Parsed<RatingEvent> back = Events.parseRating(json.getBytes(StandardCharsets.UTF_8));
        assertThat(back.ok()).isTrue();
        assertThat(back.value()).isEqualTo(e);
        assertThat(back.value().eventId()).isEqualTo("1:31:1260759144000");
    }

    @Test
    void retractionNeedsNoRating() {
        Events.Parsed<RatingEvent> p = rating("{\"userId\":1,\"movieId\":31,\"timestamp\":5,\"deleted\":true}");
        assertThat(p.error()).isNull();
        assertThat(p.value().isRetraction()).isTrue();
    }

    @Test
    void dismissalsNameAMovieOrAKnownGenre() {
        RatingEvent movie = RatingEvent.movieDismissal(1, 31, true, 5, "api");
        Events.Parsed<RatingEvent> back = Events.parseRating(Events.toJson(movie));
        assertThat(back.value()).isEqualTo(movie);
        assertThat(back.value().isDismissal()).isTrue();
        RatingEvent undo = RatingEvent.genreDismissal(1, "Horror", false, 6, "api");
        assertThat(Events.parseRating(Events.toJson(undo)).value()).isEqualTo(undo);
        assertThat(undo.eventId()).isEqualTo("1:Horror:6");
        assertThat(rating("{\"userId\":1,\"timestamp\":5,\"dismissed\":true}").error())
                .isEqualTo("a dismissal names either a movieId or a genre");
        assertThat(rating("{\"userId\":1,\"movieId\":2,\"genre\":\"Horror\",\"timestamp\":5,\"dismissed\":true}")
                        .error())
                .isEqualTo("a dismissal names either a movieId or a genre");
        assertThat(rating("{\"userId\":1,\"genre\":\"Gore\",\"timestamp\":5,\"dismissed\":true}")
                        .error())
                .startsWith("unknown genre 'Gore'");
        assertThat(rating("{\"userId\":1,\"movieId\":2,\"rating\":4,\"timestamp\":5,\"dismissed\":true}")
                        .error())
                .isEqualTo("a dismissal has no rating and no deleted flag");
        assertThat(rating("{\"userId\":1,\"movieId\":2,\"rating\":4.0,\"timestamp\":5,\"genre\":\"Horror\"}")
                        .error())
                .startsWith("genre is only for a dismissal");
    }

    @Test
    void anErasureNamesOnlyTheUserAndItsRetractionsTheirErasure() {
        RatingEvent erase = RatingEvent.erasure(7, 9, "admin");
        Events.Parsed<RatingEvent> back = Events.parseRating(Events.toJson(erase));
        assertThat(back.value()).isEqualTo(erase);
        assertThat(back.value().isErasure()).isTrue();
        assertThat(erase.eventId()).isEqualTo("7:erase:9");
        RatingEvent retraction = RatingEvent.erasureRetraction(7, 31, 120, 9);
        assertThat(Events.parseRating(Events.toJson(retraction)).value()).isEqualTo(retraction);
        assertThat(retraction.isRetraction()).isTrue();
        assertThat(rating("{\"userId\":7,\"movieId\":2,\"timestamp\":5,\"erase\":true}")
                        .error())
                .isEqualTo("an erasure names only a userId and a timestamp");
        assertThat(rating("{\"userId\":7,\"timestamp\":5,\"erase\":false}").error())
                .isEqualTo("erase must be true or absent");
        assertThat(rating("{\"userId\":7,\"erase\":true}").error()).isEqualTo("missing timestamp");
        assertThat(rating("{\"userId\":7,\"movieId\":2,\"rating\":4.0,\"timestamp\":5,\"erasureOffset\":3}")
                        .error())
                .startsWith("erasureOffset is only for a retraction");
        assertThat(rating("{\"userId\":7,\"movieId\":2,\"deleted\":true,\"timestamp\":5,\"erasureOffset\":-1}")
                        .error())
                .isEqualTo("erasureOffset must be >= 0, got -1");
    }

    @Test
    void invalidRatingsAreRejectedWithTheirReason() {
        assertThat(rating("{\"userId\":1,\"movieId\":2,\"rating\":5.5,\"timestamp\":1}")
                        .error())
                .isEqualTo("rating must be between 0.5 and 5.0, got 5.5");
        assertThat(rating("{\"userId\":1,\"movieId\":2,\"rating\":0.0,\"timestamp\":1}")
                        .error())
                .isEqualTo("rating must be between 0.5 and 5.0, got 0.0");
        assertThat(rating("{\"userId\":1,\"movieId\":2,\"rating\":3.3,\"timestamp\":1}")
                        .error())
                .isEqualTo("rating must be a multiple of 0.5, got 3.3");
        assertThat(rating("{\"movieId\":2,\"rating\":3,\"timestamp\":1}").error())
                .isEqualTo("missing userId");
        assertThat(rating("{\"userId\":1,\"rating\":3,\"timestamp\":1}").error())
                .isEqualTo("missing movieId");
        assertThat(rating("{\"userId\":1,\"movieId\":2,\"timestamp\":1}").error())
                .isEqualTo("missing rating");
        assertThat(rating("{\"userId\":-4,\"movieId\":2,\"rating\":3,\"timestamp\":1}")
                        .error())
                .isEqualTo("userId must be positive, got -4");
    }

    @Test
    void wrongTypesAndMalformedJsonAreRejected() {
        assertThat(rating("{\"userId\":\"one\",\"movieId\":2,\"rating\":3,\"timestamp\":1}")
                        .error())
                .startsWith("wrong type:");
        assertThat(rating("{\"userId\":1,\"movieId\":2,\"rating\":\"3\",\"timestamp\":1}")
                        .error())
                .startsWith("wrong type:");
        assertThat(rating("{\"userId\":1.5,\"movieId\":2,\"rating\":3,\"timestamp\":1}")
                        .error())
                .startsWith("wrong type:");
        assertThat(rating("{\"userId\":1,").error()).startsWith("malformed JSON:");
        assertThat(rating("not json").error()).startsWith("malformed JSON:");
        assertThat(rating("{} {}").error()).startsWith("malformed JSON:");
        assertThat(rating("").error()).isEqualTo("empty value");
    }

    @Test
    void nonUtf8AndOversizedValuesAreRejected() {
        byte[] latin1 = "{\"title\":\"Am\u00e9lie\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Events.parseMovie(latin1).error()).isEqualTo("value is not valid UTF-8");
        byte[] big = new byte[1_000_000];
        java.util.Arrays.fill(big, (byte) 'a');
        assertThat(Events.parseRating(big).error()).isEqualTo("value too large: 1000000 bytes (limit 100000)");
    }

    @Test
    void movieValidationChecksIdDateAndRanges() {
        assertThat(Events.parseMovie("{\"title\":\"x\"}".getBytes()).error()).isEqualTo("missing id");
        assertThat(Events.parseMovie("{\"id\":1,\"release_date\":\"1995-13-01\"}".getBytes())
                        .error())
                .isEqualTo("release_date must be YYYY-MM-DD, got '1995-13-01'");
        assertThat(Events.parseMovie("{\"id\":1,\"vote_average\":11}".getBytes())
                        .error())
                .isEqualTo("vote_average must be between 0 and 10, got 11.0");
        Events.Parsed<MovieEvent> ok = Events.parseMovie(
                "{\"id\":862,\"title\":\"Toy Story\",\"genre_ids\":[16,35],\"release_date\":\"\",\"adult\":false}"
                        .getBytes());
        assertThat(ok.error()).isNull();
        assertThat(ok.value().genreIds()).isEqualTo(List.of(16, 35));
    }

    @Test
    void movieBuiltWithImmutableGenreListValidates() {
        MovieEvent m = new MovieEvent(
                1L, "Toy Story", null, List.of(16), "en", "1995-11-22", 8.2, 10L, 1.0, null, null, null, null, "test");
        assertThat(Events.validate(m)).isNull();
    }

    @Test
    void genresMapFromMovieLensToTmdbAndBack() {
        assertThat(Genres.fromMovieLens("Adventure|Animation|Children|Comedy|Fantasy"))
                .containsExactly(12, 16, 10751, 35, 14);
        assertThat(Genres.fromMovieLens("(no genres listed)")).isEmpty();
        assertThat(Genres.fromMovieLens("IMAX|Sci-Fi|Film-Noir|Crime")).containsExactly(878, 80);
        assertThat(Genres.names(List.of(878, 99999, 18))).containsExactly("Science Fiction", "Drama");
    }

    @Test
    void languageCodesBecomeEnglishNames() {
        assertThat(Languages.name("en")).isEqualTo("English");
        assertThat(Languages.name("fr")).isEqualTo("French");
        assertThat(Languages.name("xx")).isEqualTo("No Language");
        assertThat(Languages.name("zz")).isNull();
        assertThat(Languages.name(null)).isNull();
    }
}
