package movierec.kafka.collect;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import movierec.common.Events;
import movierec.common.MovieEvent;

/**
 * The page loop both collectors share: resume after the cursor, fetch a page, validate all of it, send the valid
 * movies, flush, and only then move the cursor, so a failed run never leaves a page half produced or skipped.
 */
final class PagedRun {
    /** One mapped result: a movie, or the reason it could not be mapped ({@code label} names it in reports). */
    record Item(String label, MovieEvent movie, String problem) {
        static Item ok(MovieEvent m) {
            return new Item("movie " + m.id(), m, null);
        }

        static Item bad(String label, String problem) {
            return new Item(label, null, problem);
        }
    }

    /** A fetched page. {@code totalPages} is null when the source did not say. */
    record Page(Integer totalPages, List<Item> items, Set<String> unknownGenres) {}

    @FunctionalInterface
    interface PageFetcher {
        /** Fetches and maps one page; throws {@link CollectException} if the page as a whole is unusable. */
        Page fetch(int page);
    }

    /** Called once before the first page is fetched (log in, load genres), and not at all if nothing is to be done. */
    @FunctionalInterface
    interface Setup {
        void run();
    }

    private PagedRun() {}

    /**
     * @param pageCap  the source's last servable page, or {@link Integer#MAX_VALUE} if none
     * @param maxPages pages to produce in this run at most
     */
    static CollectSummary run(
            String source,
            Path cursorFile,
            int pageCap,
            int maxPages,
            Setup setup,
            PageFetcher fetcher,
            MovieSink sink,
            PrintStream progress) {
        int cursor = readCursor(cursorFile);
        int first = cursor + 1;
        int page = first;
        int done = 0;
        Integer total = null;
        long sent = 0;
        long skipped = 0;
        Map<String, Integer> reasons = new LinkedHashMap<>();
        Set<String> unknownGenres = new TreeSet<>();

        CollectSummary.StopReason stop = null;
        if (first > pageCap) stop = CollectSummary.StopReason.PAGE_CAP;
        else if (maxPages <= 0) stop = CollectSummary.StopReason.PAGE_LIMIT;
        else setup.run();

        while (stop == null) {
            Page p = fetcher.fetch(page);
            if (p.totalPages() != null) total = p.totalPages();
            if (p.items().isEmpty()) {
                progress.println(source + " page " + page + ": no results");
                stop = CollectSummary.StopReason.EMPTY_PAGE;
                break;
            }
            // Validate the whole page before sending any of it.
            List<MovieEvent> valid = new ArrayList<>();
            List<String> pageSkips = new ArrayList<>();
            for (Item item : p.items()) {
                String problem = item.problem() != null ? item.problem() : Events.validate(item.movie());
                if (problem == null) {
                    valid.add(item.movie());
                } else {
                    pageSkips.add(item.label() + ": " + problem);
                    reasons.merge(problem, 1, Integer::sum);
                }
            }
            for (MovieEvent m : valid) sink.send(m);
            sink.flush();
            writeCursor(cursorFile, page);
            cursor = page;
            done++;
            sent += valid.size();
            skipped += pageSkips.size();
            unknownGenres.addAll(p.unknownGenres());

            int shownTotal = total == null ? -1 : Math.min(total, pageCap);
            String line = source + " page " + page + (shownTotal < 0 ? "" : "/" + shownTotal) + ": " + valid.size()
                    + " sent, " + pageSkips.size() + " skipped";
            if (!pageSkips.isEmpty()) line += " " + pageSkips;
            if (!p.unknownGenres().isEmpty()) line += ", unknown genres " + new TreeSet<>(p.unknownGenres());
            progress.println(line);

            // Total and cap first: when they coincide with the limit, "nothing more to fetch" is the more useful
            // answer.
            if (total != null && page >= total) stop = CollectSummary.StopReason.TOTAL_PAGES;
            else if (page >= pageCap) stop = CollectSummary.StopReason.PAGE_CAP;
            else if (done >= maxPages) stop = CollectSummary.StopReason.PAGE_LIMIT;
            page++;
        }

        CollectSummary summary = new CollectSummary(
                source,
                first,
                cursor,
                done,
                total,
                sent,
                skipped,
                // Unmodifiable views of ordered copies: the summary prints in a stable order (first seen / sorted).
                Collections.unmodifiableMap(new LinkedHashMap<>(reasons)),
                Collections.unmodifiableSet(new TreeSet<>(unknownGenres)),
                stop);
        progress.println(summary.describe());
        return summary;
    }

    /** The last page fully produced; 0 when there is no cursor file (or no file configured). */
    static int readCursor(Path file) {
        if (file == null || !Files.exists(file)) return 0;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new CollectException("cannot read cursor file " + file + ": " + e.getMessage());
        }
        try {
            int page = Integer.parseInt(text);
            if (page < 0) throw new NumberFormatException();
            return page;
        } catch (NumberFormatException e) {
            // Refuse rather than restart at page 1: a damaged cursor should be looked at, not silently ignored.
            throw new CollectException("cursor file " + file + " does not hold a page number: '" + text
                    + "' (delete it to start again at page 1)");
        }
    }

    /** Writes via a temporary file and an atomic rename, so a crash leaves the old cursor or the new one, never half. */
    static void writeCursor(Path file, int page) {
        if (file == null) return;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, page + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CollectException("cannot write cursor file " + file + ": " + e.getMessage());
        }
    }
}
