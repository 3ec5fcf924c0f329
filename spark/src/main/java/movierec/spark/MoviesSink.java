package movierec.spark;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import movierec.es.MovieDoc;
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

    /** The Elasticsearch document of an enriched movie row; absent values stay null (left out), never invented. */
    static MovieDoc document(Row r, long now) {
        long id = r.getAs("id");
        Date release = r.getAs("release_date");
        return new MovieDoc(
                String.valueOf(id),
                id,
                r.getAs("tmdb_id"),
                r.getAs("title"),
                r.getAs("overview"),
                r.getAs("description"),
                r.getAs("original_language"),
                r.getAs("language"),
                r.getAs("release_year"),
                r.getAs("vote_average"),
                r.getAs("vote_average_norm"),
                r.getAs("vote_count"),
                r.getAs("popularity"),
                r.getAs("popularity_norm"),
                r.getAs("runtime"),
                r.getAs("director"),
                r.getAs("poster_path"),
                r.getAs("source"),
                release == null ? null : release.toLocalDate().toString(),
                r.isNullAt(r.fieldIndex("genre_ids")) ? List.of() : r.getList(r.fieldIndex("genre_ids")),
                r.getList(r.fieldIndex("genres")),
                now);
    }
}
