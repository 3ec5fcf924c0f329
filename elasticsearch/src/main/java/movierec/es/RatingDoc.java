package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A {@code ratings} document as readers see it: one user's current rating of one movie. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RatingDoc(
        @JsonProperty("user_id") Long userId,
        @JsonProperty("movie_id") Long movieId,
        Double rating,
        Long timestamp) {}
