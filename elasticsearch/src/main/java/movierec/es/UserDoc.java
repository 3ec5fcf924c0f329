package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A {@code users} document: the stream job writes it whole (the vector and model version only once a model knows one
 * of the user's movies), readers ask for some fields and find the others null. Null is left out of the JSON, so an
 * update keeps the stored value.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserDoc(
        @JsonProperty("user_id") Long userId,
        @JsonProperty("rating_count") Long ratingCount,
        @JsonProperty("rating_avg") Double ratingAvg,
        @JsonProperty("top_genres") List<String> topGenres,
        @JsonProperty("recent_movie_ids") List<Long> recentMovieIds,
        /** Oldest first (ties by movie id), as the live vector is folded in; {@code history_ratings} aligned. */
        @JsonProperty("rated_movie_ids") List<Long> ratedMovieIds,
        @JsonProperty("history_ratings") List<Double> historyRatings,
        @JsonProperty("last_rated_at") Long lastRatedAt,
        @JsonProperty("updated_at") Long updatedAt,
        float[] embedding,
        @JsonProperty("model_version") String modelVersion,
        /** The {@code ratings} partition and offset of the latest event the document reflects. */
        @JsonProperty("applied_partition") Integer appliedPartition,
        @JsonProperty("applied_offset") Long appliedOffset,
        /** "Not interested": never recommended to the user; the movies also count against them in the live vector. */
        @JsonProperty("dismissed_movie_ids") List<Long> dismissedMovieIds,
        @JsonProperty("dismissed_genres") List<String> dismissedGenres) {}
