package movierec.kafka.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Enrichment from the vega-datasets movies file (IMDB rating and votes, full release date, running time, director),
 * applied only where a MovieLens movie matches on normalised title and a year within one. Unmatched movies get
 * nothing: no value is ever guessed.
 */
public final class VegaEnrichment {
    private static final DateTimeFormatter VEGA_DATE = DateTimeFormatter.ofPattern("MMM dd yyyy", Locale.ENGLISH);

    /** What one matched film contributes. */
    public record Match(LocalDate releaseDate, Double imdbRating, Long imdbVotes, Integer runtime, String director) {}

    private record Film(int year, Match match) {}

    private final Map<String, List<Film>> byTitle = new HashMap<>();

    private VegaEnrichment() {}

    public static VegaEnrichment load(Path file) throws IOException {
        VegaEnrichment e = new VegaEnrichment();
        for (JsonNode f : new ObjectMapper().readTree(file.toFile())) {
            String title = text(f.get("Title"));
            LocalDate date = parseDate(text(f.get("Release Date")));
            if (title == null || date == null) continue; // without a year the match rule cannot be applied
            Match m = new Match(
                    date,
                    number(f.get("IMDB Rating")),
                    f.hasNonNull("IMDB Votes") ? f.get("IMDB Votes").asLong() : null,
                    f.hasNonNull("Running Time min") ? f.get("Running Time min").asInt() : null,
                    text(f.get("Director")));
            e.byTitle
                    .computeIfAbsent(normaliseTitle(title), k -> new ArrayList<>())
                    .add(new Film(date.getYear(), m));
        }
        return e;
    }

    /** The film with the same normalised title whose year is closest to {@code year}, within one year; else null. */
    public Match match(String movieLensTitle, Integer year) {
        if (movieLensTitle == null || year == null) return null;
        List<Film> films = byTitle.get(normaliseTitle(MovieLensCsv.displayTitle(movieLensTitle)));
        if (films == null) return null;
        Film best = null;
        for (Film f : films) {
            int d = Math.abs(f.year() - year);
            if (d <= 1 && (best == null || d < Math.abs(best.year() - year))) best = f;
        }
        return best == null ? null : best.match();
    }

    /** Lower case, accents stripped, "&" as "and", punctuation dropped, spaces collapsed: "The Matrix!" -> "the matrix". */
    public static String normaliseTitle(String title) {
        String t = Normalizer.normalize(title, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        t = t.toLowerCase(Locale.ROOT).replace("&", " and ");
        t = t.replaceAll("[^a-z0-9 ]", " ").replaceAll("\\s+", " ").trim();
        return t;
    }

    static LocalDate parseDate(String s) {
        if (s == null) return null;
        try {
            return LocalDate.parse(s.trim(), VEGA_DATE);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank()
                ? null
                : n.asText().trim();
    }

    private static Double number(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.asDouble();
    }
}
