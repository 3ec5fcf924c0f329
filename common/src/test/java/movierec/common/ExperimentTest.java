package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentTest {
    @Test
    void aSplitIsReadInOrderAndMustAddUpTo100() {
        assertThat(Experiment.parseSplit("blend=50, popularity=50"))
                .containsExactly(Map.entry("blend", 50), Map.entry("popularity", 50));
        assertThatThrownBy(() -> Experiment.parseSplit("a=50,b=40")).hasMessageContaining("add up to 90");
        assertThatThrownBy(() -> Experiment.parseSplit("a=100")).hasMessageContaining("at least two");
        assertThatThrownBy(() -> Experiment.parseSplit("a=50,a=50")).hasMessageContaining("twice");
        assertThatThrownBy(() -> Experiment.parseSplit("a=x,b=50")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Experiment.parseSplit("A B=50,b=50")).hasMessageContaining("variant=percent");
    }

    @Test
    void aUserAlwaysGetsTheSameVariantAndUsersFollowTheSplit() {
        Map<String, Integer> split = Experiment.parseSplit("control=20,candidate=80");
        Map<String, Integer> counts = new HashMap<>();
        for (long u = 1; u <= 20_000; u++) {
            String v = Experiment.assign("salt-1", u, split);
            assertThat(Experiment.assign("salt-1", u, split)).isEqualTo(v);
            counts.merge(v, 1, Integer::sum);
        }
        assertThat(counts.get("control") / 20_000.0).isCloseTo(0.2, within(0.015));
        // another experiment shuffles users afresh: about 20 % of the control users are in its control too
        long both = 0;
        for (long u = 1; u <= 20_000; u++)
            if (Experiment.assign("salt-1", u, split).equals("control")
                    && Experiment.assign("salt-2", u, split).equals("control")) both++;
        assertThat(both / (double) counts.get("control")).isCloseTo(0.2, within(0.03));
        // a visitor's id is stable too, and not the user of the same digits
        assertThat(Experiment.assignVisitor("salt-1", "abc", split))
                .isEqualTo(Experiment.assignVisitor("salt-1", "abc", split));
        long differ = 0;
        for (long u = 1; u <= 1_000; u++)
            if (!Experiment.assign("salt-1", u, split).equals(Experiment.assignVisitor("salt-1", "" + u, split)))
                differ++;
        assertThat(differ).isPositive();
    }

    @Test
    void hitRatesCarryAUserLevelIntervalAndTheirDifferenceAPValue() {
        List<HitRate.PerUser> weak = new ArrayList<>();
        List<HitRate.PerUser> strong = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            weak.add(new HitRate.PerUser(10, u % 5 == 0 ? 2 : 0)); // 4 %
            strong.add(new HitRate.PerUser(10, u % 2 == 0 ? 2 : 1)); // 15 %
        }
        HitRate a = HitRate.of(weak);
        HitRate b = HitRate.of(strong);
        assertThat(a.rate()).isCloseTo(0.04, within(1e-12));
        assertThat(b.rate()).isCloseTo(0.15, within(1e-12));
        assertThat(a.low95()).isLessThan(0.04);
        assertThat(a.high95()).isGreaterThan(0.04);
        HitRate.Difference d = a.compare(b);
        assertThat(d.difference()).isCloseTo(0.11, within(1e-12));
        assertThat(d.pValue()).isLessThan(1e-6);
        // the same rates: no evidence of a difference
        assertThat(a.compare(HitRate.of(weak)).pValue()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void theNormalCdfMatchesItsTable() {
        assertThat(HitRate.normalCdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(HitRate.normalCdf(1.96)).isCloseTo(0.975, within(1e-4));
        assertThat(HitRate.normalCdf(-2.5758)).isCloseTo(0.005, within(1e-4));
    }
}
