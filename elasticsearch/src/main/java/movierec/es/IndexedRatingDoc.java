package movierec.es;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A {@code ratings} document as the stream job indexes it: {@link RatingDoc}'s fields plus the movie's genres and
 * where the rating came from. A null source is left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexedRatingDoc(
        @JsonProperty("user_id") long userId,
        @JsonProperty("movie_id") long movieId,
        double rating,
        long timestamp,
        List<String> genres,
        String source) {}
