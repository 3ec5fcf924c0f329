package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorsTest {
    @Test
    void cosineIsTheAngleWhateverTheLengths() {
        assertThat(Vectors.cosine(new float[] {1, 0}, new float[] {5, 0})).isCloseTo(1, within(1e-9));
        assertThat(Vectors.cosine(new float[] {1, 0}, new float[] {0, 2})).isCloseTo(0, within(1e-9));
        assertThat(Vectors.cosine(new float[] {1, 1}, new float[] {-3, -3})).isCloseTo(-1, within(1e-9));
    }

    @Test
    void aZeroVectorIsLikeNothing() {
        assertThat(Vectors.cosine(new float[] {0, 0}, new float[] {1, 2})).isZero();
    }
}
