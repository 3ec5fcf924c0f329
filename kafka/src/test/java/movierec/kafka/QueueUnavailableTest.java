package movierec.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class QueueUnavailableTest {
    @Test
    void anAcknowledgementComesBack() {
        assertThat(QueueUnavailable.await(() -> CompletableFuture.completedFuture("ack"), 1000))
                .isEqualTo("ack");
    }

    @Test
    void failuresThatPassAreQueueUnavailable() {
        assertThatThrownBy(() -> QueueUnavailable.await(
                        () -> CompletableFuture.failedFuture(new TimeoutException("no broker")), 1000))
                .isInstanceOf(QueueUnavailable.class)
                .hasMessageContaining("no broker");
        assertThatThrownBy(() -> QueueUnavailable.await(CompletableFuture::new, 50))
                .isInstanceOf(QueueUnavailable.class)
                .hasMessage("Kafka did not acknowledge the write within 50 ms");
        assertThatThrownBy(() -> QueueUnavailable.await(
                        () -> {
                            throw new TimeoutException("metadata");
                        },
                        1000))
                .isInstanceOf(QueueUnavailable.class);
    }

    @Test
    void aWriteKafkaRefusesForGoodStaysWhatItIs() {
        assertThatThrownBy(() -> QueueUnavailable.await(
                        () -> CompletableFuture.failedFuture(new RecordTooLargeException("big")), 1000))
                .isInstanceOf(RecordTooLargeException.class);
    }
}
