package movierec.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import movierec.common.Events;
import movierec.common.Impression;
import movierec.common.ImpressionBatch;
import movierec.common.KafkaClientSecurity;
import movierec.common.MovieEvent;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces movie and rating events. Validates each event first: an invalid one is rejected with its reason
 * ({@link InvalidEventException}) and never sent.
 */
public final class EventProducer implements AutoCloseable {
    /** Header of a rating written through the API: the name of the API key that wrote it (never the key). */
    public static final String API_KEY_NAME_HEADER = "api-key-name";

    private final KafkaProducer<String, byte[]> producer;
    private final String moviesTopic;
    private final String ratingsTopic;
    private final String impressionsTopic;

    public EventProducer(MovierecConfig config) {
        this(config, java.util.Map.of());
    }

    /** With producer settings overridden, e.g. the API's short timeouts so a Kafka outage answers 503 quickly. */
    public EventProducer(MovierecConfig config, java.util.Map<String, String> overrides) {
        Properties p = properties(config);
        p.putAll(overrides);
        this.producer = new KafkaProducer<>(p);
        this.moviesTopic = config.topic(Topics.MOVIES);
        this.ratingsTopic = config.topic(Topics.RATINGS);
        this.impressionsTopic = config.topic(Topics.IMPRESSIONS);
    }

    static Properties properties(MovierecConfig config) {
        Properties p = new Properties();
        p.putAll(KafkaClientSecurity.properties(config));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Nothing lost, nothing duplicated: every in-sync replica acknowledges, and the broker drops retried
        // duplicates.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5"); // the most idempotence keeps ordered
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000"); // ride out a broker restart
        // Small JSON events compress well; a few ms of linger fills batches during replay without hurting live latency.
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "movierec-producer");
        return p;
    }

    public CompletableFuture<RecordMetadata> sendMovie(MovieEvent movie) {
        String invalid = Events.validate(movie);
        if (invalid != null) throw new InvalidEventException("movie " + movie.id() + ": " + invalid);
        return send(new ProducerRecord<>(moviesTopic, movie.key(), Events.toJson(movie)));
    }

    public CompletableFuture<RecordMetadata> sendRating(RatingEvent rating) {
        return sendRating(rating, null);
    }

    /** A rating written through the API: {@code apiKeyName} goes along as the {@value #API_KEY_NAME_HEADER} header. */
    public CompletableFuture<RecordMetadata> sendRating(RatingEvent rating, String apiKeyName) {
        String invalid = Events.validate(rating);
        if (invalid != null) throw new InvalidEventException("rating " + rating.eventId() + ": " + invalid);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(ratingsTopic, rating.key(), Events.toJson(rating));
        if (apiKeyName != null) record.headers().add(API_KEY_NAME_HEADER, apiKeyName.getBytes(StandardCharsets.UTF_8));
        return send(record);
    }

    /**
     * Lists the API served (see {@code ImpressionLog} in the API), in one record ({@link ImpressionBatch}). No key: the
     * stream job groups the lists by user itself, and an erasure's marker need not share their partition.
     */
    public CompletableFuture<RecordMetadata> sendImpressions(List<Impression> lists) {
        ImpressionBatch.Encoded batch = ImpressionBatch.encode(lists);
        var record = new ProducerRecord<String, byte[]>(impressionsTopic, null, batch.value());
        record.headers().add(ImpressionBatch.HEADER, batch.header());
        return send(record);
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        producer.send(record, (meta, error) -> {
            if (error != null) result.completeExceptionally(error);
            else result.complete(meta);
        });
        return result;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(30));
    }

    /** An event that failed validation; its message is the reason. */
    public static final class InvalidEventException extends IllegalArgumentException {
        public InvalidEventException(String message) {
            super(message);
        }
    }
}
