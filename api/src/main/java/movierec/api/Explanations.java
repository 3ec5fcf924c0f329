package movierec.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import movierec.common.FoldIn;
import movierec.common.Vectors;
import movierec.es.ModelCache;

/** Why a movie is recommended to a user: which of their rated movies support it, and by how much. */
public final class Explanations {
  /** A rated movie's contribution to a recommendation. */
  public record Contribution(long movieId, String title, double rating, double contribution) {}

  private final UserProfiles users;
  private final ModelCache models;

  public Explanations(UserProfiles users, ModelCache models) {
    this.users = users;
    this.models = models;
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
    List<UserProfiles.Rating> newestFirst = users.ratings(userId);
    List<Long> ids = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      if (m.items().containsKey(newestFirst.get(i).movieId())) {
        ids.add(newestFirst.get(i).movieId());
        values.add(newestFirst.get(i).rating());
      }
    }
    List<FoldIn.Rated> rated = m.foldInInput(ids, values.stream().mapToDouble(Double::doubleValue).toArray());
    if (rated.isEmpty()) return List.of();
    double[] z = FoldIn.solveAgainst(m.gram(), m.rank(), rated, m.regParam(), m.alpha(), target.factors());
    List<Contribution> out = new ArrayList<>();
    for (int j = 0; j < rated.size(); j++) {
      FoldIn.Rated r = rated.get(j);
      double c = (1 + m.alpha() * r.rating()) * Vectors.dot(z, r.factors()) / m.layout().alsScale();
      ModelCache.Item item = m.items().get(ids.get(j));
      c += item.sequentialTerm(rated.size() - 1 - j, target); // ids are oldest first
      out.add(new Contribution(ids.get(j), item.title(), values.get(j), c));
    }
    out.sort(Comparator.comparingDouble(Contribution::contribution).reversed());
    return out.subList(0, Math.min(k, out.size()));
  }

  /**
   * The rated movie that explains a recommendation best: the recent movie whose sequential contribution to its score
   * is largest ("people who rated that went on to this"), else the rated movie whose ALS factors point most the same way.
   */
  static String reason(ModelCache.Model m, long recommended, Set<Long> rated, List<Long> recent) {
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
      double c = Vectors.cosine(rec.factors(), it.factors());
      if (c > best) {
        best = c;
        title = it.title();
      }
    }
    return title == null ? "matches your taste" : "because you rated " + title;
  }
}
