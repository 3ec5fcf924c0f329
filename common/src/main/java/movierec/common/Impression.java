package movierec.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One list the API served, on the {@code impressions} topic: who it was for ({@code userId}, null for an anonymous
 * visitor), which list ({@code recommendations}, or {@code similar} to {@code movieId}), the model version and
 * experiment variant that ranked it, the movie ids in the order shown, and when. Keyed by user id, so the stream job's
 * user-keyed stage writes it and an erasure of the user covers it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Impression(
        String id,
        Long userId,
        String list,
        Long movieId,
        String modelVersion,
        String variant,
        List<Long> items,
        long servedAt) {
    public static final String RECOMMENDATIONS = "recommendations";
    public static final String SIMILAR = "similar";

    /** The Kafka key: the user, or for an anonymous visitor the impression itself (spread over partitions). */
    public String key() {
        return userId != null ? String.valueOf(userId) : id;
    }
}
