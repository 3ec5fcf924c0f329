package movierec.kafka.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import movierec.common.MovieEvent;
import movierec.common.RatingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensCsvTest {
    @TempDir
    Path dir;

    @Test
    void moviesMapIntoTheTmdbShapeWithoutInventedFields() throws Exception {
        Path csv = dir.resolve("movies.csv");
        Files.writeString(
                csv,
                "\"movieId\",\"title\",\"year\",\"genres\"\n"
                        + "11,\"American President, The\",1995,\"Comedy|Drama|Romance\"\n"
                        + "108548,NA,NA,\"Comedy\"\n");
        List<MovieLensCsv.MovieRow> rows = MovieLensCsv.readMovies(csv);
        MovieEvent president = MovieLensCsv.toEvent(rows.get(0), null);
        assertThat(president)
                .isEqualTo(new MovieEvent(
                        11L,
                        "The American President",
                        null,
                        List.of(35, 18, 10749),
                        null,
                        "1995-01-01",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "csv"));
        MovieEvent unknown = MovieLensCsv.toEvent(rows.get(1), null);
        assertThat(unknown.title()).isNull();
        assertThat(unknown.releaseDate()).isNull();
    }

    @Test
    void vegaEnrichmentMatchesOnNormalisedTitleAndYearWithinOne() throws Exception {
        Path vega = dir.resolve("movies.json");
        Files.writeString(
                vega,
                "[{\"Title\":\"The American President\",\"Release Date\":\"Nov 17 1995\",\"IMDB Rating\":6.7,"
                        + "\"IMDB Votes\":30000,\"Running Time min\":114,\"Director\":\"Rob Reiner\"},"
                        + "{\"Title\":\"Heat\",\"Release Date\":\"Dec 15 1997\",\"IMDB Rating\":8.2}]");
        VegaEnrichment e = VegaEnrichment.load(vega);
        VegaEnrichment.Match m = e.match("American President, The", 1996);
        assertThat(m).isNotNull();
        MovieEvent president =
                MovieLensCsv.toEvent(new MovieLensCsv.MovieRow(11, "American President, The", 1995, "Drama"), m);
        assertThat(president.releaseDate()).isEqualTo("1995-11-17");
        assertThat(president.voteAverage()).isEqualTo(6.7);
        assertThat(president.voteCount()).isEqualTo(30000L);
        assertThat(president.runtime()).isEqualTo(114);
        assertThat(president.director()).isEqualTo("Rob Reiner");
        assertThat(e.match("Heat", 1995)).isNull(); // two years apart: no match
        assertThat(VegaEnrichment.normaliseTitle("Amélie & Friends: Part II!")).isEqualTo("amelie and friends part ii");
    }

    @Test
    void ratingsReplayInTimestampOrderInMilliseconds() throws Exception {
        Path csv = dir.resolve("ratings.csv");
        Files.writeString(csv, "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n2,10,4,835355493\n");
        List<RatingEvent> r = MovieLensCsv.readRatings(csv, "csv");
        assertThat(r)
                .containsExactly(
                        RatingEvent.of(2, 10, 4.0, 835355493000L, "csv"),
                        RatingEvent.of(1, 31, 2.5, 1260759144000L, "csv"));
    }
}
