package movierec.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** TMDB's movie genre ids (as served by {@code /3/genre/movie/list}) and the MovieLens genre names mapped onto them. */
public final class Genres {
    private Genres() {}

    public static final Map<Integer, String> TMDB = new LinkedHashMap<>();

    static {
        TMDB.put(28, "Action");
        TMDB.put(12, "Adventure");
        TMDB.put(16, "Animation");
        TMDB.put(35, "Comedy");
        TMDB.put(80, "Crime");
        TMDB.put(99, "Documentary");
        TMDB.put(18, "Drama");
        TMDB.put(10751, "Family");
        TMDB.put(14, "Fantasy");
        TMDB.put(36, "History");
        TMDB.put(27, "Horror");
        TMDB.put(10402, "Music");
        TMDB.put(9648, "Mystery");
        TMDB.put(10749, "Romance");
        TMDB.put(878, "Science Fiction");
        TMDB.put(10770, "TV Movie");
        TMDB.put(53, "Thriller");
        TMDB.put(10752, "War");
        TMDB.put(37, "Western");
    }

    /**
     * MovieLens genre -> TMDB genre id. MovieLens names that TMDB spells differently are translated; "Film-Noir" has no
     * TMDB genre and is closest to Crime; "IMAX" is a screen format, not a genre, and "(no genres listed)" means none:
     * both map to nothing rather than to an invented genre.
     */
    private static final Map<String, Integer> MOVIELENS = Map.ofEntries(
            Map.entry("Action", 28),
            Map.entry("Adventure", 12),
            Map.entry("Animation", 16),
            Map.entry("Children", 10751),
            Map.entry("Comedy", 35),
            Map.entry("Crime", 80),
            Map.entry("Documentary", 99),
            Map.entry("Drama", 18),
            Map.entry("Fantasy", 14),
            Map.entry("Film-Noir", 80),
            Map.entry("Horror", 27),
            Map.entry("Musical", 10402),
            Map.entry("Mystery", 9648),
            Map.entry("Romance", 10749),
            Map.entry("Sci-Fi", 878),
            Map.entry("Thriller", 53),
            Map.entry("War", 10752),
            Map.entry("Western", 37));

    /** "Adventure|Animation|Children" -> [12, 16, 10751], duplicates removed, order kept. */
    public static List<Integer> fromMovieLens(String pipeSeparated) {
        List<Integer> ids = new ArrayList<>();
        if (pipeSeparated == null) return ids;
        for (String name : pipeSeparated.split("\\|")) {
            Integer id = MOVIELENS.get(name.trim());
            if (id != null && !ids.contains(id)) ids.add(id);
        }
        return ids;
    }

    /** Genre ids -> names; ids TMDB does not define are skipped. */
    public static List<String> names(List<Integer> ids) {
        List<String> out = new ArrayList<>();
        if (ids == null) return out;
        for (Integer id : ids) {
            String name = id == null ? null : TMDB.get(id);
            if (name != null && !out.contains(name)) out.add(name);
        }
        return out;
    }
}
