package movierec.common;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One list the API served: who it was for ({@code userId}, null for an anonymous visitor), which list
 * ({@code recommendations}, or {@code similar} to {@code movieId}), the model version and experiment variant that ranked
 * it, the movie ids in the order shown, and when. Its JSON is at once the {@code impressions} topic's record and the
 * {@code impressions} index's document, so the stream job indexes the record's bytes as they are, without parsing them
 * (the record's headers carry what it needs: {@link #HEADER_ID}, {@link #HEADER_USER_ID}, {@link #HEADER_SERVED_AT}).
 * Keyed by user id, so the stream job's user-keyed stage writes it and an erasure of the user covers it. The aliases
 * read the topic's records from before the two shapes were one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Impression(
        @JsonProperty("impression_id") @JsonAlias("id") String id,
        @JsonProperty("user_id") @JsonAlias("userId") Long userId,
        @JsonProperty("list") String list,
        @JsonProperty("movie_id") @JsonAlias("movieId") Long movieId,

        @JsonProperty("model_version") @JsonAlias("modelVersion")
        String modelVersion,

        @JsonProperty("variant") String variant,
        @JsonProperty("movie_ids") @JsonAlias("items") List<Long> items,
        @JsonProperty("served_at") @JsonAlias("servedAt") long servedAt) {
    public static final String RECOMMENDATIONS = "recommendations";
    public static final String SIMILAR = "similar";
    /** Record headers (values: UTF-8 text): the impression's id, its user's id (absent: anonymous), when it was served. */
    public static final String HEADER_ID = "impression_id";

    public static final String HEADER_USER_ID = "user_id";
    public static final String HEADER_SERVED_AT = "served_at";

    /** The record's headers, by name. */
    public Map<String, byte[]> headers() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(HEADER_ID, id.getBytes(StandardCharsets.UTF_8));
        if (userId != null) out.put(HEADER_USER_ID, String.valueOf(userId).getBytes(StandardCharsets.UTF_8));
        out.put(HEADER_SERVED_AT, String.valueOf(servedAt).getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** The Kafka key: the user, or for an anonymous visitor the impression itself (spread over partitions). */
    public String key() {
        return userId != null ? String.valueOf(userId) : id;
    }
}
