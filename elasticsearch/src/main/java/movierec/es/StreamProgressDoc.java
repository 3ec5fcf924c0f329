package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The stream job's progress as the API needs it, one document ({@link #ID}) in {@code stream_progress}, rewritten by
 * the stream job's driver as batches commit: per {@code ratings} partition the offset below which every event is in
 * the users' documents (the API's read-your-writes waits on it), and the counts of its event -> applied latency
 * histogram ({@code movierec.common.LatencyHistogram}'s buckets) since the job started.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamProgressDoc(
        Map<String, Long> applied,
        @JsonProperty("event_to_applied_counts") List<Long> eventToAppliedCounts,
        @JsonProperty("updated_at") Long updatedAt) {
    public static final String ID = "users";

    /** Whether the users' documents reflect the event at {@code offset} of {@code ratings} partition {@code partition}. */
    public boolean covers(int partition, long offset) {
        Long end = applied == null ? null : applied.get(String.valueOf(partition));
        return end != null && end > offset;
    }
}
