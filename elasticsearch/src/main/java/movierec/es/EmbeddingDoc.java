package movierec.es;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What training writes into a {@code movies} or {@code users} document as a partial update: the stored vector, for a
 * movie also its context vector, and the model version. A user has no context: null, left out of the JSON (the users
 * mapping has no such field).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmbeddingDoc(
        float[] embedding,
        float[] context,
        @JsonProperty("model_version") String modelVersion) {}
