package movierec.es;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the model cache reads of a {@code movies} document: the movie's stored vectors, title, genres and strongest
 * transitions.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MovieVectorsDoc(
        @JsonProperty("movie_id") long movieId,
        String title,
        List<String> genres,
        float[] embedding,
        float[] context,
        @JsonProperty("next_movie_ids") long[] nextMovieIds,
        @JsonProperty("next_weights") float[] nextWeights) {
    static final List<String> FIELDS =
            List.of("movie_id", "title", "genres", "embedding", "context", "next_movie_ids", "next_weights");
}
