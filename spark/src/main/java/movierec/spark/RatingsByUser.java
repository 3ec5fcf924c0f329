package movierec.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.streaming.ExpiredTimerInfo;
import org.apache.spark.sql.streaming.ListState;
import org.apache.spark.sql.streaming.MapState;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StatefulProcessor;
import org.apache.spark.sql.streaming.TTLConfig;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.TimerValues;
import org.apache.spark.sql.streaming.ValueState;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The ratings query's second stage, keyed by user id, on the executors: each user's current ratings (movie → rating,
 * timestamp, source, genres; retractions kept as versions so an older event cannot bring a rating back) in Spark's
 * state store. For every user with changes in a batch it emits the whole profile; the writer adds the live vector.
 *
 * <p>A user's erasure (at {@code ratings} offset E) removes from the state everything of theirs before E, and the
 * profile it emits says so: the writer deletes the user's document, sends one retraction per forgotten pair to the
 * movie-keyed stage (which takes the rating out of the movie's statistics and deletes its document) and tombstones the
 * forgotten keys of the compacted {@code ratings.pairs}. For {@code keepMs} it remembers E alone, so that a pair from
 * before E arriving late (a rating held until its movie arrived, a skewed backlog) is erased too; then nothing of the
 * user is left in its state. The profile of a new erasure also carries its time, which the writer passes to the
 * impressions query ({@link ImpressionsSink}): the lists served to the user before it go too.
 */
public final class RatingsByUser extends StatefulProcessor<Long, PairChange, RatingsByUser.Profile> {
    public static final int TOP_GENRES = 3;
    public static final int RECENT = 10;

    /**
     * The latest change of each of the user's pairs (retractions kept, so an older event cannot bring a rating back),
     * one per movie. A list, read once a batch: every batch needs them all for the profile, and iterating a map state
     * is a RocksDB prefix scan whose key comparison took a tenth of the job's CPU samples in the ingest benchmark. New pairs are
     * appended; a batch that replaces or removes one rewrites the list.
     */
    private transient ListState<PairChange> ratings;
    /** {@link PairChange#dismissalKey} -> the latest dismissal (or its undoing) of that movie or genre. */
    private transient MapState<String, PairChange> dismissals;
    /** The {@code ratings} offset of the user's latest erasure, for {@code keepMs} after it. */
    private transient ValueState<Long> erasedBefore;

    private final long keepMs;

    public RatingsByUser(long keepMs) {
        this.keepMs = keepMs;
    }

    @Override
    public void init(OutputMode outputMode, TimeMode timeMode) {
        erasedBefore = getHandle().getValueState("erasedBefore", Encoders.LONG(), TTLConfig.NONE());
        ratings = getHandle().getListState("ratings", Encoders.bean(PairChange.class), TTLConfig.NONE());
        dismissals = getHandle()
                .getMapState("dismissals", Encoders.STRING(), Encoders.bean(PairChange.class), TTLConfig.NONE());
    }

    @Override
    public scala.collection.Iterator<Profile> handleInputRows(
            Long userId, scala.collection.Iterator<PairChange> changes, TimerValues timers) {
        List<Long> producedAt = new ArrayList<>();
        Map<Long, PairChange> pairs = new LinkedHashMap<>(); // movie id -> its pair's latest change
        // a list state reads as empty when absent: no exists() lookup first
        ratings.get().foreach(c -> pairs.merge(c.getMovieId(), c, RatingsByUser::newer));
        List<PairChange> added = new ArrayList<>();
        boolean rewrite = false;
        Long erasedBeforeOffset = erasedBefore.get(); // null when absent
        long erasedUpTo = erasedBeforeOffset != null ? erasedBeforeOffset : -1;
        long erasure = erasedUpTo;
        long erasureTime = 0;
        List<String> forgotten = new ArrayList<>();
        while (changes.hasNext()) {
            PairChange c = changes.next();
            if (c.getErase() != null) {
                if (c.getOffset() > erasure) {
                    erasure = c.getOffset();
                    erasureTime = c.getTimestamp();
                }
                forgotten.add(c.id());
                producedAt.add(c.getProducedAt());
                continue;
            }
            if (c.getDismissed() != null) {
                PairChange prev = dismissals.getValue(c.dismissalKey());
                if (laterEvent(c, prev)) {
                    dismissals.updateValue(c.dismissalKey(), c);
                    producedAt.add(c.getProducedAt());
                }
                continue;
            }
            PairChange prev = pairs.get(c.getMovieId()); // null when absent
            if (prev == null || c.version().isNewerThan(prev.version())) {
                pairs.put(c.getMovieId(), c);
                if (prev == null) added.add(c);
                else rewrite = true;
                producedAt.add(c.getProducedAt());
            }
        }
        List<Long> erasedMovies = new ArrayList<>();
        if (erasure >= 0) rewrite |= forget(erasure, pairs, erasedMovies, forgotten);
        if (rewrite && pairs.isEmpty()) ratings.clear();
        else if (rewrite) ratings.put(pairs.values().toArray(new PairChange[0]));
        else if (!added.isEmpty()) ratings.appendList(added.toArray(new PairChange[0]));
        Profile p = currentProfile(userId, pairs.values());
        if (erasure > erasedUpTo) {
            erasedBefore.update(erasure);
            Timers.replace(getHandle(), timers.getCurrentProcessingTimeInMs() + keepMs);
            p.erasedAt = erasureTime;
        }
        p.appliedProducedAt = producedAt;
        p.erasureOffset = erasure >= 0 ? erasure : null;
        p.erasedMovieIds = erasedMovies;
        p.forgottenKeys = forgotten;
        return CollectionConverters.asScala(List.of(p)).iterator();
    }

    @Override
    public scala.collection.Iterator<Profile> handleExpiredTimer(
            Long userId, TimerValues timers, ExpiredTimerInfo expired) {
        erasedBefore.clear();
        return CollectionConverters.asScala(List.<Profile>of()).iterator();
    }

    /** Of two changes of the same pair, the later one (a list read back with both keeps this one). */
    static PairChange newer(PairChange a, PairChange b) {
        return b.version().isNewerThan(a.version()) ? b : a;
    }

    /**
     * Removes every rating (from {@code pairs}) and dismissal from before {@code erasure}: the movies of the ratings
     * (retracted ones too, which the movie-keyed stage also keeps) into {@code erasedMovies}, every removed
     * {@code ratings.pairs} key into {@code forgotten}. True when a rating was removed.
     */
    private boolean forget(long erasure, Map<Long, PairChange> pairs, List<Long> erasedMovies, List<String> forgotten) {
        List<PairChange> gone = new ArrayList<>();
        for (PairChange c : pairs.values()) if (c.getOffset() < erasure) gone.add(c);
        boolean removed = !gone.isEmpty();
        for (PairChange c : gone) {
            pairs.remove(c.getMovieId());
            erasedMovies.add(c.getMovieId());
            forgotten.add(c.id());
        }
        gone.clear();
        dismissals.iterator().foreach(t -> {
            if (t._2().getOffset() < erasure) gone.add(t._2());
            return null;
        });
        for (PairChange c : gone) {
            dismissals.removeKey(c.dismissalKey());
            forgotten.add(c.id());
        }
        return removed;
    }

    /** The whole profile from the user's pairs and dismissals; {@code erased} when nothing of the user is left. */
    private Profile currentProfile(long userId, Iterable<PairChange> pairs) {
        Map<Long, PairChange> current = new HashMap<>();
        PairChange[] latest = {null};
        for (PairChange c : pairs) {
            if (c.getRating() != null) current.put(c.getMovieId(), c);
            if (latest[0] == null || c.getOffset() > latest[0].getOffset()) latest[0] = c;
        }
        Profile p = profile(userId, current);
        List<Long> movies = new ArrayList<>();
        List<String> genres = new ArrayList<>();
        dismissals.iterator().foreach(t -> {
            PairChange c = t._2();
            if (Boolean.TRUE.equals(c.getDismissed())) {
                if (c.getDismissedGenre() != null) genres.add(c.getDismissedGenre());
                else movies.add(c.getMovieId());
            }
            if (latest[0] == null || c.getOffset() > latest[0].getOffset()) latest[0] = c;
            return null;
        });
        movies.sort(null);
        genres.sort(null);
        p.dismissedMovieIds = movies;
        p.dismissedGenres = genres;
        if (latest[0] != null) {
            p.appliedPartition = latest[0].getPartition();
            p.appliedOffset = latest[0].getOffset();
        }
        p.erased = latest[0] == null;
        return p;
    }

    /** A dismissal replaces the previous one of the same movie or genre when it is later: by time, then offset. */
    static boolean laterEvent(PairChange c, PairChange prev) {
        if (prev == null) return true;
        if (c.getTimestamp() != prev.getTimestamp()) return c.getTimestamp() > prev.getTimestamp();
        return c.getOffset() > prev.getOffset();
    }

    /**
     * Count, mean, the user's top genres (most frequent among the movies they rated at or above their own mean, ties
     * by name), the most recently rated movies, every rated movie id (excluded from their recommendations) and the
     * whole history oldest first (ties by movie id, as in training) for the live vector.
     */
    static Profile profile(long userId, Map<Long, PairChange> current) {
        Profile p = new Profile();
        p.userId = userId;
        p.count = current.size();
        if (current.isEmpty()) return p;
        double sum = 0;
        long last = 0;
        for (PairChange r : current.values()) {
            sum += r.getRating();
            last = Math.max(last, r.getTimestamp());
        }
        double mean = sum / current.size();
        Map<String, Integer> genreCounts = new HashMap<>();
        current.values().forEach(r -> {
            if (r.getRating() >= mean) for (String g : r.getGenres()) genreCounts.merge(g, 1, Integer::sum);
        });
        p.mean = mean;
        p.lastRatedAt = last;
        p.topGenres = genreCounts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_GENRES)
                .map(Map.Entry::getKey)
                .toList();
        List<Map.Entry<Long, PairChange>> byTime = new ArrayList<>(current.entrySet());
        byTime.sort(Comparator.comparingLong(
                        (Map.Entry<Long, PairChange> e) -> e.getValue().getTimestamp())
                .thenComparingLong(Map.Entry::getKey));
        p.historyMovieIds = byTime.stream().map(Map.Entry::getKey).toList();
        p.historyRatings = byTime.stream().map(e -> e.getValue().getRating()).toList();
        p.recentMovieIds = current.entrySet().stream()
                .sorted(Comparator.comparingLong(
                                (Map.Entry<Long, PairChange> e) -> e.getValue().getTimestamp())
                        .reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(RECENT)
                .map(Map.Entry::getKey)
                .toList();
        // in history order, so that with the ratings beside them the document holds what the vector is folded from
        p.ratedMovieIds = p.historyMovieIds;
        return p;
    }

    /** A user's whole profile as the {@code users} document needs it, plus the history the live vector is folded from. */
    public static final class Profile implements Serializable {
        private long userId;
        private long count;
        private Double mean;
        private List<String> topGenres = List.of();
        private List<Long> recentMovieIds = List.of();
        private List<Long> ratedMovieIds = List.of();
        private Long lastRatedAt;
        private List<Long> historyMovieIds = List.of();
        private List<Double> historyRatings = List.of();
        private Integer appliedPartition;
        private Long appliedOffset;
        private List<Long> appliedProducedAt = List.of();
        private List<Long> dismissedMovieIds = List.of();
        private List<String> dismissedGenres = List.of();
        private boolean erased;
        private Long erasureOffset;
        private List<Long> erasedMovieIds = List.of();
        private List<String> forgottenKeys = List.of();
        private Long erasedAt;

        /** Set by a new erasure: when it was made (the event's time), for the impressions query. */
        public Long getErasedAt() {
            return erasedAt;
        }

        public void setErasedAt(Long v) {
            erasedAt = v;
        }

        /** True when nothing of the user is left: the writer deletes their document instead of writing it. */
        public boolean isErased() {
            return erased;
        }

        public void setErased(boolean v) {
            erased = v;
        }

        /** The {@code ratings} offset of the user's latest erasure, while remembered; else null. */
        public Long getErasureOffset() {
            return erasureOffset;
        }

        public void setErasureOffset(Long v) {
            erasureOffset = v;
        }

        /** Movies whose pair with the user an erasure removed in this batch: one retraction each for the movie stage. */
        public List<Long> getErasedMovieIds() {
            return erasedMovieIds;
        }

        public void setErasedMovieIds(List<Long> v) {
            erasedMovieIds = v;
        }

        /** {@code ratings.pairs} keys of what an erasure removed in this batch: the writer tombstones them. */
        public List<String> getForgottenKeys() {
            return forgottenKeys;
        }

        public void setForgottenKeys(List<String> v) {
            forgottenKeys = v;
        }

        public long getUserId() {
            return userId;
        }

        public void setUserId(long v) {
            userId = v;
        }

        public long getCount() {
            return count;
        }

        public void setCount(long v) {
            count = v;
        }

        public Double getMean() {
            return mean;
        }

        public void setMean(Double v) {
            mean = v;
        }

        public List<String> getTopGenres() {
            return topGenres;
        }

        public void setTopGenres(List<String> v) {
            topGenres = v;
        }

        public List<Long> getRecentMovieIds() {
            return recentMovieIds;
        }

        public void setRecentMovieIds(List<Long> v) {
            recentMovieIds = v;
        }

        public List<Long> getRatedMovieIds() {
            return ratedMovieIds;
        }

        public void setRatedMovieIds(List<Long> v) {
            ratedMovieIds = v;
        }

        public Long getLastRatedAt() {
            return lastRatedAt;
        }

        public void setLastRatedAt(Long v) {
            lastRatedAt = v;
        }

        public List<Long> getHistoryMovieIds() {
            return historyMovieIds;
        }

        public void setHistoryMovieIds(List<Long> v) {
            historyMovieIds = v;
        }

        public List<Double> getHistoryRatings() {
            return historyRatings;
        }

        public void setHistoryRatings(List<Double> v) {
            historyRatings = v;
        }

        /** The {@code ratings} partition and offset of the user's latest applied event (a retraction counts). */
        public Integer getAppliedPartition() {
            return appliedPartition;
        }

        public void setAppliedPartition(Integer v) {
            appliedPartition = v;
        }

        public Long getAppliedOffset() {
            return appliedOffset;
        }

        public void setAppliedOffset(Long v) {
            appliedOffset = v;
        }

        /** Movies the user said "not interested" to, ascending. */
        public List<Long> getDismissedMovieIds() {
            return dismissedMovieIds;
        }

        public void setDismissedMovieIds(List<Long> v) {
            dismissedMovieIds = v;
        }

        /** Genres the user said "not interested" to, by name. */
        public List<String> getDismissedGenres() {
            return dismissedGenres;
        }

        public void setDismissedGenres(List<String> v) {
            dismissedGenres = v;
        }

        /** When Kafka received each event applied in this batch: the sink measures event -> applied from them. */
        public List<Long> getAppliedProducedAt() {
            return appliedProducedAt;
        }

        public void setAppliedProducedAt(List<Long> v) {
            appliedProducedAt = v;
        }
    }
}
