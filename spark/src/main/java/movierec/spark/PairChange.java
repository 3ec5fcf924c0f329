package movierec.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A (user, movie) pair's new current value, with the movie's genres: what {@link RatingsByMovie} emits, the
 * {@code ratings} document it becomes, and the message on the internal {@code ratings.pairs} topic that
 * {@link RatingsByUser} reads (key {@code userId:movieId}, so compaction keeps each pair's latest value).
 *
 * <p>On the topic a change is a small binary record ({@link #encode}), not JSON: every rating passes through it once,
 * and in a profile of the ingest benchmark Jackson's writing and reading of these messages took 9 % of the job's
 * samples. Records written as JSON by earlier versions (the topic is compacted, so they stay) are still read.
 */
public final class PairChange implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The first byte of a binary record; a JSON one starts with '{'. */
    private static final byte BINARY_V1 = 1;

    // the flags byte: which of the nullable numbers and booleans are set (a null string has length -1)
    private static final int HAS_RATING = 1;
    private static final int HAS_DISMISSED = 1 << 1;
    private static final int DISMISSED = 1 << 2;
    private static final int HAS_ERASE = 1 << 3;
    private static final int ERASE = 1 << 4;

    private long userId;
    private long movieId;
    private Double rating;
    private long timestamp;
    private int partition;
    private long offset;
    private long producedAt;
    private String source;
    private List<String> genres;
    private Boolean dismissed;
    private String dismissedGenre;
    private Boolean erase;

    public PairChange() {}

    static PairChange of(RatingsByMovie.Event e, List<String> genres) {
        PairChange p = new PairChange();
        p.userId = e.getUserId();
        p.movieId = e.getMovieId();
        p.rating = e.getRating();
        p.timestamp = e.getTimestamp();
        p.partition = e.getPartition();
        p.offset = e.getOffset();
        p.producedAt = e.getProducedAt();
        p.source = e.getSource();
        p.genres = genres;
        p.dismissed = e.getDismissed();
        p.dismissedGenre = e.getDismissedGenre();
        p.erase = e.getErase();
        return p;
    }

    /** The rating document's id and the message key; a dismissal's key is its own, so compaction keeps both. */
    public String id() {
        if (erase != null) return userId + ":erase";
        if (dismissed == null) return userId + ":" + movieId;
        return userId + ":not:" + dismissalKey();
    }

    /** What a dismissal is of: {@code m<movieId>} or {@code g<genre>}. */
    public String dismissalKey() {
        return dismissedGenre != null ? "g" + dismissedGenre : "m" + movieId;
    }

    public PairVersion version() {
        return new PairVersion(rating, timestamp, offset);
    }

    /**
     * The message on {@code ratings.pairs}: a version byte, a flags byte, the numbers at fixed width, then the strings
     * as length-prefixed UTF-8.
     */
    public byte[] encode() {
        byte[] src = utf8(source);
        byte[] genre = utf8(dismissedGenre);
        List<String> gs = getGenres();
        byte[][] names = new byte[gs.size()][];
        int size = 2 + 8 * 5 + 4 + (rating != null ? 8 : 0) + 4 * (3 + names.length);
        for (int i = 0; i < names.length; i++) size += (names[i] = utf8(gs.get(i))).length;
        size += (src == null ? 0 : src.length) + (genre == null ? 0 : genre.length);
        int flags = (rating != null ? HAS_RATING : 0)
                | (dismissed != null ? HAS_DISMISSED : 0)
                | (Boolean.TRUE.equals(dismissed) ? DISMISSED : 0)
                | (erase != null ? HAS_ERASE : 0)
                | (Boolean.TRUE.equals(erase) ? ERASE : 0);
        ByteBuffer b = ByteBuffer.allocate(size)
                .put(BINARY_V1)
                .put((byte) flags)
                .putLong(userId)
                .putLong(movieId)
                .putLong(timestamp)
                .putInt(partition)
                .putLong(offset)
                .putLong(producedAt);
        if (rating != null) b.putDouble(rating);
        putString(b, src);
        putString(b, genre);
        b.putInt(names.length);
        for (byte[] n : names) putString(b, n);
        return b.array();
    }

    /** A message of {@code ratings.pairs}, binary ({@link #encode}) or JSON (written by earlier versions). */
    public static PairChange decode(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == '{') return fromJson(bytes);
        if (bytes.length == 0 || bytes[0] != BINARY_V1)
            // only this job writes the topic: an unreadable record is a bug, not bad input
            throw new IllegalArgumentException(
                    "unreadable pair change: unknown format " + (bytes.length == 0 ? "(empty)" : bytes[0]));
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
            int flags = b.get();
            PairChange p = new PairChange();
            p.userId = b.getLong();
            p.movieId = b.getLong();
            p.timestamp = b.getLong();
            p.partition = b.getInt();
            p.offset = b.getLong();
            p.producedAt = b.getLong();
            p.rating = (flags & HAS_RATING) != 0 ? b.getDouble() : null;
            p.source = getString(b);
            p.dismissedGenre = getString(b);
            p.dismissed = (flags & HAS_DISMISSED) != 0 ? (flags & DISMISSED) != 0 : null;
            p.erase = (flags & HAS_ERASE) != 0 ? (flags & ERASE) != 0 : null;
            int n = b.getInt();
            List<String> genres = new ArrayList<>(n);
            for (int i = 0; i < n; i++) genres.add(getString(b));
            p.genres = genres;
            return p;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(
                    "unreadable pair change: truncated record of " + bytes.length + " bytes", e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** A string as its length (-1 for null) and UTF-8 bytes. */
    private static void putString(ByteBuffer b, byte[] utf8) {
        if (utf8 == null) b.putInt(-1);
        else b.putInt(utf8.length).put(utf8);
    }

    private static String getString(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) return null;
        if (n > b.remaining()) throw new BufferUnderflowException();
        String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }

    /** A JSON message, as versions before {@link #encode} wrote them. */
    static PairChange fromJson(byte[] json) {
        try {
            return JSON.readValue(json, PairChange.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable pair change: " + e.getMessage(), e);
        }
    }

    public long getUserId() {
        return userId;
    }

    public void setUserId(long v) {
        userId = v;
    }

    public long getMovieId() {
        return movieId;
    }

    public void setMovieId(long v) {
        movieId = v;
    }
    /** Null once retracted. */
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

    /** The rating event's partition of the {@code ratings} topic (a user's events share one: they are keyed by user). */
    public int getPartition() {
        return partition;
    }

    public void setPartition(int v) {
        partition = v;
    }

    /** The rating event's offset in its partition. */
    public long getOffset() {
        return offset;
    }

    public void setOffset(long v) {
        offset = v;
    }

    /** When Kafka received the rating event (epoch ms). */
    public long getProducedAt() {
        return producedAt;
    }

    public void setProducedAt(long v) {
        producedAt = v;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String v) {
        source = v;
    }

    /** Set for a dismissal: true "not interested", false undone; null for a rating. */
    public Boolean getDismissed() {
        return dismissed;
    }

    public void setDismissed(Boolean v) {
        dismissed = v;
    }

    public String getDismissedGenre() {
        return dismissedGenre;
    }

    public void setDismissedGenre(String v) {
        dismissedGenre = v;
    }

    /** True for a user's erasure request (its offset is the erasure's: everything of the user before it goes). */
    public Boolean getErase() {
        return erase;
    }

    public void setErase(Boolean v) {
        erase = v;
    }

    public List<String> getGenres() {
        return genres == null ? List.of() : genres;
    }

    public void setGenres(List<String> v) {
        genres = v;
    }
}
