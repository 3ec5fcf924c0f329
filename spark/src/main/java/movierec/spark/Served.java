package movierec.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import movierec.common.Events;
import movierec.common.Impression;
import movierec.common.ImpressionBatch;

/**
 * What the impressions query reads from the {@code impressions} topic, as a Spark bean: a list the API served (an
 * {@link Impression}; an anonymous visitor's without a user id), or an erasure marker, which the users query's writer
 * sends when it erases a user ({@link #erasure}): {@code erasedAt} set, no document.
 *
 * <p>A record holds several lists' index documents, and its header says what this query needs of each (id, user, time,
 * where it is): their bytes pass through to Elasticsearch unparsed, which is most of what logging a list costs the
 * stream job. Only a marker, or a list logged before the API sent headers, is parsed.
 */
public final class Served implements Serializable {
    /** The marker's JSON: which user, and when their erasure was made (the erasure event's time). */
    record Erasure(long userId, long erasedAt) {}

    private String id;
    private Long userId;
    private long servedAt;
    private Long erasedAt;
    private byte[] document;

    /**
     * A record of the topic, {@code headers} by name: the lists the API served ({@link ImpressionBatch}), or an erasure
     * marker.
     */
    static List<Served> fromRecord(byte[] value, Map<String, byte[]> headers) {
        byte[] lists = headers.get(ImpressionBatch.HEADER);
        if (lists == null) return List.of(fromSingle(value, headers));
        List<Served> out = new ArrayList<>();
        for (ImpressionBatch.Entry e : ImpressionBatch.decode(lists)) {
            Served s = new Served();
            s.id = e.id();
            s.userId = e.userId();
            s.servedAt = e.servedAt();
            s.document = Arrays.copyOfRange(value, e.offset(), e.offset() + e.length());
            out.add(s);
        }
        return out;
    }

    /** A record of one list, as the API sent them before (its id, user and time in headers), or a marker. */
    private static Served fromSingle(byte[] value, Map<String, byte[]> headers) {
        byte[] id = headers.get(Impression.HEADER_ID);
        if (id == null) return fromJson(value);
        Served s = new Served();
        s.id = text(id);
        byte[] user = headers.get(Impression.HEADER_USER_ID);
        s.userId = user == null ? null : Long.parseLong(text(user));
        s.servedAt = Long.parseLong(text(headers.get(Impression.HEADER_SERVED_AT)));
        s.document = value;
        return s;
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** A record without headers: a marker, or a list in the topic's shape of before (re-written in the index's). */
    static Served fromJson(byte[] json) {
        try {
            JsonNode node = Events.JSON.readTree(json);
            if (node.has("erasedAt")) {
                Erasure e = Events.JSON.treeToValue(node, Erasure.class);
                return marker(e.userId(), e.erasedAt());
            }
            Impression i = Events.JSON.treeToValue(node, Impression.class);
            Served s = new Served();
            s.id = i.id();
            s.userId = i.userId();
            s.servedAt = i.servedAt();
            s.document = Events.toJson(i);
            return s;
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
        return s;
    }

    /** The marker the users query's writer sends for an erased user (keyed by user id). */
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

    /** The impression's id: its document's id too. */
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

    public long getServedAt() {
        return servedAt;
    }

    public void setServedAt(long v) {
        servedAt = v;
    }

    /** The {@code impressions} document, JSON (a list's); null for a marker. */
    public byte[] getDocument() {
        return document;
    }

    public void setDocument(byte[] v) {
        document = v;
    }
}
