package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch._types.query_dsl.TextQueryType;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.msearch.MultiSearchResponseItem;
import co.elastic.clients.elasticsearch.core.msearch.RequestItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import movierec.common.FoldIn;
import movierec.es.ModelCache;
import movierec.common.MovierecConfig;

/**
 * Recommendations served from Elasticsearch; used by the REST API and by {@code movierec evaluate}, so what is
 * measured is what is served.
 * <ul>
 *   <li>personalised: kNN on {@code movies.embedding} with the user's vector (cosine on MIPS-augmented vectors, i.e.
 *       ranked by the model's dot product: ALS + sequential + genre taste), excluding what the user rated; cold
 *       start: popular in the user's top genres, then popular overall;</li>
 *   <li>similar: kNN on the ALS part of the movie's vector fused with {@code more_like_this} on description and genres by reciprocal
 *       rank fusion (score = Σ 1/(60 + rank) over the two lists), so a movie high in either list ranks high;</li>
 *   <li>popular: by rating count, then average rating.</li>
 * </ul>
 */
public final class RecommendationService {
  /** Fields returned for a movie. */
  public static final List<String> MOVIE_FIELDS = List.of("movie_id", "title", "genres", "release_date", "release_year", "language",
      "overview", "director", "runtime", "vote_average", "vote_count", "rating_count", "rating_avg", "popularity", "poster_path");
  static final List<String> USER_FIELDS = List.of("user_id", "rating_count", "rating_avg", "top_genres", "recent_movie_ids",
      "rated_movie_ids", "last_rated_at", "embedding", "model_version");
  static final int RRF_K = 60;
  /** HNSW candidates per shard for a kNN of k results: enough that the approximate top k is the exact one here. */
  public static int knnCandidates(int k) {
    return Math.min(10_000, Math.max(500, 10 * k));
  }

  /** One recommended movie with why. */
  public record Recommendation(Map<String, Object> movie, double score, String reason) {}

  /** Optional filters of a personalised request. */
  public record Filters(String genre, Integer minYear, Integer maxYear) {
    public static final Filters NONE = new Filters(null, null, null);
  }

  /** A rated movie's contribution to a recommendation. */
  public record Contribution(long movieId, String title, double rating, double contribution) {}

  /** A user's stored profile, or null. */
  public record Profile(long userId, Map<String, Object> doc, float[] vector, Set<Long> rated, List<String> topGenres,
                        long version) {
    /** The user's latest rated movies, newest first (the stream job keeps the last ten). */
    @SuppressWarnings("unchecked")
    public List<Long> recent() {
      return ((List<Object>) doc.getOrDefault("recent_movie_ids", List.of())).stream().map(o -> ((Number) o).longValue()).toList();
    }
  }

  private final ElasticsearchClient es;
  private final MovierecConfig config;
  private final ModelCache models;

  public RecommendationService(ElasticsearchClient es, MovierecConfig config) {
    this.es = es;
    this.config = config;
    this.models = new ModelCache(es, config);
  }

  public ModelCache models() { return models; }

  public Profile profile(long userId) throws IOException {
    return profile(userId, USER_FIELDS);
  }

  /** What a personalised request reads of the user: every field less is less for the real-time GET to load. */
  static final List<String> RECOMMEND_FIELDS = List.of("top_genres", "recent_movie_ids", "rated_movie_ids", "embedding");

  @SuppressWarnings({"rawtypes", "unchecked"})
  private Profile profile(long userId, List<String> fields) throws IOException {
    // Elasticsearch 9 leaves vectors out of _source unless a field list asks for them.
    GetResponse<Map> r = es.get(g -> g.index(config.index("users")).id(String.valueOf(userId)).sourceIncludes(fields), Map.class);
    if (!r.found()) return null;
    Map<String, Object> doc = r.source();
    float[] vector = null;
    if (doc.get("embedding") instanceof List<?> emb && !emb.isEmpty()) {
      vector = new float[emb.size()];
      for (int i = 0; i < vector.length; i++) vector[i] = ((Number) emb.get(i)).floatValue();
    }
    Set<Long> rated = new HashSet<>();
    for (Object o : (List<Object>) doc.getOrDefault("rated_movie_ids", List.of())) rated.add(((Number) o).longValue());
    // _seq_no changes with every write of the user document (primary term guards against a reset index)
    long version = (r.primaryTerm() == null ? 0 : r.primaryTerm() << 40) + (r.seqNo() == null ? 0 : r.seqNo());
    return new Profile(userId, doc, vector, rated, (List<String>) doc.getOrDefault("top_genres", List.of()), version);
  }

  /**
   * Personalised top-k for a stored user. Results are cached per (user, request, version of the user's document,
   * model version): a new rating rewrites the user document, which changes its version, so the cache can never
   * serve a stale list, and a repeated request costs one real-time GET instead of a kNN search.
   */
  public List<Recommendation> recommend(long userId, int k, Filters filters) throws IOException {
    Profile p = profile(userId, RECOMMEND_FIELDS);
    if (p == null) return popularExcluding(Set.of(), List.of(), k, filters);
    String key = userId + "|" + k + "|" + filters + "|" + p.version() + "|" + models.current().version();
    List<Recommendation> cached = cache.get(key);
    if (cached != null) return cached;
    List<Recommendation> fresh = p.vector() == null ? popularExcluding(p.rated(), p.topGenres(), k, filters)
        : knnForUser(p.vector(), p.rated(), p.recent(), k, filters);
    if (cache.size() >= CACHE_ENTRIES) cache.clear(); // crude bound; entries are cheap to recompute
    cache.put(key, fresh);
    return fresh;
  }

  static final int CACHE_ENTRIES = 50_000;
  private final Map<String, List<Recommendation>> cache = new java.util.concurrent.ConcurrentHashMap<>();

  /** Recommendations for an anonymous visitor from a few ratings: the live-update fold-in, computed on the fly. */
  public List<Recommendation> recommendFor(Map<Long, Double> ratings, int k) throws IOException {
    ModelCache.Model m = models.current();
    List<Long> ids = new ArrayList<>(ratings.keySet()); // in the order given: oldest first
    double[] values = ratings.values().stream().mapToDouble(Double::doubleValue).toArray();
    float[] x = m.userVector(ids, values);
    if (x == null) return popularExcluding(ratings.keySet(), genresOf(m, ratings.keySet()), k, Filters.NONE);
    List<Long> newestFirst = new ArrayList<>(ids);
    java.util.Collections.reverse(newestFirst);
    return knnForUser(FoldIn.userForCosine(x), ratings.keySet(), newestFirst, k, Filters.NONE);
  }

  /**
   * kNN with the user's vector: cosine on MIPS-augmented vectors ranks exactly by the model's dot product. Measured:
   * a bonus for the user's top genres on top of it lowered NDCG@10 (0.122 → 0.113), so the model's order is served.
   */
  private List<Recommendation> knnForUser(float[] storedVector, Set<Long> rated, List<Long> recent, int k, Filters filters)
      throws IOException {
    ModelCache.Model m = models.current();
    List<Float> qv = new ArrayList<>(storedVector.length);
    for (float f : storedVector) qv.add(f);
    List<Query> filter = filterQueries(filters, rated, null);
    SearchResponse<Map> r = es.search(s -> s.index(config.index("movies")).size(k)
        .knn(kn -> kn.field("embedding").queryVector(qv).k(k).numCandidates(knnCandidates(k)).filter(filter))
        .source(x -> x.filter(f -> f.includes(MOVIE_FIELDS))), Map.class);
    List<Recommendation> out = new ArrayList<>();
    for (Hit<Map> h : r.hits().hits()) {
      long id = ((Number) h.source().get("movie_id")).longValue();
      out.add(new Recommendation(movie(h), h.score() == null ? 0 : h.score(), because(m, id, rated, recent)));
    }
    if (out.size() < k) {
      Set<Long> exclude = new HashSet<>(rated);
      out.forEach(rec -> exclude.add(((Number) rec.movie().get("movie_id")).longValue()));
      out.addAll(popularExcluding(exclude, List.of(), k - out.size(), filters));
    }
    return out;
  }

  /**
   * The rated movie that explains a recommendation best: the recent movie whose sequential contribution to its score
   * is largest ("people who rated that went on to this"), else the rated movie whose ALS factors point most the same way.
   */
  private static String because(ModelCache.Model m, long recommended, Set<Long> rated, List<Long> recent) {
    ModelCache.Item rec = m.items().get(recommended);
    if (rec == null) return "matches your taste";
    double best = 0;
    String title = null;
    for (int k = 0; k < recent.size(); k++) {
      ModelCache.Item it = m.items().get(recent.get(k));
      if (it == null || it.title() == null) continue;
      double c = it.sequentialTerm(k, rec);
      if (c > best) {
        best = c;
        title = it.title();
      }
    }
    if (title != null) return "because you rated " + title;
    best = -2;
    for (long id : rated) {
      ModelCache.Item it = m.items().get(id);
      if (it == null || it.title() == null) continue;
      double c = cosine(rec.factors(), it.factors());
      if (c > best) {
        best = c;
        title = it.title();
      }
    }
    return title == null ? "matches your taste" : "because you rated " + title;
  }

  /** Popular movies: first in {@code genres} (if any), then overall; none of {@code exclude}. */
  public List<Recommendation> popularExcluding(Set<Long> exclude, List<String> genres, int k, Filters filters) throws IOException {
    List<Recommendation> out = new ArrayList<>();
    Set<Long> skip = new HashSet<>(exclude);
    if (!genres.isEmpty()) {
      for (Hit<Map> h : popularHits(filterQueries(filters, skip, genres), k)) {
        long id = ((Number) h.source().get("movie_id")).longValue();
        skip.add(id);
        String genre = firstShared(h, genres);
        out.add(new Recommendation(movie(h), ratingCount(h), "popular in " + genre));
      }
    }
    if (out.size() < k) {
      for (Hit<Map> h : popularHits(filterQueries(filters, skip, null), k - out.size())) {
        out.add(new Recommendation(movie(h), ratingCount(h),
            filters.genre() == null ? "popular overall" : "popular in " + filters.genre()));
      }
    }
    return out;
  }

  public List<Recommendation> popular(String genre, int k) throws IOException {
    return popularExcluding(Set.of(), List.of(), k, new Filters(genre, null, null));
  }

  @SuppressWarnings("rawtypes")
  private List<Hit<Map>> popularHits(List<Query> filter, int k) throws IOException {
    return es.search(s -> s.index(config.index("movies")).size(k)
        .query(q -> q.bool(b -> b.filter(filter).filter(f -> f.range(rg -> rg.number(n -> n.field("rating_count").gt(0.0))))))
        .sort(o -> o.field(f -> f.field("rating_count").order(SortOrder.Desc)))
        .sort(o -> o.field(f -> f.field("rating_avg").order(SortOrder.Desc)))
        .sort(o -> o.field(f -> f.field("movie_id").order(SortOrder.Asc)))
        .source(x -> x.filter(f -> f.includes(MOVIE_FIELDS))), Map.class).hits().hits();
  }

  /**
   * Similar movies: kNN on the item vector and more_like_this on the text, sent together in one {@code _msearch} and
   * fused by reciprocal rank.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public List<Recommendation> similar(long movieId, int k) throws IOException {
    GetResponse<Map> self = es.get(g -> g.index(config.index("movies")).id(String.valueOf(movieId))
        .sourceIncludes("title", "embedding"), Map.class);
    if (!self.found()) return null;
    List<Query> notSelf = List.of(Query.of(q -> q.term(t -> t.field("movie_id").value(movieId))));
    int depth = Math.max(50, 3 * k);
    String title = (String) self.source().get("title");
    List<RequestItem> searches = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    if (self.source().get("embedding") instanceof List<?> emb) {
      // only the ALS part of the movie's vector: "liked by the same people", not "rated in the same session"
      List<Float> qv = new ArrayList<>();
      int rank = models.current().rank();
      for (int i = 0; i < emb.size(); i++) qv.add(rank > 0 && i >= rank ? 0f : ((Number) emb.get(i)).floatValue());
      searches.add(RequestItem.of(ri -> ri.header(h -> h.index(config.index("movies"))).body(b -> b.size(depth)
          .knn(kn -> kn.field("embedding").queryVector(qv).k(depth).numCandidates(Math.max(200, 2 * depth))
              .filter(f -> f.bool(bo -> bo.mustNot(notSelf))))
          .source(x -> x.filter(f -> f.includes(MOVIE_FIELDS))))));
      reasons.add("liked by people who liked " + title);
    }
    searches.add(RequestItem.of(ri -> ri.header(h -> h.index(config.index("movies"))).body(b -> b.size(depth)
        .query(q -> q.bool(bo -> bo.mustNot(notSelf).must(m -> m.moreLikeThis(l -> l.fields("description", "genres")
            .like(li -> li.document(d -> d.index(config.index("movies")).id(String.valueOf(movieId))))
            .minTermFreq(1).minDocFreq(1).maxQueryTerms(25)))))
        .source(x -> x.filter(f -> f.includes(MOVIE_FIELDS))))));
    reasons.add("similar story and genres to " + title);
    List<MultiSearchResponseItem<Map>> responses = es.msearch(m -> m.searches(searches), Map.class).responses();
    Map<Long, Double> fused = new LinkedHashMap<>();
    Map<Long, Map<String, Object>> movies = new HashMap<>();
    Map<Long, String> reasonOf = new HashMap<>();
    for (int i = 0; i < responses.size(); i++) {
      MultiSearchResponseItem<Map> item = responses.get(i);
      if (item.isFailure()) throw new IOException("similar-movies search failed: " + item.failure().error().reason());
      fuse(item.result().hits().hits(), fused, movies, reasonOf, reasons.get(i));
    }
    return fused.entrySet().stream().sorted(Map.Entry.<Long, Double>comparingByValue().reversed()).limit(k)
        .map(e -> new Recommendation(movies.get(e.getKey()), e.getValue(), reasonOf.get(e.getKey()))).toList();
  }

  @SuppressWarnings("rawtypes")
  private static void fuse(List<Hit<Map>> hits, Map<Long, Double> fused, Map<Long, Map<String, Object>> movies,
                           Map<Long, String> reasons, String reason) {
    for (int i = 0; i < hits.size(); i++) {
      Hit<Map> h = hits.get(i);
      long id = ((Number) h.source().get("movie_id")).longValue();
      fused.merge(id, 1.0 / (RRF_K + i + 1), Double::sum);
      movies.putIfAbsent(id, movie(h));
      reasons.putIfAbsent(id, reason);
    }
  }

  /** Full-text search: user text goes into multi_match only, so it can never inject query syntax. */
  @SuppressWarnings("rawtypes")
  public Map<String, Object> search(String text, String genre, int page, int size) throws IOException {
    List<Query> filter = filterQueries(new Filters(genre, null, null), Set.of(), null);
    SearchResponse<Map> r = es.search(s -> s.index(config.index("movies")).from((page - 1) * size).size(size)
        .query(q -> q.bool(b -> b.filter(filter).must(m -> m.multiMatch(mm -> mm.query(text)
            .fields("title^3", "description", "director").type(TextQueryType.BestFields).fuzziness("AUTO")))))
        .source(x -> x.filter(f -> f.includes(MOVIE_FIELDS))), Map.class);
    List<Map<String, Object>> items = new ArrayList<>();
    for (Hit<Map> h : r.hits().hits()) items.add(movie(h));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("total", r.hits().total() == null ? items.size() : r.hits().total().value());
    out.put("page", page);
    out.put("size", size);
    out.put("items", items);
    return out;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  public Map<String, Object> movie(long movieId) throws IOException {
    GetResponse<Map> r = es.get(g -> g.index(config.index("movies")).id(String.valueOf(movieId))
        .sourceIncludes(MOVIE_FIELDS), Map.class);
    return r.found() ? summary(r.source()) : null;
  }

  /** The user's ratings (movie id -> rating), from the ratings index. */
  @SuppressWarnings("rawtypes")
  public Map<Long, double[]> ratingsOf(long userId) throws IOException {
    Map<Long, double[]> out = new LinkedHashMap<>();
    SearchResponse<Map> r = es.search(s -> s.index(config.index("ratings")).size(10_000)
        .query(q -> q.term(t -> t.field("user_id").value(userId)))
        .sort(o -> o.field(f -> f.field("timestamp").order(SortOrder.Desc)))
        .sort(o -> o.field(f -> f.field("movie_id").order(SortOrder.Desc))) // newest first, ties as training orders them
        .source(x -> x.filter(f -> f.includes("movie_id", "rating", "timestamp"))), Map.class);
    for (Hit<Map> h : r.hits().hits()) {
      out.put(((Number) h.source().get("movie_id")).longValue(),
          new double[] {((Number) h.source().get("rating")).doubleValue(), ((Number) h.source().get("timestamp")).doubleValue()});
    }
    return out;
  }

  /**
   * Which rated movies support recommending {@code movieId}, exactly. The score is the ALS part plus the sequential
   * part. ALS: with x = A⁻¹ Σ_j (1 + αr_j) y_j (the fold-in), y·x = Σ_j (1 + αr_j) · yᵀA⁻¹y_j, one term per rated
   * movie j. Sequential: Σ_k w_k · a_(k-th latest) · b, one term per recent movie. Each movie's contribution is the sum
   * of its terms, in the units of the stored vectors.
   */
  public List<Contribution> because(long userId, long movieId, int k) throws IOException {
    ModelCache.Model m = models.current();
    ModelCache.Item target = m.items().get(movieId);
    if (target == null) return List.of();
    List<Map.Entry<Long, double[]>> newestFirst = new ArrayList<>(ratingsOf(userId).entrySet());
    List<Long> ids = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      if (m.items().containsKey(newestFirst.get(i).getKey())) {
        ids.add(newestFirst.get(i).getKey());
        values.add(newestFirst.get(i).getValue()[0]);
      }
    }
    List<FoldIn.Rated> rated = m.foldInInput(ids, values.stream().mapToDouble(Double::doubleValue).toArray());
    if (rated.isEmpty()) return List.of();
    double[] z = FoldIn.solveAgainst(m.gram(), m.rank(), rated, m.regParam(), m.alpha(), target.factors());
    List<Contribution> out = new ArrayList<>();
    for (int j = 0; j < rated.size(); j++) {
      FoldIn.Rated r = rated.get(j);
      double c = (1 + m.alpha() * r.rating()) * dot(z, r.factors()) / m.alsScale();
      ModelCache.Item item = m.items().get(ids.get(j));
      c += item.sequentialTerm(rated.size() - 1 - j, target); // ids are oldest first
      out.add(new Contribution(ids.get(j), item.title(), values.get(j), c));
    }
    out.sort(Comparator.comparingDouble(Contribution::contribution).reversed());
    return out.subList(0, Math.min(k, out.size()));
  }

  private List<Query> filterQueries(Filters f, Set<Long> exclude, Collection<String> anyGenre) {
    List<Query> out = new ArrayList<>();
    if (f.genre() != null) out.add(Query.of(q -> q.term(t -> t.field("genres").value(f.genre()))));
    if (anyGenre != null && !anyGenre.isEmpty()) {
      List<FieldValue> g = anyGenre.stream().map(FieldValue::of).toList();
      out.add(Query.of(q -> q.terms(t -> t.field("genres").terms(v -> v.value(g)))));
    }
    if (f.minYear() != null || f.maxYear() != null) {
      out.add(Query.of(q -> q.range(r -> r.number(n -> {
        n.field("release_year");
        if (f.minYear() != null) n.gte(f.minYear().doubleValue());
        if (f.maxYear() != null) n.lte(f.maxYear().doubleValue());
        return n;
      }))));
    }
    if (!exclude.isEmpty()) {
      List<FieldValue> ids = exclude.stream().map(FieldValue::of).toList();
      out.add(Query.of(q -> q.bool(b -> b.mustNot(mn -> mn.terms(t -> t.field("movie_id").terms(v -> v.value(ids)))))));
    }
    return out;
  }

  private static List<String> genresOf(ModelCache.Model m, Collection<Long> ids) {
    Map<String, Integer> counts = new HashMap<>();
    for (long id : ids) {
      ModelCache.Item it = m.items().get(id);
      if (it != null) it.genres().forEach(g -> counts.merge(g, 1, Integer::sum));
    }
    return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
        .map(Map.Entry::getKey).toList();
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static String firstShared(Hit<Map> h, List<String> genres) {
    List<String> own = (List<String>) h.source().getOrDefault("genres", List.of());
    return genres.stream().filter(own::contains).findFirst().orElse(genres.get(0));
  }

  @SuppressWarnings("rawtypes")
  private static double ratingCount(Hit<Map> h) {
    Object c = h.source().get("rating_count");
    return c == null ? 0 : ((Number) c).doubleValue();
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Map<String, Object> movie(Hit<Map> h) { return summary(h.source()); }

  static Map<String, Object> summary(Map<String, Object> src) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", src.get("movie_id"));
    for (String f : MOVIE_FIELDS) if (!f.equals("movie_id") && src.containsKey(f)) out.put(f, src.get(f));
    return out;
  }

  private static double cosine(float[] a, float[] b) {
    double d = FoldIn.dot(a, b);
    double n = Math.sqrt(FoldIn.dot(a, a) * FoldIn.dot(b, b));
    return n == 0 ? 0 : d / n;
  }

  private static double dot(double[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
