package movierec.es;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A movie's own fields in {@code movies}, as the stream job writes them from a movie event (its rating statistics and
 * vectors are written apart: {@link MovieStatsDoc}, {@link EmbeddingDoc}). An absent value is null and left out of
 * the JSON, so writing over a stored movie keeps what it had rather than inventing a value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MovieDoc(
        String id,
        @JsonProperty("movie_id") long movieId,
        @JsonProperty("tmdb_id") Long tmdbId,
        String title,
        String overview,
        String description,
        @JsonProperty("original_language") String originalLanguage,
        String language,
        @JsonProperty("release_year") Integer releaseYear,
        @JsonProperty("vote_average") Double voteAverage,
        @JsonProperty("vote_average_norm") Double voteAverageNorm,
        @JsonProperty("vote_count") Long voteCount,
        Double popularity,
        @JsonProperty("popularity_norm") Double popularityNorm,
        Integer runtime,
        String director,
        @JsonProperty("poster_path") String posterPath,
        String source,
        /** yyyy-MM-dd */
        @JsonProperty("release_date") String releaseDate,
        @JsonProperty("genre_ids") List<Integer> genreIds,
        List<String> genres,
        @JsonProperty("updated_at") long updatedAt) {}
