package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolledTest {
    @Test
    void readsOncePerAgeAndKeepsAnAbsentValueToo() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        Polled<String> polled = new Polled<>(() -> loads.incrementAndGet() == 1 ? null : "v" + loads.get());
        assertThat(polled.get(60_000)).isNull();
        assertThat(polled.get(60_000)).isNull();
        assertThat(loads.get()).as("an absent value is cached like any other").isEqualTo(1);
        Thread.sleep(5);
        assertThat(polled.get(1)).isEqualTo("v2");
        assertThat(loads.get()).isEqualTo(2);
    }
}
