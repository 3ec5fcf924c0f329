package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What everyone outside an experiment gets ({@code experiments/serving}): a variant and its kind, and the one served
 * before the last promotion, which a rollback goes back to. Absent: the built-in {@code blend}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServingDoc(
        String variant,
        String kind,
        @JsonProperty("previous_variant") String previousVariant,
        @JsonProperty("previous_kind") String previousKind,
        @JsonProperty("updated_at") long updatedAt) {
    public static final String ID = "serving";
    public static final ServingDoc DEFAULT = new ServingDoc("blend", "blend", null, null, 0);
}
