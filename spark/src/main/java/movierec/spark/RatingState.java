package movierec.spark;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The running statistics' state: the latest rating of every (user, movie) pair, plus per-movie count and sum kept
 * in step with it. Statistics are always derived from the pairs and written as whole values, so replaying events
 * cannot double-count: a replayed event finds its pair already at that timestamp and changes nothing.
 *
 * <p>The state lives in the driver. It is rebuilt from the {@code ratings} index (one document per pair, written
 * before each batch's checkpoint commits) when the job starts, which makes it exactly as durable as the checkpoint.
 */
public final class RatingState {
  /** One user's current rating of one movie. */
  public record Pair(double rating, long timestamp, String source) {}

  /** What applying an event did. */
  public enum Outcome { APPLIED, UNCHANGED, STALE }

  /** A movie's statistics as written to Elasticsearch. */
  public record MovieStats(long count, double sum, Double avg, Long lastRatedAt) {}

  /** A user's profile as written to Elasticsearch. */
  public record UserProfile(long userId, long count, Double mean, List<String> topGenres, List<Long> recentMovieIds,
                            List<Long> ratedMovieIds, Long lastRatedAt) {}

  public static final int TOP_GENRES = 3;
  public static final int RECENT = 10;

  private final Map<Long, Map<Long, Pair>> byUser = new HashMap<>();
  private final Map<Long, Map<Long, Long>> retractedAt = new HashMap<>();
  private final Map<Long, double[]> movieAgg = new HashMap<>(); // movieId -> {count, sum, lastRatedAt}

  /** Applies one event: a rating, or a retraction when {@code rating} is null. Older events than the pair's are stale. */
  public Outcome apply(long userId, long movieId, Double rating, long timestamp, String source) {
    Map<Long, Pair> mine = byUser.computeIfAbsent(userId, u -> new HashMap<>());
    Pair prev = mine.get(movieId);
    Long retracted = retractedAt.getOrDefault(userId, Map.of()).get(movieId);
    if ((prev != null && timestamp < prev.timestamp()) || (retracted != null && timestamp < retracted)) return Outcome.STALE;
    if (rating == null) {
      if (prev == null) return Outcome.UNCHANGED;
      mine.remove(movieId);
      retractedAt.computeIfAbsent(userId, u -> new HashMap<>()).put(movieId, timestamp);
      addToMovie(movieId, prev, -1);
      return Outcome.APPLIED;
    }
    if (prev != null && prev.timestamp() == timestamp && prev.rating() == rating) return Outcome.UNCHANGED;
    Pair next = new Pair(rating, timestamp, source);
    mine.put(movieId, next);
    if (prev != null) addToMovie(movieId, prev, -1);
    addToMovie(movieId, next, +1);
    return Outcome.APPLIED;
  }

  private void addToMovie(long movieId, Pair p, int sign) {
    double[] agg = movieAgg.computeIfAbsent(movieId, m -> new double[3]);
    agg[0] += sign;
    agg[1] += sign * p.rating();
    if (sign > 0) agg[2] = Math.max(agg[2], p.timestamp());
    if (agg[0] <= 0) {
      agg[0] = 0;
      agg[1] = 0;
    }
  }

  public MovieStats movieStats(long movieId) {
    double[] agg = movieAgg.get(movieId);
    if (agg == null || agg[0] == 0) return new MovieStats(0, 0, null, agg == null || agg[2] == 0 ? null : (long) agg[2]);
    // sums of half steps are exact in binary floating point, so avg is exact up to the division
    return new MovieStats((long) agg[0], agg[1], agg[1] / agg[0], agg[2] == 0 ? null : (long) agg[2]);
  }

  public Map<Long, Pair> ratingsOf(long userId) {
    return byUser.getOrDefault(userId, Map.of());
  }

  public int userCount() { return (int) byUser.values().stream().filter(m -> !m.isEmpty()).count(); }

  public long pairCount() { return byUser.values().stream().mapToLong(Map::size).sum(); }

  /**
   * Count, mean, the user's top genres (most frequent among the movies they rated at or above their own mean, ties
   * by name), the most recently rated movies, and every rated movie id (used to exclude them from recommendations).
   */
  public UserProfile userProfile(long userId, Function<Long, Collection<String>> genresOf) {
    Map<Long, Pair> mine = ratingsOf(userId);
    if (mine.isEmpty()) return new UserProfile(userId, 0, null, List.of(), List.of(), List.of(), null);
    double sum = 0;
    long last = 0;
    for (Pair p : mine.values()) {
      sum += p.rating();
      last = Math.max(last, p.timestamp());
    }
    double mean = sum / mine.size();
    Map<String, Integer> genreCounts = new HashMap<>();
    mine.forEach((movieId, p) -> {
      if (p.rating() >= mean) {
        for (String g : genresOf.apply(movieId)) genreCounts.merge(g, 1, Integer::sum);
      }
    });
    List<String> top = genreCounts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP_GENRES).map(Map.Entry::getKey).toList();
    List<Map.Entry<Long, Pair>> byTime = new ArrayList<>(mine.entrySet());
    byTime.sort(Comparator.comparingLong((Map.Entry<Long, Pair> e) -> e.getValue().timestamp()).reversed()
        .thenComparing(Map.Entry::getKey));
    List<Long> recent = byTime.stream().limit(RECENT).map(Map.Entry::getKey).toList();
    List<Long> rated = mine.keySet().stream().sorted().toList();
    return new UserProfile(userId, mine.size(), mean, top, recent, rated, last);
  }
}
