package movierec.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import movierec.es.IndexedRatingDoc;
import movierec.es.MovieStatsDoc;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The ratings query's batch ({@link RatingsByMovie}'s output plus the records that failed to parse), written from
 * the executors: changed pairs become {@code ratings} documents (indexed, or deleted once retracted or erased) and
 * messages on {@code ratings.pairs} for the users query (as do dismissals and erasure requests); statistics are upserted into {@code movies} as whole values; dead
 * letters go to {@code ratings.dlq}. A task ends only when Elasticsearch and Kafka acknowledged everything, so the
 * checkpoint never runs ahead of the writes.
 */
public final class RatingsSink {
    private RatingsSink() {}

    /** One partition of a batch (an {@link ExecutorSink.PartitionWriter}). */
    static void write(ExecutorClients x, Iterator<RatingsByMovie.Emitted> rows, BatchMetrics metrics) {
        String ratingsIndex = x.config.index("ratings");
        String moviesIndex = x.config.index("movies");
        String pairsTopic = x.config.topic("ratings.pairs");
        String dlqTopic = x.config.topic("ratings.dlq");
        List<Future<RecordMetadata>> pairSends = new ArrayList<>();
        List<Future<RecordMetadata>> letterSends = new ArrayList<>();
        long letters = 0;
        EsBulk.Writer ops = x.bulk.writer();
        while (rows.hasNext()) {
            RatingsByMovie.Emitted e = rows.next();
            switch (e.getKind()) {
                case "pair" -> {
                    PairChange p = e.getPair();
                    ops.add(
                            p.getRating() == null
                                    ? EsBulk.delete(ratingsIndex, p.id())
                                    : EsBulk.index(ratingsIndex, p.id(), ratingDocument(p)));
                    pairSends.add(x.kafka.send(pairsTopic, p.id(), p.encode()));
                }
                case "user" ->
                    pairSends.add(x.kafka.send(
                            pairsTopic, e.getPair().id(), e.getPair().encode()));
                case "erased" -> ops.add(EsBulk.delete(ratingsIndex, e.getPair().id()));
                case "stats" -> ops.add(EsBulk.upsert(moviesIndex, String.valueOf(e.getMovieId()), statsDocument(e)));
                case "dead" -> {
                    letterSends.add(x.kafka.deadLetter(dlqTopic, e.getLetter()));
                    letters++;
                }
                default -> throw new IllegalStateException("unknown output kind " + e.getKind());
            }
        }
        ops.close();
        long waiting = System.nanoTime();
        x.kafka.await(letterSends);
        // where this task's pairs landed: the driver learns when the users query has read past all of a batch's pairs
        for (RecordMetadata m : x.kafka.await(pairSends)) metrics.pairsWritten.add(m.partition(), m.offset());
        metrics.writeMs.add(ops.blockedMs() + (System.nanoTime() - waiting) / 1_000_000);
        metrics.out.add(ops.count());
        metrics.dlq.add(letters);
    }

    static IndexedRatingDoc ratingDocument(PairChange p) {
        return new IndexedRatingDoc(
                p.getUserId(), p.getMovieId(), p.getRating(), p.getTimestamp(), p.getGenres(), p.getSource());
    }

    static MovieStatsDoc statsDocument(RatingsByMovie.Emitted s) {
        MovieStats stats = new MovieStats(s.getCount(), s.getSum(), s.getLastRatedAt());
        return new MovieStatsDoc(
                stats.getCount(),
                stats.getSum(),
                stats.average(),
                stats.getLastRatedAt() == 0 ? null : stats.getLastRatedAt());
    }
}
