package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BeyondAccuracyTest {
    @Test
    void coverageCountsEachItemOnceOverTheCatalogue() {
        assertThat(BeyondAccuracy.coverage(List.of(List.of(1L, 2L), List.of(2L, 3L)), 10))
                .isCloseTo(0.3, within(1e-12));
        assertThat(BeyondAccuracy.coverage(List.of(), 10)).isZero();
    }

    @Test
    void noveltyIsTheMeanSelfInformationOfTheRatingShare() {
        // item 1 has half of the 8 ratings (1 bit), item 2 an eighth (3 bits)
        Map<Long, Integer> ratings = Map.of(1L, 4, 2L, 1, 3L, 3);
        assertThat(BeyondAccuracy.novelty(List.of(List.of(1L, 2L)), ratings)).isCloseTo(2, within(1e-12));
        assertThat(BeyondAccuracy.novelty(List.of(List.of(1L), List.of(1L, 1L, 2L)), ratings))
                .isCloseTo(1.5, within(1e-12));
        // never rated in training: as if rated once
        assertThat(BeyondAccuracy.novelty(List.of(List.of(99L)), ratings)).isCloseTo(3, within(1e-12));
    }

    @Test
    void intraListDiversityIsTheMeanPairwiseCosineDistance() {
        float[] a = {1, 0};
        float[] b = {2, 0};
        float[] c = {0, 1};
        assertThat(BeyondAccuracy.intraListDiversity(List.of(a, b))).isCloseTo(0, within(1e-12));
        // pairs (a,b) 0, (a,c) 1, (b,c) 1
        assertThat(BeyondAccuracy.intraListDiversity(List.of(a, b, c))).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(BeyondAccuracy.intraListDiversity(Arrays.asList(a, null, c))).isCloseTo(1, within(1e-12));
        assertThat(BeyondAccuracy.intraListDiversity(List.of(a))).isNaN();
    }

    @Test
    void theMeanLeavesOutUndefinedLists() {
        assertThat(BeyondAccuracy.mean(List.of(0.5, Double.NaN, 1.0))).isCloseTo(0.75, within(1e-12));
        assertThat(BeyondAccuracy.mean(List.of(Double.NaN))).isNaN();
    }

    @Test
    void giniIsZeroForEvenExposureAndNearOneForOneItem() {
        assertThat(BeyondAccuracy.gini(List.of(List.of(1L, 2L), List.of(3L, 4L)), 4))
                .isCloseTo(0, within(1e-12));
        // everything on one of four items: 1 − 1/4
        assertThat(BeyondAccuracy.gini(List.of(List.of(1L), List.of(1L)), 4)).isCloseTo(0.75, within(1e-12));
        // counts 0, 0, 1, 3: (−3·0 − 1·0 + 1·1 + 3·3) / (4 · 4) = 10/16
        assertThat(BeyondAccuracy.gini(List.of(List.of(1L, 2L), List.of(1L), List.of(1L)), 4))
                .isCloseTo(10.0 / 16, within(1e-12));
        assertThat(BeyondAccuracy.gini(List.of(), 4)).isZero();
    }
}
