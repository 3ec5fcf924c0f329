package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The stream job's progress as the API needs it, one document ({@link #ID}) in {@code stream_progress}, rewritten by
 * the stream job's driver as batches commit: per {@code ratings} partition the offset below which every event is in
 * the users' documents (the API's read-your-writes waits on it), per {@code impressions} partition the offset below
 * which the impressions query has committed every record (an erasure's status waits on its marker), and the counts of
 * its event -> applied latency histogram ({@code movierec.common.LatencyHistogram}'s buckets) since the job started.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamProgressDoc(
        Map<String, Long> applied,
        @JsonProperty("impressions_read") Map<String, Long> impressionsRead,
        @JsonProperty("event_to_applied_counts") List<Long> eventToAppliedCounts,
        @JsonProperty("updated_at") Long updatedAt) {
    public static final String ID = "users";

    /** Whether the users' documents reflect the event at {@code offset} of {@code ratings} partition {@code partition}. */
    public boolean covers(int partition, long offset) {
        Long end = applied == null ? null : applied.get(String.valueOf(partition));
        return end != null && end > offset;
    }

    /** Whether the impressions query has committed every record of {@code impressions} partition {@code partition} before {@code end}. */
    public boolean impressionsRead(int partition, long end) {
        Long read = impressionsRead == null ? null : impressionsRead.get(String.valueOf(partition));
        return end == 0 || (read != null && read >= end);
    }
}
