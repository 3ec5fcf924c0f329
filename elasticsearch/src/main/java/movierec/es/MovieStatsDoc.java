package movierec.es;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A movie's rating statistics, written into its {@code movies} document as a partial update. The average and the
 * last rating time are null once no rating is left, and written as null so that nothing of the last (say, erased)
 * rating stays behind.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MovieStatsDoc(
        @JsonProperty("rating_count") long ratingCount,
        @JsonProperty("rating_sum") double ratingSum,
        @JsonProperty("rating_avg") Double ratingAvg,
        @JsonProperty("last_rated_at") Long lastRatedAt) {}
