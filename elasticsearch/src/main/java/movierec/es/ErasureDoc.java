package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An {@code erasures} document, id the user id: the time of the user's latest erasure, written by the stream job's
 * users writer before it tells the impressions query about the erasure. The impressions query drops every list served
 * to the user before it (within the clock skew) whenever the list arrives, so a list still in an API server's buffer,
 * or replayed from the topic, never lands after the erasure. It keeps nothing of the user but the id and this time,
 * and only as long as the {@code impressions} topic may still hold lists served before it (two weeks), as the topic
 * itself holds them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErasureDoc(
        @JsonProperty("user_id") long userId,
        @JsonProperty("erased_at") long erasedAt) {}
