package movierec.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import movierec.common.Impression;
import movierec.common.ImpressionBatch;
import movierec.common.MovierecConfig;
import movierec.kafka.EventProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Logs every list the API serves as an {@link Impression} on the {@code impressions} topic, off the request's path: a
 * request only puts the list in a bounded queue; one writer thread takes what has queued every
 * {@code api.impressions.flush.ms} and sends it as a few records of up to {@value ImpressionBatch#MAX_LISTS} lists
 * ({@link ImpressionBatch}). A record per list cost the API's producer, the broker and the stream job's Kafka source
 * more than the list's own few hundred bytes did. A full queue, or a Kafka that cannot take the lists, costs a counted
 * drop, never a request's time or an error. Off with {@code api.impressions=false}.
 */
final class ImpressionLog implements AutoCloseable {
    /** About ten seconds of lists at the bench's rate: a Kafka outage longer than that drops lists, not memory. */
    private static final int QUEUE_CAPACITY = 20_000;

    private final EventProducer producer;
    private final BlockingQueue<Impression> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread writer;
    private final long flushMs;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    ImpressionLog(MovierecConfig config) {
        this.flushMs = config.getInt("api.impressions.flush.ms");
        if (!Boolean.parseBoolean(config.get("api.impressions"))) {
            this.producer = null;
            this.writer = null;
            return;
        }
        // the writer thread, not a request, waits if the topic's metadata is not known yet
        this.producer = new EventProducer(
                config,
                Map.of(
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        "1000",
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "movierec-impressions"));
        this.writer = new Thread(this::writeUntilClosed, "impressions-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * A list served: for {@code userId} (null: anonymous), {@code list} (similar: to {@code movieId}), ranked by
     * {@code variant} (null outside the recommendations).
     */
    void served(
            Long userId, String list, Long movieId, String modelVersion, String variant, List<Recommendation> items) {
        if (producer == null) return;
        List<Long> ids = new ArrayList<>(items.size());
        for (Recommendation r : items) ids.add(r.movie().id());
        long now = System.currentTimeMillis();
        Impression i = new Impression(
                Impression.newId(now, ThreadLocalRandom.current()),
                userId,
                list,
                movieId,
                modelVersion,
                variant,
                ids,
                now);
        if (!queue.offer(i)) dropped.incrementAndGet();
    }

    private void writeUntilClosed() {
        List<Impression> lists = new ArrayList<>(ImpressionBatch.MAX_LISTS);
        try {
            while (!closed.await(flushMs, TimeUnit.MILLISECONDS)) send(lists);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        send(lists); // closing: what has queued since the last flush
    }

    /** Everything queued, in records of up to {@link ImpressionBatch#MAX_LISTS} lists. */
    private void send(List<Impression> lists) {
        while (queue.drainTo(lists, ImpressionBatch.MAX_LISTS) > 0) {
            int n = lists.size();
            try {
                producer.sendImpressions(lists).whenComplete((m, e) -> (e == null ? sent : dropped).addAndGet(n));
            } catch (RuntimeException cannot) {
                dropped.addAndGet(n);
            }
            lists.clear();
        }
    }

    String renderPrometheus() {
        if (producer == null) return "";
        return "# HELP movierec_impressions_total Served lists logged to the impressions topic, and dropped.\n"
                + "# TYPE movierec_impressions_total counter\n"
                + "movierec_impressions_total{result=\"sent\"} " + sent.get() + "\n"
                + "movierec_impressions_total{result=\"dropped\"} " + dropped.get() + "\n";
    }

    @Override
    public void close() {
        if (producer == null) return;
        // not an interrupt: a send waiting for Kafka's metadata would drop its lists
        closed.countDown();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
