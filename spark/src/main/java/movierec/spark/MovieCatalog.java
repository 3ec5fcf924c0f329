package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import movierec.es.EsScan;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the ratings query needs to know about movies: which ids exist (ratings of unknown movies are dead-lettered)
 * and their genres (copied onto ratings and used for users' top genres). Loaded from the {@code movies} index at
 * start and kept current by the movies query, which runs in the same driver.
 */
public final class MovieCatalog {
  private final Map<Long, List<String>> genres = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  public static MovieCatalog load(ElasticsearchClient es, String moviesIndex) throws IOException {
    MovieCatalog c = new MovieCatalog();
    EsScan.scan(es, moviesIndex, List.of("movie_id"), List.of("movie_id", "genres"), doc -> {
      Object g = doc.get("genres");
      c.put(((Number) doc.get("movie_id")).longValue(), g instanceof List<?> l ? (List<String>) l : List.of());
    });
    return c;
  }

  public void put(long movieId, List<String> movieGenres) {
    genres.put(movieId, movieGenres == null ? List.of() : List.copyOf(movieGenres));
  }

  public boolean contains(long movieId) { return genres.containsKey(movieId); }

  public Collection<String> genresOf(long movieId) { return genres.getOrDefault(movieId, List.of()); }

  public int size() { return genres.size(); }

  public Set<Long> ids() { return genres.keySet(); }
}
