package movierec.spark;

import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import movierec.common.FoldIn;
import movierec.es.ModelCache;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ratings query's batch: parse and dead-letter the invalid, keep the latest event per pair, apply it to the
 * rating state, then write the rating documents and the affected movies' statistics and users' profiles as whole
 * values in one {@code _bulk}.
 */
public final class RatingsSink implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(RatingsSink.class);
  /** How long a batch waits for the movies query to index movies its ratings refer to before calling them unknown. */
  static final long UNKNOWN_MOVIE_WAIT_MS = 60_000;

  private final StreamContext ctx;

  public RatingsSink(StreamContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    // One Spark job per batch: everything is needed in the driver (dead letters, rating state, bulk), so collect once.
    List<Row> rows = RatingTransforms.parse(batch).collectAsList();
    List<DeadLetters.Letter> letters = new ArrayList<>();
    List<Row> valid = DeadLetters.valid(rows, letters);
    List<Row> events = RatingTransforms.latestPerPair(valid);
    waitForUnknownMovies(events);
    List<Row> known = new ArrayList<>(events.size());
    for (Row r : events) {
      long movieId = r.getAs("movieId");
      if (ctx.catalog().contains(movieId)) known.add(r);
      else letters.add(DeadLetters.Letter.of(r, "unknown movieId " + movieId));
    }
    ctx.deadLetters().send(ctx.ratingsDlqTopic(), letters);
    Applied applied = apply(known);
    ctx.status().recordBatch("ratings", batchId, rows.size(), applied.events(), letters.size(), applied.writeMs());
  }

  /** Movies and ratings are separate streams: give the movies query time to index the movies these ratings name. */
  private void waitForUnknownMovies(List<Row> events) {
    long deadline = System.currentTimeMillis() + UNKNOWN_MOVIE_WAIT_MS;
    while (events.stream().anyMatch(r -> !ctx.catalog().contains(r.<Long>getAs("movieId")))) {
      if (ctx.moviesCaughtUp() || System.currentTimeMillis() > deadline) return;
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Live update: the user's vector by fold-in over the current item vectors of everything they rated, with the
   * training's regularisation, plus the sequential context of their latest movies ({@link ModelCache.Model#userVector});
   * a brand-new user gets one from the first rating. Null until a model exists.
   */
  static float[] liveVector(ModelCache.Model model, Map<Long, RatingState.Pair> ratings) {
    if (model.empty()) return null;
    List<Map.Entry<Long, RatingState.Pair>> byTime = new ArrayList<>(ratings.entrySet());
    byTime.sort(Comparator.comparingLong((Map.Entry<Long, RatingState.Pair> e) -> e.getValue().timestamp())
        .thenComparingLong(Map.Entry::getKey));
    List<Long> ids = new ArrayList<>(byTime.size());
    double[] values = new double[byTime.size()];
    for (int i = 0; i < values.length; i++) {
      ids.add(byTime.get(i).getKey());
      values[i] = byTime.get(i).getValue().rating();
    }
    return model.userVector(ids, values);
  }

  /** What a batch applied: events applied or re-confirmed, and the milliseconds spent writing them. */
  record Applied(int events, long writeMs) {}

  /** Applies the events to the state and writes everything they touched. */
  private Applied apply(List<Row> events) {
    RatingState state = ctx.state();
    Set<Long> movies = new LinkedHashSet<>();
    Set<Long> users = new LinkedHashSet<>();
    List<BulkOperation> ops = new ArrayList<>();
    int written = 0;
    for (Row r : events) {
      long userId = r.getAs("userId");
      long movieId = r.getAs("movieId");
      boolean deleted = r.getAs("deleted");
      Double rating = deleted ? null : r.<Double>getAs("rating");
      long ts = r.getAs("timestamp");
      String source = r.getAs("source");
      RatingState.Outcome outcome = state.apply(userId, movieId, rating, ts, source);
      if (outcome == RatingState.Outcome.STALE) continue;
      // UNCHANGED events are re-written too: a batch replayed after a partial write completes it.
      written++;
      movies.add(movieId);
      users.add(userId);
      String id = userId + ":" + movieId;
      RatingState.Pair current = state.ratingsOf(userId).get(movieId);
      if (current == null) {
        ops.add(EsBulk.delete(ctx.ratingsIndex(), id));
      } else {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("user_id", userId);
        doc.put("movie_id", movieId);
        doc.put("rating", current.rating());
        doc.put("timestamp", current.timestamp());
        doc.put("genres", List.copyOf(ctx.catalog().genresOf(movieId)));
        doc.put("source", current.source());
        ops.add(EsBulk.index(ctx.ratingsIndex(), id, doc));
      }
    }
    for (long movieId : movies) {
      RatingState.MovieStats s = state.movieStats(movieId);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("rating_count", s.count());
      doc.put("rating_sum", s.sum());
      doc.put("rating_avg", s.avg());
      doc.put("last_rated_at", s.lastRatedAt());
      ops.add(EsBulk.upsert(ctx.moviesIndex(), String.valueOf(movieId), doc));
    }
    long now = System.currentTimeMillis();
    ModelCache.Model model = ctx.models().current();
    for (long userId : users) {
      RatingState.UserProfile p = state.userProfile(userId, ctx.catalog()::genresOf);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("user_id", userId);
      doc.put("rating_count", p.count());
      doc.put("rating_avg", p.mean());
      doc.put("top_genres", p.topGenres());
      doc.put("recent_movie_ids", p.recentMovieIds());
      doc.put("rated_movie_ids", p.ratedMovieIds());
      doc.put("last_rated_at", p.lastRatedAt());
      doc.put("updated_at", now);
      float[] vector = liveVector(model, state.ratingsOf(userId));
      if (vector != null) {
        doc.put("embedding", FoldIn.userForCosine(vector));
        doc.put("model_version", model.version());
      }
      ops.add(EsBulk.upsert(ctx.usersIndex(), String.valueOf(userId), doc));
    }
    long writing = System.nanoTime();
    ctx.bulk().write(ops);
    if (!events.isEmpty()) LOG.debug("applied {} rating events: {} movies, {} users", written, movies.size(), users.size());
    return new Applied(written, (System.nanoTime() - writing) / 1_000_000);
  }
}
