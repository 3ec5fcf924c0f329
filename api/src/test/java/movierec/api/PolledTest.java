package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    @Test
    void whileOneCallerReReadsTheOthersGetThePreviousValueWithoutWaiting() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch inSecondRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Polled<String> polled = new Polled<>(() -> {
            int n = loads.incrementAndGet();
            if (n == 2) {
                inSecondRead.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "v" + n;
        });
        assertThat(polled.get(1)).isEqualTo("v1");
        Thread.sleep(5);
        Thread reader = new Thread(() -> polled.get(1));
        reader.start();
        assertThat(inSecondRead.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(polled.get(1)).as("the previous value, not a wait").isEqualTo("v1");
        assertThat(loads.get()).as("no second concurrent read").isEqualTo(2);
        release.countDown();
        reader.join();
        assertThat(polled.get(60_000)).isEqualTo("v2");
    }

    @Test
    void aFailedReadLetsTheNextCallerTryAgain() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        Polled<String> polled = new Polled<>(() -> {
            if (loads.incrementAndGet() == 2) throw new IllegalStateException("store away");
            return "v" + loads.get();
        });
        assertThat(polled.get(1)).isEqualTo("v1");
        Thread.sleep(5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> polled.get(1)).hasMessage("store away");
        assertThat(polled.get(1)).isEqualTo("v3");
    }
}
