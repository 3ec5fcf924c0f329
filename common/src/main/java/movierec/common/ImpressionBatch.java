package movierec.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Several served lists in one record of the {@code impressions} topic. The value is their {@code impressions} index
 * documents, one JSON per line ({@link Impression}'s shape); the {@value #HEADER} header says where each one is and what
 * the stream job needs of it, a line per list: {@code <impression id> <user id, or - for anonymous> <served at>
 * <length in bytes>}. The API logs its lists this way, a few records a second instead of one per list: each record
 * costs the API's producer, the broker and the stream job's Kafka source more than the list's few hundred bytes do.
 * The stream job slices the value by the header, without parsing any JSON.
 */
public final class ImpressionBatch {
    /** The header that indexes the value's lists. */
    public static final String HEADER = "lists";

    /**
     * The most lists in a record: about 30 KB, well under Kafka's 1 MB request limit, and few enough that the stream
     * job, which bounds its batches in records, bounds them in lists too.
     */
    public static final int MAX_LISTS = 100;

    private ImpressionBatch() {}

    /** A record's value and its {@value #HEADER} header. */
    public record Encoded(byte[] value, byte[] header) {}

    /** One list of a record: its id, user (null: anonymous), time, and where its document is in the value. */
    public record Entry(String id, Long userId, long servedAt, int offset, int length) {}

    public static Encoded encode(List<Impression> lists) {
        ByteArrayOutputStream value = new ByteArrayOutputStream(lists.size() * 320);
        StringBuilder header = new StringBuilder(lists.size() * 64);
        for (Impression i : lists) {
            byte[] document = Events.toJson(i);
            value.writeBytes(document);
            value.write('\n');
            header.append(i.id())
                    .append(' ')
                    .append(i.userId() == null ? "-" : i.userId().toString())
                    .append(' ')
                    .append(i.servedAt())
                    .append(' ')
                    .append(document.length)
                    .append('\n');
        }
        return new Encoded(value.toByteArray(), header.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The lists a {@value #HEADER} header describes, in the value's order. */
    public static List<Entry> decode(byte[] header) {
        List<Entry> out = new ArrayList<>();
        int offset = 0;
        for (String line : new String(header, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) continue;
            String[] f = line.split(" ");
            if (f.length != 4) throw new IllegalArgumentException("bad '" + HEADER + "' header line: " + line);
            int length = Integer.parseInt(f[3]);
            out.add(new Entry(
                    f[0], f[1].equals("-") ? null : Long.valueOf(f[1]), Long.parseLong(f[2]), offset, length));
            offset += length + 1; // the newline
        }
        return out;
    }
}
