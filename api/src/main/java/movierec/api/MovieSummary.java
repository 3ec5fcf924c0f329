package movierec.api;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The summary every endpoint shows of a movie: read from a {@code movies} document restricted to
 * {@link Movies#FIELDS} and served as is. The stored {@code movie_id} is served as {@code id}; a field the document
 * lacks is null and left out of the answer, as it is left out of the stored document.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MovieSummary(
        @JsonAlias("movie_id") long id,
        String title,
        List<String> genres,
        @JsonProperty("release_date") String releaseDate,
        @JsonProperty("release_year") Integer releaseYear,
        String language,
        String overview,
        String director,
        Integer runtime,
        @JsonProperty("vote_average") Double voteAverage,
        @JsonProperty("vote_count") Long voteCount,
        @JsonProperty("rating_count") Long ratingCount,
        @JsonProperty("rating_avg") Double ratingAvg,
        Double popularity,
        @JsonProperty("poster_path") String posterPath) {}
