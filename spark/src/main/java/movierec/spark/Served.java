package movierec.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import movierec.common.Events;
import movierec.common.Impression;

/**
 * What the impressions query reads from the {@code impressions} topic, as a Spark bean: a list the API served (an
 * {@link Impression}; an anonymous visitor's without a user id), or an erasure marker, which the users query's writer
 * sends when it erases a user ({@link #erasure}): {@code erasedAt} set, the list fields empty.
 */
public final class Served implements Serializable {
    /** The key of anonymous visitors' lists. */
    public static final long ANONYMOUS = 0;

    /** The marker's JSON: which user, and when their erasure was made (the erasure event's time). */
    record Erasure(long userId, long erasedAt) {}

    private String id;
    private Long userId;
    private String list;
    private Long movieId;
    private String modelVersion;
    private String variant;
    private List<Long> items;
    private long servedAt;
    private Long erasedAt;

    /** A record of the topic: a served list, or an erasure marker. */
    static Served fromJson(byte[] json) {
        try {
            JsonNode node = Events.JSON.readTree(json);
            if (node.has("erasedAt")) {
                Erasure e = Events.JSON.treeToValue(node, Erasure.class);
                return marker(e.userId(), e.erasedAt());
            }
            return of(Events.JSON.treeToValue(node, Impression.class));
        } catch (IOException e) {
            // only the API and the stream job write the topic: an unreadable record is a bug, not bad input
            throw new UncheckedIOException("unreadable impression: " + e.getMessage(), e);
        }
    }

    /** An erasure marker: the user, and the time of their erasure; no list. */
    static Served marker(long userId, long erasedAt) {
        Served s = new Served();
        s.userId = userId;
        s.erasedAt = erasedAt;
        s.items = List.of();
        return s;
    }

    /** The key of the user-keyed stage: the user, or {@link #ANONYMOUS}. */
    static long userKey(Served s) {
        return s.userId == null ? ANONYMOUS : s.userId;
    }

    /** The marker the users query's writer sends for an erased user (keyed by user id, as the lists are). */
    static byte[] erasure(long userId, long erasedAt) {
        try {
            return Events.JSON.writeValueAsBytes(new Erasure(userId, erasedAt));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Set for an erasure marker: the time of the user's erasure. */
    public Long getErasedAt() {
        return erasedAt;
    }

    public void setErasedAt(Long v) {
        erasedAt = v;
    }

    static Served of(Impression i) {
        Served s = new Served();
        s.id = i.id();
        s.userId = i.userId();
        s.list = i.list();
        s.movieId = i.movieId();
        s.modelVersion = i.modelVersion();
        s.variant = i.variant();
        s.items = i.items() == null ? List.of() : i.items();
        s.servedAt = i.servedAt();
        return s;
    }

    public String getId() {
        return id;
    }

    public void setId(String v) {
        id = v;
    }

    public Long getUserId() {
        return userId;
    }

    public void setUserId(Long v) {
        userId = v;
    }

    public String getList() {
        return list;
    }

    public void setList(String v) {
        list = v;
    }

    public Long getMovieId() {
        return movieId;
    }

    public void setMovieId(Long v) {
        movieId = v;
    }

    public String getModelVersion() {
        return modelVersion;
    }

    public void setModelVersion(String v) {
        modelVersion = v;
    }

    public String getVariant() {
        return variant;
    }

    public void setVariant(String v) {
        variant = v;
    }

    public List<Long> getItems() {
        return items;
    }

    public void setItems(List<Long> v) {
        items = v;
    }

    public long getServedAt() {
        return servedAt;
    }

    public void setServedAt(long v) {
        servedAt = v;
    }
}
