package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import movierec.common.Events;
import movierec.common.Impression;
import org.junit.jupiter.api.Test;

class ServedTest {
    @Test
    void aServedListKeepsItsFieldsAndItsOrder() throws Exception {
        Impression i =
                new Impression("i-1", 7L, Impression.RECOMMENDATIONS, null, "v1", "blend", List.of(3L, 1L, 2L), 1000);
        Served s = Served.fromJson(Events.JSON.writeValueAsBytes(i));
        assertThat(s.getErasedAt()).isNull();
        assertThat(s.getUserId()).isEqualTo(7);
        assertThat(s.getItems()).containsExactly(3L, 1L, 2L);
        assertThat(ImpressionsSink.impressionDocument(s))
                .isEqualTo(new movierec.es.ImpressionDoc(
                        "i-1", 7L, Impression.RECOMMENDATIONS, null, "v1", "blend", List.of(3L, 1L, 2L), 1000L));
    }

    @Test
    void anAnonymousVisitorsListIsKeyedByTheAnonymousKey() throws Exception {
        Impression i = new Impression("i-2", null, Impression.SIMILAR, 5L, "v1", null, List.of(9L), 1000);
        Served s = Served.fromJson(Events.JSON.writeValueAsBytes(i));
        assertThat(s.getUserId()).isNull();
        assertThat(Served.userKey(s)).isEqualTo(Served.ANONYMOUS);
    }

    @Test
    void anErasureMarkerNamesTheUserAndTheTimeAndErasesWhatWasServedUpToTheClockSkewAfterIt() {
        Served s = Served.fromJson(Served.erasure(7, 50_000));
        assertThat(s.getUserId()).isEqualTo(7);
        assertThat(s.getErasedAt()).isEqualTo(50_000);
        assertThat(s.getItems()).isEmpty();
        assertThat(ImpressionsByUser.servedBefore(50_000)).isEqualTo(50_000 + ImpressionsByUser.CLOCK_SKEW_MS);
    }
}
