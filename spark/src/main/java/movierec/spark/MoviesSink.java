package movierec.spark;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.spark.sql.Row;

/**
 * The movies query's batch, written from the executors: invalid records to {@code movies.dlq}, the latest event of
 * each movie written into {@code movies} by id (new ones whole; existing ones as a partial update, so their rating
 * statistics and embeddings stay).
 */
public final class MoviesSink {
    private MoviesSink() {}

    /** One partition of a batch (an {@link ExecutorSink.PartitionWriter}). */
    static void write(ExecutorClients x, Iterator<Row> rows, BatchMetrics metrics) {
        String dlqTopic = x.config.topic("movies.dlq");
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        // A movie's events share a Kafka partition (keyed by id), and a Kafka partition is one Spark partition, so
        // the latest event of each movie in the batch is found here, without a shuffle.
        Map<Long, Row> latest = new LinkedHashMap<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            String error = r.getAs("error");
            if (error != null) {
                sends.add(x.kafka.deadLetter(
                        dlqTopic,
                        new KafkaWrites.DeadLetter(
                                r.getAs("key"),
                                r.getAs("value"),
                                r.getAs("topic"),
                                r.<Integer>getAs("partition"),
                                r.<Long>getAs("offset"),
                                error)));
            } else {
                latest.merge(r.getAs("id"), r, (a, b) -> b.<Long>getAs("offset") > a.<Long>getAs("offset") ? b : a);
            }
        }
        List<BulkOperation> ops = new ArrayList<>(latest.size());
        long now = System.currentTimeMillis();
        String index = x.config.index("movies");
        for (Row r : latest.values()) {
            ops.add(EsBulk.createOrUpdate(index, String.valueOf(r.<Long>getAs("id")), document(r, now)));
        }
        long writing = System.nanoTime();
        x.bulk.write(ops);
        x.kafka.await(sends);
        metrics.writeMs.add((System.nanoTime() - writing) / 1_000_000);
        metrics.out.add(ops.size());
        metrics.dlq.add(sends.size());
    }

    /** The Elasticsearch document of an enriched movie row; absent values are written as null, never invented. */
    static Map<String, Object> document(Row r, long now) {
        Map<String, Object> d = new LinkedHashMap<>();
        long id = r.getAs("id");
        d.put("id", String.valueOf(id));
        d.put("movie_id", id);
        for (String f : List.of(
                "tmdb_id",
                "title",
                "overview",
                "description",
                "original_language",
                "language",
                "release_year",
                "vote_average",
                "vote_average_norm",
                "vote_count",
                "popularity",
                "popularity_norm",
                "runtime",
                "director",
                "poster_path",
                "source")) {
            d.put(f, r.getAs(f));
        }
        Date release = r.getAs("release_date");
        d.put("release_date", release == null ? null : release.toLocalDate().toString());
        d.put("genre_ids", r.isNullAt(r.fieldIndex("genre_ids")) ? List.of() : r.getList(r.fieldIndex("genre_ids")));
        d.put("genres", r.getList(r.fieldIndex("genres")));
        d.put("updated_at", now);
        return d;
    }
}
