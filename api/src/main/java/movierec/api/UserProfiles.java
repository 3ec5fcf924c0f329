package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import movierec.common.MovierecConfig;
import movierec.es.StoreUnavailable;

/** What is stored of a user: their profile document (written by the stream job) and their ratings. */
public final class UserProfiles {
  static final List<String> ALL_FIELDS = List.of("user_id", "rating_count", "rating_avg", "top_genres", "recent_movie_ids",
      "rated_movie_ids", "last_rated_at", "embedding", "model_version");
  /** What a personalised request reads of the user: every field less is less for the real-time GET to load. */
  static final List<String> RECOMMEND_FIELDS = List.of("top_genres", "recent_movie_ids", "rated_movie_ids", "embedding");

  /**
   * A user's stored profile. {@code version} changes with every write of the user document (its sequence number,
   * with the primary term above it against a reset index).
   */
  public record Profile(long userId, Map<String, Object> doc, float[] vector, Set<Long> rated, List<String> topGenres,
                        long version) {
    /** The user's latest rated movies, newest first (the stream job keeps the last ten). */
    @SuppressWarnings("unchecked")
    public List<Long> recent() {
      return ((List<Object>) doc.getOrDefault("recent_movie_ids", List.of())).stream().map(o -> ((Number) o).longValue()).toList();
    }
  }

  /** One of the user's ratings. */
  public record Rating(long movieId, double rating, long timestamp) {}

  private final ElasticsearchClient es;
  private final MovierecConfig config;

  public UserProfiles(ElasticsearchClient es, MovierecConfig config) {
    this.es = es;
    this.config = config;
  }

  /** The user's whole profile, or null when they have none. */
  public Profile profile(long userId) {
    return profile(userId, ALL_FIELDS);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  Profile profile(long userId, List<String> fields) {
    // Elasticsearch 9 leaves vectors out of _source unless a field list asks for them.
    GetResponse<Map> r = StoreUnavailable.call(() ->
        es.get(g -> g.index(config.index("users")).id(String.valueOf(userId)).sourceIncludes(fields), Map.class));
    if (!r.found()) return null;
    Map<String, Object> doc = r.source();
    float[] vector = null;
    if (doc.get("embedding") instanceof List<?> emb && !emb.isEmpty()) {
      vector = new float[emb.size()];
      for (int i = 0; i < vector.length; i++) vector[i] = ((Number) emb.get(i)).floatValue();
    }
    Set<Long> rated = new HashSet<>();
    for (Object o : (List<Object>) doc.getOrDefault("rated_movie_ids", List.of())) rated.add(((Number) o).longValue());
    long version = (r.primaryTerm() == null ? 0 : r.primaryTerm() << 40) + (r.seqNo() == null ? 0 : r.seqNo());
    return new Profile(userId, doc, vector, rated, (List<String>) doc.getOrDefault("top_genres", List.of()), version);
  }

  /** The user's ratings from the ratings index, newest first (ties by movie id, the reverse of training's order). */
  @SuppressWarnings("rawtypes")
  public List<Rating> ratings(long userId) {
    SearchResponse<Map> r = StoreUnavailable.call(() -> es.search(s -> s.index(config.index("ratings")).size(10_000)
        .query(q -> q.term(t -> t.field("user_id").value(userId)))
        .sort(o -> o.field(f -> f.field("timestamp").order(SortOrder.Desc)))
        .sort(o -> o.field(f -> f.field("movie_id").order(SortOrder.Desc)))
        .source(x -> x.filter(f -> f.includes("movie_id", "rating", "timestamp"))), Map.class));
    List<Rating> out = new ArrayList<>();
    for (Hit<Map> h : r.hits().hits()) {
      out.add(new Rating(((Number) h.source().get("movie_id")).longValue(), ((Number) h.source().get("rating")).doubleValue(),
          ((Number) h.source().get("timestamp")).longValue()));
    }
    return out;
  }
}
