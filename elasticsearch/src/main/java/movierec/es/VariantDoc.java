package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A named variant in the {@code models} index (id {@code variant:<name>}): its kind, the model version it was trained
 * as (null for popularity, which needs none) and that kind's offline validation figures from the training.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VariantDoc(
        String variant,
        String kind,
        String version,
        Map<String, Object> validation,
        @JsonProperty("trained_at") Long trainedAt) {
    public static String id(String name) {
        return "variant:" + name;
    }
}
