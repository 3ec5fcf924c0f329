package movierec.kafka.collect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import movierec.common.MovieEvent;

/** Shared test helpers: a capturing sink, a retry policy that records waits instead of sleeping, progress capture. */
final class CollectFixtures {
    private CollectFixtures() {}

    /** Records what was sent, and how many events had been sent at each flush. */
    static final class ListSink implements MovieSink {
        final List<MovieEvent> events = new ArrayList<>();
        final List<Integer> flushedAt = new ArrayList<>();
        boolean failFlush;

        @Override
        public void send(MovieEvent e) {
            events.add(e);
        }

        @Override
        public void flush() {
            if (failFlush) throw new CollectException("broker unavailable");
            flushedAt.add(events.size());
        }

        List<Long> ids() {
            return events.stream().map(MovieEvent::id).toList();
        }
    }

    /** 5 attempts, 10 ms base delay, and the waits are recorded rather than slept so tests are fast and exact. */
    static RetryingHttp.Policy recordingPolicy(List<Duration> waits) {
        return new RetryingHttp.Policy(5, Duration.ofMillis(10), Duration.ofSeconds(60), waits::add);
    }

    /** A PrintStream whose text can be read back. */
    static final class Progress {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        List<String> lines() {
            return text().lines().toList();
        }
    }

    static String resource(String name) {
        try (InputStream in = CollectFixtures.class.getResourceAsStream("/collect/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource collect/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The full text of an exception: its message and every cause's, as a stack trace would print them. */
    static String allMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) sb.append(c).append('\n');
        return sb.toString();
    }
}
