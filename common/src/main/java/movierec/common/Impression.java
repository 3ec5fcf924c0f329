package movierec.common;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * One list the API served: who it was for ({@code userId}, null for an anonymous visitor), which list
 * ({@code recommendations}, or {@code similar} to {@code movieId}), the model version and experiment variant that ranked
 * it, the movie ids in the order shown, and when. Its JSON is the {@code impressions} index's document; the API sends
 * several in one record of the {@code impressions} topic ({@link ImpressionBatch}), and the stream job indexes each
 * one's bytes as they are, without parsing them. The aliases read the topic's records from before the two shapes were
 * one. The index keeps {@code impression_id} in {@code _source} only, neither searchable nor with doc values: the
 * document's {@code _id} is the same id, and doc values of a unique key made a list about 5 % dearer for Elasticsearch
 * to index and 16 % larger on disk (50,000 served lists, each mapping indexed seven times: a median 46 against 44 µs of
 * CPU a list, 193 against 166 bytes).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Impression(
        @JsonProperty("impression_id") @JsonAlias("id") String id,
        @JsonProperty("user_id") @JsonAlias("userId") Long userId,
        @JsonProperty("list") String list,
        @JsonProperty("movie_id") @JsonAlias("movieId") Long movieId,

        @JsonProperty("model_version") @JsonAlias("modelVersion")
        String modelVersion,

        @JsonProperty("variant") String variant,
        @JsonProperty("movie_ids") @JsonAlias("items") List<Long> items,
        @JsonProperty("served_at") @JsonAlias("servedAt") long servedAt) {
    public static final String RECOMMENDATIONS = "recommendations";
    public static final String SIMILAR = "similar";
    /**
     * Headers of a record holding one list, as the API sent them before it sent several per record
     * ({@link ImpressionBatch}); the stream job still reads such records.
     */
    public static final String HEADER_ID = "impression_id";

    public static final String HEADER_USER_ID = "user_id";
    public static final String HEADER_SERVED_AT = "served_at";

    /**
     * A new list's id: a version 7 UUID (RFC 9562), the time in milliseconds, then 74 random bits. Elasticsearch looks
     * each document id up before indexing it; an id later than every id of a segment is ruled out by the segment's id
     * range at a glance, a random one needs a search of every segment (measured in the bench: Elasticsearch's CPU per
     * 1,000 lists logged fell from 46 to 29 ms). Not {@code UUID.randomUUID()}: its SecureRandom is shared by every
     * request thread.
     */
    public static String newId(long millis, RandomGenerator random) {
        long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
