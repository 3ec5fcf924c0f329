package movierec.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A movie as it travels on the {@code movies} topic: TMDB-shaped (snake_case), plus {@code source}.
 * Fields a source does not have stay null; they are never invented.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MovieEvent(
        @JsonProperty("id") Long id,
        @JsonProperty("title") String title,
        @JsonProperty("overview") String overview,
        @JsonProperty("genre_ids") List<Integer> genreIds,
        @JsonProperty("original_language") String originalLanguage,
        @JsonProperty("release_date") String releaseDate,
        @JsonProperty("vote_average") Double voteAverage,
        @JsonProperty("vote_count") Long voteCount,
        @JsonProperty("popularity") Double popularity,
        @JsonProperty("poster_path") String posterPath,
        @JsonProperty("runtime") Integer runtime,
        @JsonProperty("director") String director,
        @JsonProperty("tmdb_id") Long tmdbId,
        @JsonProperty("source") String source) {

    /** A movie known by its title and genres alone (what a source without metadata, or a test, has). */
    public static MovieEvent of(long id, String title, List<Integer> genreIds, String source) {
        return new MovieEvent(id, title, null, genreIds, null, null, null, null, null, null, null, null, null, source);
    }

    /** The Kafka key: the movie id as decimal text, so compaction keeps the latest version of each movie. */
    public String key() {
        return String.valueOf(id);
    }
}
