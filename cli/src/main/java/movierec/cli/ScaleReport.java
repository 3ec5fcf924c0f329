package movierec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;

/** What {@link ScaleBench} measured per size, as markdown: printed as it goes and written under {@code bench/results/}. */
final class ScaleReport {
    /** What one size measured; NaN = not measured (the run failed first). */
    static final class Result {
        final long size;
        String ns, generated, error;
        long invalid, deadLetters = -1, ratingDocs = -1, distinctPairs = -1;
        int trials, timeouts;
        double[] freshMs = new double[0];
        double produceRate = Double.NaN, ingestRate = Double.NaN, ingestSecs = Double.NaN, rawBulkRate = Double.NaN;
        double heapEndMb = Double.NaN, heapMaxMb = Double.NaN, rssMaxMib = Double.NaN, stateMib = Double.NaN;
        double restartSecs = Double.NaN, extraIndexedSecs = Double.NaN;

        Result(long size) {
            this.size = size;
        }
    }

    private final StringBuilder report = new StringBuilder();

    void header(MovierecConfig c, int users, long seed, int movies) {
        md("# movierec scale benchmark — "
                + LocalDateTime.now()
                        .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .substring(0, 19));
        md("");
        md("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + "; Kafka "
                + c.kafkaBootstrap() + ", Elasticsearch " + c.esUrl() + "; stream job " + c.get("spark.master")
                + ", driver memory "
                + c.get("spark.driver.memory") + ", trigger " + c.get("spark.trigger.ms") + " ms, refresh "
                + c.get("es.refresh.interval") + ".");
        List<String> running = new Stack(c)
                .processesInStopOrder().stream()
                        .filter(LocalProcess::running)
                        .map(LocalProcess::name)
                        .toList();
        md("Also running, sharing the cores: "
                + (running.isEmpty() ? "nothing that up started" : String.join(", ", running)) + ".");
        md("");
        md(String.format(
                "Data per size: synthetic ratings by up to %,d users%s (seed %d) of the bundled %,d movies — Zipf (s = 1) movie "
                        + "popularity over shuffled ids, Zipf-Mandelbrot user activity, Poisson arrivals 10 s apart on average, rating values "
                        + "as in the bundled MovieLens ratings, and ~0.1 %% invalid events for the dead-letter topic (malformed JSON, rating "
                        + "7.5 or 3.7, missing movieId, wrong type, unknown movie, not UTF-8). Each size runs in its own namespace with its "
                        + "own stream job under bin/supervise; its topics, indices and checkpoints are deleted afterwards.",
                users, users < 100_000 ? " (fewer than the 100,000 the scale target asks for)" : "", seed, movies));
        md("");
    }

    void section(Result r) {
        md(String.format("## %,d ratings%s", r.size, r.ns == null ? "" : " (namespace `" + r.ns + "`)"));
        md("");
        if (r.generated != null) md("Generated: " + r.generated + String.format("; %,d invalid.", r.invalid));
        if (r.error != null) md("**Failed:** " + r.error);
        md("");
        md("| measure | value |");
        md("|---|---:|");
        md("| raw Kafka produce (EventProducer: acks=all, idempotent) | " + num(r.produceRate) + " ratings/s |");
        md("| stream job ingest (first busy batch to last, all queries) | " + num(r.ingestRate) + " ratings/s in "
                + dec(r.ingestSecs) + " s |");
        md(String.format(
                "| raw `_bulk` of %,d rating documents (%,d per request, 2 in flight) | %s docs/s |",
                ScaleBench.RAW_DOCS, ScaleBench.BULK, num(r.rawBulkRate)));
        md("| stream JVM (driver + local executors) heap after GC: end / max | " + num(r.heapEndMb) + " / "
                + num(r.heapMaxMb) + " MB |");
        md("| stream JVM (driver + local executors) RSS, max | " + num(r.rssMaxMib) + " MiB |");
        md("| state on disk (the job's checkpoint directory) | " + num(r.stateMib) + " MiB |");
        md(String.format(
                "| correctness after the load: `ratings` documents / distinct valid (user, movie) pairs generated | %,d / %,d |",
                r.ratingDocs, r.distinctPairs));
        md(String.format(
                "| correctness after the load: dead letters / invalid events generated | %,d / %,d |",
                r.deadLetters, r.invalid));
        md("| restart: kill -9 → next ratings batch completed | " + dec(r.restartSecs) + " s |");
        md(String.format(
                "| restart: kill -9 → all %,d extra ratings indexed | %s s |",
                ScaleBench.EXTRA + ScaleBench.EXTRA / 10, dec(r.extraIndexedSecs)));
        md(String.format(
                "| freshness under load: rating → user document readable, p50 / p99 / max | %s / %s / %s ms (%,d trials, %d ran out at 30 s) |",
                ms(r.freshMs, 50), ms(r.freshMs, 99), ms(r.freshMs, 100), r.trials, r.timeouts));
        md("");
    }

    void summary(List<Result> results) {
        md("## Summary");
        md("");
        md(
                "| ratings | ingest ratings/s | raw produce/s | raw `_bulk` docs/s | heap end / max MB | RSS max MiB | state MiB | restart s | freshness p50 / p99 ms |");
        md("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            md(String.format(
                    "| %,d | %s | %s | %s | %s / %s | %s | %s | %s | %s / %s |",
                    r.size,
                    num(r.ingestRate),
                    num(r.produceRate),
                    num(r.rawBulkRate),
                    num(r.heapEndMb),
                    num(r.heapMaxMb),
                    num(r.rssMaxMib),
                    num(r.stateMib),
                    dec(r.restartSecs),
                    ms(r.freshMs, 50),
                    ms(r.freshMs, 99)));
        }
        md("");
        List<Result> ok = results.stream().filter(r -> r.error == null).toList();
        if (ok.size() < 2) {
            md("Checks: need two sizes that completed (" + ok.size() + " did).");
        } else {
            Result small = ok.get(0);
            Result big = ok.get(ok.size() - 1);
            double heap = big.heapEndMb / small.heapEndMb - 1;
            double limit = small.restartSecs * 1.25 + 2;
            double rate = big.ingestRate / small.ingestRate - 1;
            md(String.format(
                    "Checks (%s against %s ratings):", ScaleBench.label(big.size), ScaleBench.label(small.size)));
            md("");
            md(String.format(
                    "- driver heap flat across sizes (end heap within 25 %%): %s → %s MB (%+.0f %%): **%s**",
                    num(small.heapEndMb), num(big.heapEndMb), 100 * heap, verdict(heap, Math.abs(heap) <= 0.25)));
            md(String.format(
                    "- restart time does not grow with the history (≤ %s s × 1.25 + 2 s = %s s): %s s: **%s**",
                    dec(small.restartSecs),
                    dec(limit),
                    dec(big.restartSecs),
                    verdict(limit + big.restartSecs, big.restartSecs <= limit)));
            md(String.format(
                    "- throughput within ±25 %% between the sizes: %s → %s ratings/s (%+.0f %%): **%s**",
                    num(small.ingestRate), num(big.ingestRate), 100 * rate, verdict(rate, Math.abs(rate) <= 0.25)));
        }
        md("");
        md(
                "In local mode Spark runs the driver and its executors in one JVM, so heap and RSS are those of that stream JVM "
                        + "(driver + local executors). Heap is what the job reports as used after its most recent GC, sampled every second "
                        + "during the load (end = once the load is indexed). Ingest divides the ratings by the job's busy span, so Spark "
                        + "start-up is excluded. Restart includes the supervisor's 1 s back-off. Freshness: every 250 ms while the job works "
                        + "through the load, a new user's rating of a popular movie, timed until a real-time GET finds the user's document "
                        + "(polled every 50 ms); it waits behind whatever backlog the job still has.");
    }

    /** Writes the report as {@code scale-<time>.md} in {@code dir}; returns the file. */
    Path write(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(
                "scale-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
        Files.writeString(file, report.toString());
        return file;
    }

    /** "met" / "missed", or "not measured" when a figure it needs is missing (NaN). */
    private static String verdict(double figure, boolean met) {
        return Double.isNaN(figure) ? "not measured" : met ? "met" : "missed";
    }

    private void md(String line) {
        System.out.println(line);
        report.append(line).append('\n');
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "—" : String.format("%,.0f", v);
    }

    private static String dec(double v) {
        return Double.isNaN(v) ? "—" : String.format("%.1f", v);
    }

    private static String ms(double[] values, double p) {
        if (values.length == 0) return "—";
        double v = LoadGenerator.percentile(values, p);
        return v >= ScaleBench.TRIAL_TIMEOUT_MS ? "≥ 30,000" : String.format("%,.0f", v);
    }
}
