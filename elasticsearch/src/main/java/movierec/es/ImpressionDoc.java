package movierec.es;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One served list in the {@code impressions} index (id: the impression's id); {@code movie_ids} in the order shown. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImpressionDoc(
        @JsonProperty("impression_id") String impressionId,
        @JsonProperty("user_id") Long userId,
        @JsonProperty("list") String list,
        @JsonProperty("movie_id") Long movieId,
        @JsonProperty("model_version") String modelVersion,
        @JsonProperty("variant") String variant,
        @JsonProperty("movie_ids") List<Long> movieIds,
        @JsonProperty("served_at") long servedAt) {}
