package movierec.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import movierec.common.KafkaClientSecurity;
import movierec.common.MovierecConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a key's records end in a topic right now: the partition every producer puts the key in (Kafka's default
 * partitioner, murmur2 of the key's bytes) and that partition's end offset. The API's erasure status compares it with
 * how far the stream job has read, since an erasure's marker is keyed by the user. One admin client per process, made
 * at first use; a Kafka that does not answer in time is {@link QueueUnavailable}.
 */
public final class KeyedEnd implements AutoCloseable {
    /** The key's partition, and the offset the next record appended to it gets. */
    public record End(int partition, long offset) {}

    private static final long TIMEOUT_MS = 5_000;

    private final MovierecConfig config;
    private Admin admin;

    public KeyedEnd(MovierecConfig config) {
        this.config = config;
    }

    public synchronized End of(String topic, String key) {
        Admin a = admin();
        int partitions = QueueUnavailable.await(
                        () -> a.describeTopics(List.of(topic))
                                .allTopicNames()
                                .toCompletionStage()
                                .toCompletableFuture(),
                        TIMEOUT_MS)
                .get(topic)
                .partitions()
                .size();
        TopicPartition tp = new TopicPartition(
                topic, BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
        long end = QueueUnavailable.await(
                        () -> a.listOffsets(Map.of(tp, OffsetSpec.latest()))
                                .partitionResult(tp)
                                .toCompletionStage()
                                .toCompletableFuture(),
                        TIMEOUT_MS)
                .offset();
        return new End(tp.partition(), end);
    }

    private Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.putAll(KafkaClientSecurity.properties(config));
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "movierec-api-admin");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_MS));
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_MS));
            admin = Admin.create(p);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) admin.close();
    }
}
