package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A {@code models} document: one trained version ({@code models/current} is a copy of the one served). {@code params}
 * holds the training parameters and the vector layout's entries ({@link movierec.common.VectorLayout#params}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelDoc(
        String version,
        String algorithm,
        Map<String, Object> params,
        Map<String, Object> validation,
        @JsonProperty("trained_at") Long trainedAt,
        Boolean current) {}
