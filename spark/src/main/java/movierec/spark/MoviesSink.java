package movierec.spark;

import static org.apache.spark.sql.functions.col;

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
    Dataset<Row> parsed = MovieTransforms.parse(batch).persist();
    try {
      long in = parsed.count();
      List<DeadLetters.Letter> letters = StreamContext.letters(parsed.filter(col("error").isNotNull()));
      ctx.deadLetters().send(ctx.moviesDlqTopic(), letters);
      List<Row> movies = MovieTransforms.enrich(parsed.filter(col("error").isNull())).collectAsList();
      List<BulkOperation> ops = new ArrayList<>(movies.size());
      long now = System.currentTimeMillis();
      for (Row r : movies) {
        Map<String, Object> doc = document(r);
        doc.put("updated_at", now);
        // A partial update: replaces the movie's own fields and keeps rating statistics and embedding.
        ops.add(EsBulk.upsert(ctx.moviesIndex(), String.valueOf(r.<Long>getAs("id")), doc));
      }
      ctx.bulk().write(ops);
      for (Row r : movies) ctx.catalog().put(r.<Long>getAs("id"), r.getList(r.fieldIndex("genres")));
      ctx.status().recordBatch("movies", batchId, in, movies.size(), letters.size());
    } finally {
      parsed.unpersist();
    }
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
