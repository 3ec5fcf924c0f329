package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An {@code erasures} document, id the user id: the time of the user's latest erasure, written by the stream job's
 * users writer before it tells the impressions query about the erasure. The impressions query drops every list served
 * to the user before it (within the clock skew) whenever the list arrives, so a list still in an API server's buffer,
 * or replayed from the topic, never lands after the erasure. It keeps nothing of the user but the id and this time,
 * and only as long as the {@code impressions} topic may still hold lists served before it (two weeks), as the topic
 * itself holds them. Once the marker is acknowledged the record also says where it is ({@code marker_partition},
 * {@code marker_offset}): the API's erasure status is {@code complete} once the impressions query has read past it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErasureDoc(
        @JsonProperty("user_id") long userId,
        @JsonProperty("erased_at") long erasedAt,
        @JsonProperty("marker_partition") Integer markerPartition,
        @JsonProperty("marker_offset") Long markerOffset) {
    public ErasureDoc(long userId, long erasedAt) {
        this(userId, erasedAt, null, null);
    }

    /** The record once its marker is in the {@code impressions} topic at {@code partition}, {@code offset}. */
    public ErasureDoc withMarker(int partition, long offset) {
        return new ErasureDoc(userId, erasedAt, partition, offset);
    }
}
