package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A {@code users} document as readers see it (the stream job writes it); a field not asked for is null. */
@JsonIgnoreProperties(ignoreUnknown = true)
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
        float[] embedding,
        @JsonProperty("model_version") String modelVersion) {}
