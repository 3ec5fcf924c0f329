package movierec.kafka.collect;

import java.util.Map;
import java.util.Set;

/**
 * What one collector run did.
 *
 * @param source         "tmdb" or "movielens"
 * @param firstPage      the page this run started at (the cursor + 1)
 * @param lastPage       the last page fully produced, as now stored in the cursor (0: none yet)
 * @param pagesFetched   pages produced by this run (an empty final page is not counted)
 * @param totalPages     the source's page count as last reported, null if never seen
 * @param moviesSent     movies sent and flushed
 * @param moviesSkipped  movies left out because they failed mapping or validation
 * @param skipReasons    reason -> how many movies were skipped for it
 * @param unknownGenres  genres the source used that we have no TMDB genre for (TMDB ids or MovieLens names)
 * @param stoppedBy      why the run ended
 */
public record CollectSummary(
        String source,
        int firstPage,
        int lastPage,
        int pagesFetched,
        Integer totalPages,
        long moviesSent,
        long moviesSkipped,
        Map<String, Integer> skipReasons,
        Set<String> unknownGenres,
        StopReason stoppedBy) {

    public enum StopReason {
        /** The last page the source reported ({@code total_pages}/{@code totalPages}) was produced. */
        TOTAL_PAGES("reached the last page"),
        /** TMDB serves no page after 500. */
        PAGE_CAP("reached TMDB's page cap of " + TmdbCollector.MAX_PAGE),
        /** The page limit given for this run ({@code --pages N}) was reached. */
        PAGE_LIMIT("reached the page limit of this run"),
        /** The source returned a page without results: nothing more to collect. */
        EMPTY_PAGE("the next page had no results");

        public final String description;

        StopReason(String description) {
            this.description = description;
        }
    }

    /** One line for the terminal. */
    public String describe() {
        String pages = pagesFetched == 0
                ? "no pages"
                : pagesFetched + (pagesFetched == 1 ? " page" : " pages") + " (" + firstPage + ".." + lastPage + ")";
        String s = source + " done: " + pages + ", " + moviesSent + " movies sent, " + moviesSkipped + " skipped";
        if (!skipReasons.isEmpty()) s += " " + skipReasons;
        if (!unknownGenres.isEmpty()) s += ", unknown genres " + unknownGenres;
        return s + "; stopped: " + stoppedBy.description;
    }
}
