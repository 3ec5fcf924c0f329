package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * An experiment in the {@code experiments} index (id {@code experiment:<name>}): its split (variant -> percent, the
 * first the control), each variant's kind, the salt of its assignment, when it ran, and its last report.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentDoc(
        String name,
        String status,
        String salt,
        Map<String, Integer> split,
        Map<String, String> kinds,
        @JsonProperty("started_at") Long startedAt,
        @JsonProperty("stopped_at") Long stoppedAt,
        Map<String, Object> report) {
    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";

    public static String id(String name) {
        return "experiment:" + name;
    }

    public ExperimentDoc stopped(long at) {
        return new ExperimentDoc(name, STOPPED, salt, split, kinds, startedAt, at, report);
    }

    public ExperimentDoc withReport(Map<String, Object> r) {
        return new ExperimentDoc(name, status, salt, split, kinds, startedAt, stoppedAt, r);
    }
}
