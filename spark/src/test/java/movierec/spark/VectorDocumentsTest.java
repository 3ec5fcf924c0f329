package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import movierec.es.EmbeddingDoc;
import org.junit.jupiter.api.Test;

/** The JSON of the partial updates {@link TrainJob} writes into movie and user documents. */
class VectorDocumentsTest {
    @Test
    void aMovieHasItsContextAndAUserNone() {
        assertThat(EsJson.of(new EmbeddingDoc(new float[] {1, 0.5f}, new float[] {-2}, null, null, "m1")))
                .isEqualTo("{\"embedding\":[1.0,0.5],\"context\":[-2.0],\"model_version\":\"m1\"}");
        // the users mapping is strict and has no context field
        assertThat(EsJson.of(EmbeddingDoc.ofUser(new float[] {1, 0.5f}, "m1")))
                .isEqualTo("{\"embedding\":[1.0,0.5],\"model_version\":\"m1\"}");
    }
}
