package movierec.spark;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The movies query's batch: parse, dead-letter the invalid, enrich, upsert into {@code movies} by movie id. */
public final class MoviesSink implements VoidFunction2<Dataset<Row>, Long> {
  private final StreamContext ctx;

  public MoviesSink(StreamContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    // One Spark job per batch (parse and enrich row by row); dead letters and dedupe on the collected rows.
    List<Row> rows = MovieTransforms.enrich(MovieTransforms.parse(batch)).collectAsList();
    List<DeadLetters.Letter> letters = new ArrayList<>();
    List<Row> valid = DeadLetters.valid(rows, letters);
    ctx.deadLetters().send(ctx.moviesDlqTopic(), letters);
    List<Row> movies = MovieTransforms.latestPerId(valid);
    List<BulkOperation> ops = new ArrayList<>(movies.size());
    long now = System.currentTimeMillis();
    for (Row r : movies) {
      Map<String, Object> doc = document(r);
      doc.put("updated_at", now);
      long id = r.getAs("id");
      // A movie already indexed gets a partial update, which keeps its rating statistics and embedding; a new one
      // (the catalog mirrors the index) is indexed whole, which costs Elasticsearch less than an upsert.
      ops.add(ctx.catalog().contains(id) ? EsBulk.upsert(ctx.moviesIndex(), String.valueOf(id), doc)
          : EsBulk.index(ctx.moviesIndex(), String.valueOf(id), doc));
    }
    long writing = System.nanoTime();
    ctx.bulk().write(ops);
    long writeMs = (System.nanoTime() - writing) / 1_000_000;
    for (Row r : movies) ctx.catalog().put(r.<Long>getAs("id"), r.getList(r.fieldIndex("genres")));
    ctx.status().recordBatch("movies", batchId, rows.size(), movies.size(), letters.size(), writeMs);
  }

  /** The Elasticsearch document of an enriched movie row; absent values are written as null, never invented. */
  static Map<String, Object> document(Row r) {
    Map<String, Object> d = new LinkedHashMap<>();
    long id = r.getAs("id");
    d.put("id", String.valueOf(id));
    d.put("movie_id", id);
    for (String f : List.of("tmdb_id", "title", "overview", "description", "original_language", "language",
        "release_year", "vote_average", "vote_average_norm", "vote_count", "popularity", "popularity_norm",
        "runtime", "director", "poster_path", "source")) {
      d.put(f, r.getAs(f));
    }
    Date release = r.getAs("release_date");
    d.put("release_date", release == null ? null : release.toLocalDate().toString());
    d.put("genre_ids", r.isNullAt(r.fieldIndex("genre_ids")) ? List.of() : r.getList(r.fieldIndex("genre_ids")));
    d.put("genres", r.getList(r.fieldIndex("genres")));
    return d;
  }
}
