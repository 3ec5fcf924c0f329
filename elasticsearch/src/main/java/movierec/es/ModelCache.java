package movierec.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import movierec.common.FoldIn;
import movierec.common.MovierecConfig;

/**
 * The current model in memory: every movie's item factors (raw, without the cosine augmentation), title and genres,
 * YᵀY for fold-in, and the training parameters. A few MB for the bundled data. Reloaded when
 * {@code models/current} names a new version (checked at most every few seconds), so a re-train shows up without a
 * restart and readers never see a half-loaded model.
 */
public final class ModelCache {
  /** A movie as the recommender needs it. */
  public record Item(long id, String title, List<String> genres, float[] factors) {}

  /** One loaded model version. */
  public record Model(String version, int rank, double regParam, double alpha, double recencyScale, double recencyFloor,
                      Map<Long, Item> items, double[] gram) {
    public boolean empty() { return items.isEmpty(); }

    /**
     * The user's ratings, given oldest first, as fold-in input: recency-weighted exactly as in training, and only
     * those movies the model has vectors for.
     */
    public List<FoldIn.Rated> foldInInput(List<Long> movieIdsOldestFirst, double[] ratingsOldestFirst) {
      double[] w = FoldIn.recencyWeighted(ratingsOldestFirst, recencyScale, recencyFloor);
      List<FoldIn.Rated> out = new ArrayList<>();
      for (int i = 0; i < w.length; i++) {
        Item item = items.get(movieIdsOldestFirst.get(i));
        if (item != null) out.add(new FoldIn.Rated(item.factors(), w[i]));
      }
      return out;
    }

    /** Fold-in of a user from their ratings (oldest first); null without a model or without known movies. */
    public float[] userFactors(List<Long> movieIdsOldestFirst, double[] ratingsOldestFirst) {
      if (empty()) return null;
      return FoldIn.userFactors(gram, rank, foldInInput(movieIdsOldestFirst, ratingsOldestFirst), regParam, alpha);
    }
  }

  private static final Model NONE = new Model("none", 0, 0, 0, 0, 1, Map.of(), new double[0]);
  private static final long CHECK_EVERY_MS = 5_000;

  private final ElasticsearchClient es;
  private final MovierecConfig config;
  private volatile Model model = NONE;
  private volatile long checkedAt;

  public ModelCache(ElasticsearchClient es, MovierecConfig config) {
    this.es = es;
    this.config = config;
  }

  /** The current model, reloading it first if a newer version was published. */
  public Model current() {
    long now = System.currentTimeMillis();
    if (now - checkedAt > CHECK_EVERY_MS) {
      synchronized (this) {
        if (now - checkedAt > CHECK_EVERY_MS) {
          checkedAt = now;
          try {
            refresh();
          } catch (Exception e) {
            // keep serving the model we have; Elasticsearch errors surface on the request itself
          }
        }
      }
    }
    return model;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private void refresh() throws IOException {
    GetResponse<Map> current = es.get(g -> g.index(config.index("models")).id("current"), Map.class);
    if (!current.found()) return;
    Map<String, Object> doc = current.source();
    String version = (String) doc.get("version");
    if (version.equals(model.version())) return;
    Map<String, Object> params = (Map<String, Object>) doc.get("params");
    int rank = ((Number) params.get("rank")).intValue();
    Map<Long, Item> items = new HashMap<>();
    EsScan.scan(es, config.index("movies"), Query.of(q -> q.exists(e -> e.field("embedding"))), List.of("movie_id"),
        List.of("movie_id", "title", "genres", "embedding"), m -> {
          List<Number> emb = (List<Number>) m.get("embedding");
          float[] raw = new float[rank];
          for (int i = 0; i < rank; i++) raw[i] = emb.get(i).floatValue();
          long id = ((Number) m.get("movie_id")).longValue();
          items.put(id, new Item(id, (String) m.get("title"), (List<String>) m.getOrDefault("genres", List.of()), raw));
        });
    List<float[]> all = new ArrayList<>();
    items.values().forEach(i -> all.add(i.factors()));
    model = new Model(version, rank, ((Number) params.get("regParam")).doubleValue(),
        ((Number) params.get("alpha")).doubleValue(),
        ((Number) params.getOrDefault("recencyScale", 0)).doubleValue(), ((Number) params.getOrDefault("recencyFloor", 1)).doubleValue(),
        items, FoldIn.gram(all, rank));
  }
}
