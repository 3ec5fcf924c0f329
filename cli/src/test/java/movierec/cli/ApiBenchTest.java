package movierec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiBenchTest {
    @Test
    void meanAndItsNinetyFivePercentMargin() {
        double[] x = {1, 2, 3};
        assertEquals(2, ApiBench.mean(x), 1e-12);
        // standard deviation 1, three values: t(2 degrees of freedom) = 4.303, divided by the root of 3
        assertEquals(4.303 / Math.sqrt(3), ApiBench.margin95(x), 1e-9);
    }

    @Test
    void manyValuesUseTheWidestTabledStudentsT() {
        double[] x = new double[20];
        for (int i = 0; i < x.length; i++) x[i] = i % 2;
        double sd = Math.sqrt(20 * 0.25 / 19);
        assertEquals(2.228 * sd / Math.sqrt(20), ApiBench.margin95(x), 1e-9);
    }

    @Test
    void oneValueHasNoMargin() {
        assertTrue(Double.isNaN(ApiBench.margin95(new double[] {0.9})));
    }
}
