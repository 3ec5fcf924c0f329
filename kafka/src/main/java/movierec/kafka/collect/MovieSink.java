package movierec.kafka.collect;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import movierec.common.MovieEvent;
import movierec.kafka.EventProducer;

/** Where collected movies go: Kafka in production, a list in tests. */
public interface MovieSink {
    void send(MovieEvent e);

    /** Returns only once every event sent so far is durably delivered; throws if any was not. */
    void flush();

    /** Sends to the {@code movies} topic; {@link #flush()} waits for the broker to acknowledge every send. */
    static MovieSink of(EventProducer producer) {
        return new MovieSink() {
            // Kafka reports failures asynchronously, so keep each page's futures to check them on flush.
            private final List<CompletableFuture<?>> pending = new ArrayList<>();

            @Override
            public void send(MovieEvent e) {
                pending.add(producer.sendMovie(e));
            }

            @Override
            public void flush() {
                producer.flush();
                try {
                    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                            .join();
                } catch (CompletionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new CollectException("Kafka did not acknowledge every movie: " + cause);
                } finally {
                    pending.clear();
                }
            }
        };
    }
}
