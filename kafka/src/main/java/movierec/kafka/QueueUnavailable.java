package movierec.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Kafka did not take a write: unreachable, no leader, or no acknowledgement in time — failures that pass. Thrown where
 * the acknowledgement is awaited ({@link #await}); the API answers it with 503. A write Kafka refuses for good (too
 * large, not authorised) is not this: it stays the error it is.
 */
public final class QueueUnavailable extends RuntimeException {
    public QueueUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    /** Sends and waits up to {@code timeoutMs} for the acknowledgement. */
    public static <T> T await(Supplier<CompletableFuture<T>> send, long timeoutMs) {
        try {
            return send.get().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new QueueUnavailable("Kafka did not acknowledge the write within " + timeoutMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueUnavailable("interrupted while waiting for Kafka", e);
        } catch (RetriableException e) {
            throw new QueueUnavailable("Kafka is unavailable: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException r)
                throw new QueueUnavailable("Kafka is unavailable: " + r.getMessage(), r);
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("Kafka refused the write", e.getCause());
        }
    }
}
