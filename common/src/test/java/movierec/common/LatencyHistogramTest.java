package movierec.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void bucketsAreInclusiveUpperBounds() {
        LatencyHistogram h = new LatencyHistogram();
        h.add(0);
        h.add(25);
        h.add(26);
        h.add(-5); // a clock step: counted as 0
        h.add(1_000_000);
        long[] c = h.counts();
        assertEquals(3, c[0]);
        assertEquals(1, c[1]);
        assertEquals(1, c[c.length - 1]);
        assertEquals(5, h.count());
    }

    @Test
    void quantilesNameTheBucketBound() {
        LatencyHistogram h = new LatencyHistogram();
        assertNull(h.quantileUpperBoundMs(0.5));
        for (int i = 0; i < 90; i++) h.add(80);
        for (int i = 0; i < 10; i++) h.add(900);
        assertEquals(100L, h.quantileUpperBoundMs(0.5));
        assertEquals(100L, h.quantileUpperBoundMs(0.9));
        assertEquals(1_000L, h.quantileUpperBoundMs(0.91));
        h.add(70_000);
        assertEquals(-1L, h.quantileUpperBoundMs(1.0));
    }

    @Test
    void mergedHistogramsAddUpExactly() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        a.add(10);
        b.add(10);
        b.add(400);
        a.merge(b);
        assertEquals(3, a.count());
        assertArrayEquals(a.counts(), LatencyHistogram.of(a.counts()).counts());
        assertThrows(IllegalArgumentException.class, () -> LatencyHistogram.of(new long[3]));
    }
}
