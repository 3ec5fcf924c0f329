package movierec.es;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What training writes into a {@code movies} or {@code users} document as a partial update: the stored vector, for a
 * movie also its context vector and its strongest transitions ({@code movierec.common.NextMovies}), and the model
 * version. A user has neither: null, left out of the JSON (the users mapping has no such fields).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmbeddingDoc(
        float[] embedding,
        float[] context,
        @JsonProperty("next_movie_ids") long[] nextMovieIds,
        @JsonProperty("next_weights") float[] nextWeights,
        @JsonProperty("model_version") String modelVersion) {
    /** A user's: the vector and the model version. */
    public static EmbeddingDoc ofUser(float[] embedding, String modelVersion) {
        return new EmbeddingDoc(embedding, null, null, null, modelVersion);
    }
}
