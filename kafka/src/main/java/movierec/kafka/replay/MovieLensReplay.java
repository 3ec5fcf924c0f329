package movierec.kafka.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import movierec.common.MovieEvent;
import movierec.common.Progress;
import movierec.common.RatingEvent;
import movierec.kafka.EventProducer;

/**
 * Replays the MovieLens CSVs into Kafka: movies first (so ratings find their movie), then ratings in timestamp order,
 * as fast as the producer goes or at a fixed rate. Keys and event ids come from the data, so a re-run produces the
 * same events and creates no duplicates downstream.
 */
public final class MovieLensReplay {
    /** What a replay did. */
    public record Summary(int movies, int enriched, int ratings, long failed, double seconds) {}

    private final EventProducer producer;
    private final PrintStream out;

    public MovieLensReplay(EventProducer producer, PrintStream out) {
        this.producer = producer;
        this.out = out;
    }

    /**
     * @param moviesCsv movies.csv, or null to skip movies
     * @param ratingsCsv ratings.csv, or null to skip ratings
     * @param vegaJson vega movies.json for enrichment, or null
     * @param ratePerSecond ratings per second, or 0 for as fast as possible
     */
    public Summary run(Path moviesCsv, Path ratingsCsv, Path vegaJson, double ratePerSecond) throws IOException {
        long start = System.nanoTime();
        AtomicLong failed = new AtomicLong();
        int movies = 0;
        int enriched = 0;
        if (moviesCsv != null) {
            VegaEnrichment vega = vegaJson == null ? null : VegaEnrichment.load(vegaJson);
            List<MovieLensCsv.MovieRow> rows = MovieLensCsv.readMovies(moviesCsv);
            Progress progress = new Progress("movies", rows.size(), out);
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (MovieLensCsv.MovieRow row : rows) {
                VegaEnrichment.Match match = vega == null ? null : vega.match(row.title(), row.year());
                if (match != null) enriched++;
                MovieEvent event = MovieLensCsv.toEvent(row, match);
                sends.add(producer.sendMovie(event).whenComplete((m, e) -> {
                    if (e != null) failed.incrementAndGet();
                }));
                progress.step(1);
                movies++;
            }
            producer.flush();
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null)
                    .join();
            progress.finish();
            if (vega != null) {
                out.printf(
                        "enriched %,d of %,d movies from %s (match on normalised title + year within 1)%n",
                        enriched, movies, vegaJson.getFileName());
            }
        }
        int ratings = 0;
        if (ratingsCsv != null) {
            List<RatingEvent> events = MovieLensCsv.readRatings(ratingsCsv, "csv");
            Progress progress = new Progress("ratings", events.size(), out);
            List<CompletableFuture<?>> sends = new ArrayList<>(events.size());
            long t0 = System.nanoTime();
            for (RatingEvent e : events) {
                if (ratePerSecond > 0) pace(t0, ratings, ratePerSecond);
                sends.add(producer.sendRating(e).whenComplete((m, ex) -> {
                    if (ex != null) failed.incrementAndGet();
                }));
                ratings++;
                progress.step(1);
            }
            producer.flush();
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null)
                    .join();
            progress.finish();
        }
        return new Summary(movies, enriched, ratings, failed.get(), (System.nanoTime() - start) / 1e9);
    }

    /** Sleeps until event number {@code n} is due at the given rate. */
    private static void pace(long t0, long n, double rate) {
        long dueNanos = t0 + (long) (n * 1e9 / rate);
        long wait = dueNanos - System.nanoTime();
        if (wait > 1_000_000) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
