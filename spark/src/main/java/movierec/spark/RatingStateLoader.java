package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import movierec.es.EsScan;
import java.io.IOException;
import java.util.List;

/** Rebuilds the rating state from the {@code ratings} index: one document per current (user, movie) pair. */
final class RatingStateLoader {
  private RatingStateLoader() {}

  static RatingState load(ElasticsearchClient es, String ratingsIndex) throws IOException {
    RatingState state = new RatingState();
    EsScan.scan(es, ratingsIndex, List.of("user_id", "movie_id"), List.of("user_id", "movie_id", "rating", "timestamp", "source"),
        doc -> state.apply(((Number) doc.get("user_id")).longValue(), ((Number) doc.get("movie_id")).longValue(),
            ((Number) doc.get("rating")).doubleValue(), ((Number) doc.get("timestamp")).longValue(), (String) doc.get("source")));
    return state;
  }
}
