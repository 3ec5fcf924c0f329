package movierec.kafka.replay;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import movierec.common.Genres;
import movierec.common.MovieEvent;
import movierec.common.RatingEvent;

/** Reads the MovieLens CSV files and maps their rows into movie and rating events. */
public final class MovieLensCsv {
    private MovieLensCsv() {}

    /** A row of movies.csv ({@code movieId,title,year,genres}). */
    public record MovieRow(long movieId, String title, Integer year, String genres) {}

    public static List<MovieRow> readMovies(Path file) throws IOException {
        List<MovieRow> out = new ArrayList<>();
        for (Map<String, String> r : read(file)) {
            String year = missing(r.get("year"));
            out.add(new MovieRow(
                    Long.parseLong(r.get("movieId").trim()),
                    missing(r.get("title")),
                    year == null ? null : Integer.valueOf(year.trim()),
                    r.get("genres")));
        }
        return out;
    }

    /** Ratings in timestamp order (ties keep file order), timestamps converted from epoch seconds to milliseconds. */
    public static List<RatingEvent> readRatings(Path file, String source) throws IOException {
        List<RatingEvent> out = new ArrayList<>();
        for (Map<String, String> r : read(file)) {
            out.add(RatingEvent.of(
                    Long.parseLong(r.get("userId").trim()),
                    Long.parseLong(r.get("movieId").trim()),
                    Double.parseDouble(r.get("rating").trim()),
                    Long.parseLong(r.get("timestamp").trim()) * 1000L,
                    source));
        }
        out.sort(Comparator.comparingLong(RatingEvent::timestamp));
        return out;
    }

    /** The file writes unknown values as empty or "NA" (R's missing value): both become null. */
    static String missing(String value) {
        return value == null || value.isBlank() || value.trim().equals("NA") ? null : value;
    }

    private static List<Map<String, String>> read(Path file) throws IOException {
        CsvMapper mapper = new CsvMapper();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<Map<String, String>> it =
                        mapper.readerFor(Map.class).with(schema).readValues(in)) {
            return it.readAll();
        }
    }

    /**
     * Maps a MovieLens movie into the TMDB-shaped event: "Toy Story" keeps its title, "American President, The"
     * becomes "The American President"; genre names become TMDB genre ids; the year becomes {@code YYYY-01-01} unless
     * the enrichment has the full date. Fields no source has (overview, language, popularity, poster) stay null.
     */
    public static MovieEvent toEvent(MovieRow row, VegaEnrichment.Match match) {
        String releaseDate = match != null && match.releaseDate() != null
                ? match.releaseDate().toString()
                : row.year() == null ? null : String.format("%04d-01-01", row.year());
        return new MovieEvent(
                row.movieId(),
                displayTitle(row.title()),
                null,
                Genres.fromMovieLens(row.genres()),
                null,
                releaseDate,
                match == null ? null : match.imdbRating(),
                match == null ? null : match.imdbVotes(),
                null,
                null,
                match == null ? null : match.runtime(),
                match == null ? null : match.director(),
                null,
                "csv");
    }

    /** "American President, The" -> "The American President"; other titles unchanged. */
    public static String displayTitle(String title) {
        if (title == null) return null;
        String t = title.trim();
        for (String article :
                new String[] {"The", "A", "An", "Les", "La", "Le", "L'", "Il", "Das", "Der", "Die", "El"}) {
            String suffix = ", " + article;
            if (t.endsWith(suffix)) {
                String head = t.substring(0, t.length() - suffix.length());
                return article.endsWith("'") ? article + head : article + " " + head;
            }
        }
        return t;
    }
}
