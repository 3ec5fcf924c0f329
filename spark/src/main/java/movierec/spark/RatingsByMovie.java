package movierec.spark;

import java.io.Serializable;
import java.util.ArrayList;
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
 * The ratings query's first stage, keyed by movie id, on the executors. It sees the movie's own events (so it knows
 * the movie exists and its genres) and every rating event of the movie, and keeps in Spark's state store (RocksDB):
 * <ul>
 *   <li>each user's current rating of the movie (or the time it was retracted), so the latest event of a pair wins
 *       whatever order the events arrive in, and a replayed event changes nothing;</li>
 *   <li>the movie's count / sum / last-rated statistics, kept in step with those pairs;</li>
 *   <li>ratings of a movie not seen yet, held for {@code holdMs} (a processing-time timer) and dead-lettered with
 *       reason {@code unknown movieId N} if the movie does not arrive by then.</li>
 * </ul>
 * It emits the changed pairs (rating documents, and the input of {@link RatingsByUser}), the movie's statistics as a
 * whole value, and dead letters. The statistics are written in the batch that changes them, unless they were written
 * less than {@code statsIntervalMs} ago: then a timer writes the latest ones when the interval is over. A popular
 * movie is rated in nearly every micro-batch of a busy stream, and each write of its statistics makes Elasticsearch
 * re-index the whole movie document, vectors included; a movie rated now and then is still current at once.
 *
 * <p>Longer than our usual unit because the beans it reads and emits ({@link Event}, {@link MovieInfo},
 * {@link Emitted}) live here, beside the only code that fills them: Spark's bean encoders need them public, with a
 * getter and setter per field.
 */
public final class RatingsByMovie extends StatefulProcessor<Long, RatingsByMovie.Event, RatingsByMovie.Emitted> {
    /**
     * The key of rating records that failed to parse: they pass through this operator to become dead letters, so one
     * pass over the batch (one Kafka read, one parse) serves valid and invalid records alike. It never holds state.
     */
    public static final long UNPARSEABLE = -1;
    /**
     * The key of the {@link Heartbeat}'s rows (one a second while a timer may be due): it makes the query run a batch,
     * and with it the expired timers of every key, while idle, instead of a no-data batch at every trigger.
     */
    public static final long HEARTBEAT = -2;
    /** The key of dismissals of a genre: they concern no movie, so this stage only passes them on to the users'. */
    public static final long GENRE_DISMISSALS = -3;
    /**
     * The key of users' erasure requests: they concern no one movie, so this stage passes them on to the users' stage,
     * which knows the user's pairs and sends back one retraction per pair (on {@code ratings.erasures}).
     */
    public static final long ERASURES = -4;

    private final long holdMs;
    private final long statsIntervalMs;
    /** The latest timers registered: the driver's heartbeat ticks until they are due. */
    private final BatchMetrics metrics;

    private transient ValueState<MovieInfo> movie;
    private transient MapState<Long, PairVersion> pairs;
    private transient ValueState<MovieStats> stats;
    private transient ListState<Event> held;
    /** When the statistics were last emitted. */
    private transient ValueState<Long> statsWrittenAt;
    /** When the pending statistics are due to be emitted; absent when the last emitted ones are current. */
    private transient ValueState<Long> statsDue;

    /** {@code statsIntervalMs} 0 emits the statistics in every batch that changes them. */
    RatingsByMovie(long holdMs, long statsIntervalMs, BatchMetrics metrics) {
        this.holdMs = holdMs;
        this.statsIntervalMs = statsIntervalMs;
        this.metrics = metrics;
    }

    @Override
    public void init(OutputMode outputMode, TimeMode timeMode) {
        movie = getHandle().getValueState("movie", Encoders.bean(MovieInfo.class), TTLConfig.NONE());
        pairs = getHandle().getMapState("pairs", Encoders.LONG(), Encoders.bean(PairVersion.class), TTLConfig.NONE());
        stats = getHandle().getValueState("stats", Encoders.bean(MovieStats.class), TTLConfig.NONE());
        held = getHandle().getListState("held", Encoders.bean(Event.class), TTLConfig.NONE());
        statsWrittenAt = getHandle().getValueState("statsWrittenAt", Encoders.LONG(), TTLConfig.NONE());
        statsDue = getHandle().getValueState("statsDue", Encoders.LONG(), TTLConfig.NONE());
    }

    @Override
    public scala.collection.Iterator<Emitted> handleInputRows(
            Long movieId, scala.collection.Iterator<Event> rows, TimerValues timers) {
        List<Emitted> out = new ArrayList<>();
        if (movieId == HEARTBEAT) return CollectionConverters.asScala(out).iterator();
        if (movieId == UNPARSEABLE) {
            rows.foreach(e -> out.add(Emitted.deadLetter(e, e.getError())));
            return CollectionConverters.asScala(out).iterator();
        }
        if (movieId == GENRE_DISMISSALS || movieId == ERASURES) {
            rows.foreach(e -> out.add(Emitted.toUser(PairChange.of(e, List.of()))));
            return CollectionConverters.asScala(out).iterator();
        }
        List<Event> ratings = new ArrayList<>();
        List<Event> erasures = new ArrayList<>();
        boolean announced = false;
        // Each state read is a RocksDB lookup through Spark's encoders: a value is read once (null when absent), not
        // checked with exists() and then read.
        MovieInfo known = movie.get();
        while (rows.hasNext()) {
            Event e = rows.next();
            if (e.isMovie()) {
                // a movie's events share a Kafka partition: the highest offset is its latest version
                if (known == null || e.getOffset() >= known.getOffset()) {
                    known = new MovieInfo(e.getGenres(), e.getOffset());
                    movie.update(known);
                }
                announced = true;
            } else if (e.getDismissed() != null) {
                // "not interested" changes no statistics: straight on to the user, known movie or not (the API
                // only accepts dismissals of known movies)
                out.add(Emitted.toUser(PairChange.of(e, List.of())));
            } else if (e.getErasureOffset() != null) {
                erasures.add(e);
            } else {
                ratings.add(e);
            }
        }
        // an erasure's retractions name only pairs the users' stage had: a movie this stage does not know has none
        if (known == null) {
            long now = timers.getCurrentProcessingTimeInMs();
            for (Event e : ratings) {
                e.setHeldSince(now);
                held.appendValue(e);
            }
            if (!ratings.isEmpty()) registerTimer(now + holdMs, false);
            return CollectionConverters.asScala(out).iterator();
        }
        if (announced && held.exists()) {
            held.get().foreach(ratings::add);
            held.clear();
            Timers.clear(getHandle());
        }
        apply(movieId, known.getGenres(), ratings, erasures, timers.getCurrentProcessingTimeInMs(), out);
        return CollectionConverters.asScala(out).iterator();
    }

    @Override
    public scala.collection.Iterator<Emitted> handleExpiredTimer(
            Long movieId, TimerValues timers, ExpiredTimerInfo expired) {
        List<Emitted> out = new ArrayList<>();
        if (movie.exists()) {
            Long due = statsDue.get();
            if (due != null && due <= expired.getExpiryTimeInMs()) {
                out.add(Emitted.stats(movieId, stats.get()));
                statsWrittenAt.update(timers.getCurrentProcessingTimeInMs());
                statsDue.clear();
            }
            return CollectionConverters.asScala(out).iterator();
        }
        if (!held.exists()) return CollectionConverters.asScala(out).iterator();
        List<Event> keep = new ArrayList<>();
        held.get().foreach(e -> {
            if (e.getHeldSince() + holdMs <= expired.getExpiryTimeInMs())
                out.add(Emitted.deadLetter(e, "unknown movieId " + movieId));
            else keep.add(e);
            return null;
        });
        held.clear();
        if (!keep.isEmpty()) held.put(keep.toArray(new Event[0]));
        return CollectionConverters.asScala(out).iterator();
    }

    /**
     * Applies rating events, then an erasure's retractions, to the pairs and the statistics; emits each changed pair
     * once, then the statistics (or leaves them to the timer, see the class comment; an erasure's are written at once,
     * so that when its rating documents are gone the statistics no longer count them either).
     */
    private void apply(
            long movieId, List<String> genres, List<Event> ratings, List<Event> erasures, long now, List<Emitted> out) {
        if (ratings.isEmpty() && erasures.isEmpty()) return;
        MovieStats s = stats.get();
        if (s == null) s = new MovieStats();
        Map<Long, Event> changed = new LinkedHashMap<>();
        boolean latestRemoved = false;
        for (Event e : ratings) {
            PairVersion prev = pairs.getValue(e.getUserId()); // null when absent
            PairVersion next = new PairVersion(e.getRating(), e.getTimestamp(), e.getOffset());
            if (!next.isNewerThan(prev)) continue;
            latestRemoved |= s.replace(prev, next);
            pairs.updateValue(e.getUserId(), next);
            changed.put(e.getUserId(), e);
        }
        List<Event> erased = new ArrayList<>();
        for (Event e : erasures) {
            PairVersion prev = pairs.getValue(e.getUserId());
            // A user's events share a ratings partition: what came before the erasure has a lower offset. A rating
            // made after it (the same user id, rating again) stays.
            if (prev == null || prev.getOffset() >= e.getErasureOffset()) continue;
            latestRemoved |= s.replace(prev, new PairVersion(null, prev.getTimestamp(), prev.getOffset()));
            // the pair leaves the state altogether: nothing of the user stays behind
            pairs.removeKey(e.getUserId());
            changed.remove(e.getUserId());
            erased.add(e);
        }
        if (changed.isEmpty() && erased.isEmpty()) return;
        if (latestRemoved) s.setLastRatedAt(latestActive());
        stats.update(s);
        for (Event e : changed.values()) out.add(Emitted.pair(PairChange.of(e, genres)));
        for (Event e : erased) out.add(Emitted.erased(PairChange.of(e, genres)));
        Long due = statsDue.get();
        if (erased.isEmpty() && due != null) return; // the timer will emit the latest
        Long writtenAt = statsWrittenAt.get();
        long next = writtenAt != null ? writtenAt + statsIntervalMs : now;
        if (next <= now || !erased.isEmpty()) {
            out.add(Emitted.stats(movieId, s));
            statsWrittenAt.update(now);
            if (due != null) statsDue.clear(); // its timer finds nothing due
        } else {
            statsDue.update(next);
            registerTimer(next, true);
        }
    }

    private void registerTimer(long at, boolean forStats) {
        getHandle().registerTimer(at);
        metrics.timers.add(at);
        if (forStats) metrics.statsTimers.add(at);
    }

    /** The latest time of the movie's current ratings (0 when none): after the latest one was taken out. */
    private long latestActive() {
        long[] latest = {0};
        pairs.iterator().foreach(t -> {
            if (t._2().active()) latest[0] = Math.max(latest[0], t._2().getTimestamp());
            return null;
        });
        return latest[0];
    }

    /** One movie-keyed input: a movie announcement (its genres) or a rating event with its Kafka coordinates. */
    public static final class Event implements Serializable {
        private String error;
        private long movieId;
        private boolean movie;
        private List<String> genres;
        private long userId;
        private Double rating;
        private long timestamp;
        private String source;
        private String topic;
        private int partition;
        private long offset;
        private long producedAt;
        private Boolean dismissed;
        private String dismissedGenre;
        private Boolean erase;
        private Long erasureOffset;
        private byte[] key;
        private byte[] value;
        private long heldSince;

        /** Why the record failed to parse (then {@code movieId} is {@link #UNPARSEABLE}); null when valid. */
        public String getError() {
            return error;
        }

        public void setError(String v) {
            error = v;
        }

        public long getMovieId() {
            return movieId;
        }

        public void setMovieId(long v) {
            movieId = v;
        }

        public boolean isMovie() {
            return movie;
        }

        public void setMovie(boolean v) {
            movie = v;
        }

        public List<String> getGenres() {
            return genres;
        }

        public void setGenres(List<String> v) {
            genres = v;
        }

        public long getUserId() {
            return userId;
        }

        public void setUserId(long v) {
            userId = v;
        }
        /** Null for a retraction. */
        public Double getRating() {
            return rating;
        }

        public void setRating(Double v) {
            rating = v;
        }

        public long getTimestamp() {
            return timestamp;
        }

        public void setTimestamp(long v) {
            timestamp = v;
        }

        public String getSource() {
            return source;
        }

        public void setSource(String v) {
            source = v;
        }

        public String getTopic() {
            return topic;
        }

        public void setTopic(String v) {
            topic = v;
        }

        public int getPartition() {
            return partition;
        }

        public void setPartition(int v) {
            partition = v;
        }

        public long getOffset() {
            return offset;
        }

        public void setOffset(long v) {
            offset = v;
        }

        /** When Kafka received the record (epoch ms): the start of the event -> applied latency. */
        public long getProducedAt() {
            return producedAt;
        }

        public void setProducedAt(long v) {
            producedAt = v;
        }

        /** Set for a dismissal: true "not interested", false undone. */
        public Boolean getDismissed() {
            return dismissed;
        }

        public void setDismissed(Boolean v) {
            dismissed = v;
        }

        /** The dismissed genre (a genre's dismissal), else null. */
        public String getDismissedGenre() {
            return dismissedGenre;
        }

        public void setDismissedGenre(String v) {
            dismissedGenre = v;
        }

        /** True for a user's erasure request (then {@code movieId} is {@link #ERASURES}). */
        public Boolean getErase() {
            return erase;
        }

        public void setErase(Boolean v) {
            erase = v;
        }

        /** Set on an erasure's retraction: the {@code ratings} offset of the erasure; only earlier values go. */
        public Long getErasureOffset() {
            return erasureOffset;
        }

        public void setErasureOffset(Long v) {
            erasureOffset = v;
        }

        public byte[] getKey() {
            return key;
        }

        public void setKey(byte[] v) {
            key = v;
        }

        public byte[] getValue() {
            return value;
        }

        public void setValue(byte[] v) {
            value = v;
        }

        public long getHeldSince() {
            return heldSince;
        }

        public void setHeldSince(long v) {
            heldSince = v;
        }
    }

    /** What the movie state knows of the movie itself. */
    public static final class MovieInfo implements Serializable {
        private List<String> genres;
        private long offset;

        public MovieInfo() {}

        MovieInfo(List<String> genres, long offset) {
            this.genres = genres == null ? List.of() : genres;
            this.offset = offset;
        }

        public List<String> getGenres() {
            return genres == null ? List.of() : genres;
        }

        public void setGenres(List<String> v) {
            genres = v;
        }

        public long getOffset() {
            return offset;
        }

        public void setOffset(long v) {
            offset = v;
        }
    }

    /**
     * One of the stage's outputs: a changed pair ({@code kind = "pair"}), a pair an erasure removed ({@code "erased"}),
     * an event only for the users' stage ({@code "user"}: a dismissal, an erasure request), a movie's statistics
     * ({@code "stats"}) or a dead letter ({@code "dead"}). One bean so that one pass over the batch writes them all.
     */
    public static final class Emitted implements Serializable {
        private String kind;
        private PairChange pair;
        private long movieId;
        private long count;
        private double sum;
        private long lastRatedAt;
        private KafkaWrites.DeadLetter letter;

        static Emitted pair(PairChange p) {
            Emitted e = new Emitted();
            e.kind = "pair";
            e.pair = p;
            e.movieId = p.getMovieId();
            return e;
        }

        /** A dismissal or an erasure request on its way to the user's state (through {@code ratings.pairs}). */
        static Emitted toUser(PairChange p) {
            Emitted e = pair(p);
            e.kind = "user";
            return e;
        }

        /** A pair an erasure removed: its rating document goes; the users' stage has forgotten it already. */
        static Emitted erased(PairChange p) {
            Emitted e = pair(p);
            e.kind = "erased";
            return e;
        }

        static Emitted stats(long movieId, MovieStats s) {
            Emitted e = new Emitted();
            e.kind = "stats";
            e.movieId = movieId;
            e.count = s.getCount();
            e.sum = s.getSum();
            e.lastRatedAt = s.getLastRatedAt();
            return e;
        }

        static Emitted deadLetter(Event r, String error) {
            return deadLetter(new KafkaWrites.DeadLetter(
                    r.getKey(), r.getValue(), r.getTopic(), r.getPartition(), r.getOffset(), error));
        }

        private static Emitted deadLetter(KafkaWrites.DeadLetter l) {
            Emitted e = new Emitted();
            e.kind = "dead";
            e.letter = l;
            return e;
        }

        public String getKind() {
            return kind;
        }

        public void setKind(String v) {
            kind = v;
        }

        public PairChange getPair() {
            return pair;
        }

        public void setPair(PairChange v) {
            pair = v;
        }

        public long getMovieId() {
            return movieId;
        }

        public void setMovieId(long v) {
            movieId = v;
        }

        public long getCount() {
            return count;
        }

        public void setCount(long v) {
            count = v;
        }

        public double getSum() {
            return sum;
        }

        public void setSum(double v) {
            sum = v;
        }

        public long getLastRatedAt() {
            return lastRatedAt;
        }

        public void setLastRatedAt(long v) {
            lastRatedAt = v;
        }

        public KafkaWrites.DeadLetter getLetter() {
            return letter;
        }

        public void setLetter(KafkaWrites.DeadLetter v) {
            letter = v;
        }
    }
}
