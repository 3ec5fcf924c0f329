package movierec.spark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Row;

/**
 * Sends rejected records to {@code <topic>.dlq}: the original key and value bytes unchanged (whatever they were:
 * non-UTF-8, 1 MB, not JSON), with {@code error}, {@code topic}, {@code partition} and {@code offset} as headers.
 * Sends are flushed before the batch commits, so a dead letter is never lost (a replayed batch may repeat one;
 * topic/partition/offset identify it).
 */
public final class DeadLetters implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;

  public DeadLetters(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 * 1024 * 1024)); // the bad value may be large
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  /** A record to dead-letter. */
  public record Letter(byte[] key, byte[] value, String topic, int partition, long offset, String error) {
    /** The letter of a Kafka row ({@code key, value, topic, partition, offset}) rejected for {@code error}. */
    static Letter of(Row r, String error) {
      return new Letter(r.getAs("key"), r.getAs("value"), r.getAs("topic"), r.<Integer>getAs("partition"), r.<Long>getAs("offset"), error);
    }
  }

  /** A parsed batch's rows with no {@code error}; the others are added to {@code letters} with their error. */
  static List<Row> valid(List<Row> parsed, List<Letter> letters) {
    List<Row> valid = new ArrayList<>(parsed.size());
    for (Row r : parsed) {
      if (r.getAs("error") == null) valid.add(r);
      else letters.add(Letter.of(r, r.getAs("error")));
    }
    return valid;
  }

  public void send(String dlqTopic, List<Letter> letters) {
    if (letters.isEmpty()) return;
    List<Future<?>> sends = new ArrayList<>();
    for (Letter l : letters) {
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(dlqTopic, l.key(), l.value());
      r.headers().add("error", utf8(l.error()));
      r.headers().add("topic", utf8(l.topic()));
      r.headers().add("partition", utf8(String.valueOf(l.partition())));
      r.headers().add("offset", utf8(String.valueOf(l.offset())));
      sends.add(producer.send(r));
    }
    producer.flush();
    for (Future<?> f : sends) {
      try {
        f.get();
      } catch (Exception e) {
        throw new IllegalStateException("could not write to " + dlqTopic + ": " + e.getMessage(), e);
      }
    }
  }

  private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  @Override
  public void close() { producer.close(); }
}
