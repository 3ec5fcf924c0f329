package movierec.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import movierec.common.FoldIn;
import movierec.common.GenreTaste;
import movierec.common.Vectors;
import movierec.es.ModelCache;
import movierec.es.RatingDoc;

/**
 * Why a movie is recommended to a user, exactly: the model's score of the movie split into one term per rated movie.
 * The reason shown with a recommendation is the name of the largest term, so the list and the explanation agree.
 */
public final class Explanations {
    static final String NO_REASON = "matches your taste";

    /** A rated movie's contribution to a recommendation. */
    public record Contribution(long movieId, String title, double rating, double contribution) {}

    private final UserProfiles users;
    private final ModelCache models;

    public Explanations(UserProfiles users, ModelCache models) {
        this.users = users;
        this.models = models;
    }

    /** The largest contributions to a movie's score, and the model version whose score they split. */
    public record Because(String modelVersion, List<Contribution> items) {}

    /** The {@code k} largest contributions to the score of {@code movieId} for the user, largest first. */
    public Because because(long userId, long movieId, int k) {
        ModelCache.Model m = models.current();
        UserProfiles.Profile p =
                users.profile(userId, List.of("rated_movie_ids", "history_ratings", "dismissed_movie_ids"));
        Split split = p == null ? null : fromDocument(p, m);
        List<Contribution> out = new ArrayList<>((split != null ? split : split(userId, m)).of(movieId));
        out.sort(Comparator.comparingDouble(Contribution::contribution).reversed());
        return new Because(m.empty() ? null : m.version(), out.subList(0, Math.min(k, out.size())));
    }

    /**
     * The split for a stored user from their document: the history their vector was folded from (rated movie ids
     * oldest first and their ratings, and the movies they dismissed), so the contributions add up to the score of
     * exactly that vector (refolded with {@code m} when it was folded with another model). Null for a document
     * written before it held the ratings.
     */
    Split fromDocument(UserProfiles.Profile p, ModelCache.Model m) {
        List<Long> ids = p.doc().ratedMovieIds();
        List<Double> ratings = p.doc().historyRatings();
        if (ids == null || ratings == null || ids.size() != ratings.size()) return null;
        List<Long> dismissed = p.doc().dismissedMovieIds();
        return new Split(m, ids, ratings, dismissed == null ? List.of() : dismissed);
    }

    /** The split for a stored user, from their ratings in the ratings index (documents without their ratings). */
    Split split(long userId, ModelCache.Model m) {
        List<RatingDoc> newestFirst = users.ratings(userId);
        List<Long> ids = new ArrayList<>();
        List<Double> ratings = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            ids.add(newestFirst.get(i).movieId());
            ratings.add(newestFirst.get(i).rating());
        }
        return new Split(m, ids, ratings);
    }

    /**
     * One user's ratings as the model sees them, ready to split the score of any movie. The score is x·y with the
     * user's x = [ALS fold-in ; sequential ; genre taste] (see {@link movierec.common.VectorLayout}), and each part is a
     * sum over rated movies j. ALS: with x = A⁻¹ Σ_j (1 + αr_j) y_j (the fold-in), y·x = Σ_j (1 + αr_j) · yᵀA⁻¹y_j.
     * Sequential: Σ_k w_k · a_(k-th latest) · b. Genres: weight(n)/total per genre j shares with the movie. Movie j's
     * contribution is the sum of its terms, in the units of the stored vectors, so the contributions add up to the score.
     * Dismissed movies are in A (they shrink every term alike) but have no term: their preference is 0.
     */
    static final class Split {
        private final ModelCache.Model model;
        private final List<ModelCache.Item> rated = new ArrayList<>();
        private final List<Double> ratings = new ArrayList<>();
        private final List<FoldIn.Rated> input;
        private final FoldIn.Inverse inverse;

        /** From the user's ratings, oldest first (ties by movie id), as the live vector is folded in. */
        Split(ModelCache.Model model, List<Long> idsOldestFirst, List<Double> ratingsOldestFirst) {
            this(model, idsOldestFirst, ratingsOldestFirst, List.of());
        }

        /** The same for a user who also dismissed {@code dismissed}. */
        Split(
                ModelCache.Model model,
                List<Long> idsOldestFirst,
                List<Double> ratingsOldestFirst,
                Collection<Long> dismissed) {
            this.model = model;
            // recency weights by position among all the user's ratings, as in training and the live fold-in
            this.input = model.foldInInput(
                    idsOldestFirst,
                    ratingsOldestFirst.stream().mapToDouble(Double::doubleValue).toArray());
            for (int i = 0; i < idsOldestFirst.size(); i++) {
                ModelCache.Item item = model.items().get(idsOldestFirst.get(i));
                if (item == null) continue;
                rated.add(item);
                ratings.add(ratingsOldestFirst.get(i));
            }
            this.inverse = input.isEmpty()
                    ? null
                    : FoldIn.inverse(
                            model.gram(),
                            model.rank(),
                            input,
                            model.dismissalInput(dismissed, idsOldestFirst),
                            model.regParam(),
                            model.alpha());
        }

        /** Every rated movie's contribution to the score of {@code movieId}, oldest first; empty when the model lacks it. */
        List<Contribution> of(long movieId) {
            return of(movieId, false);
        }

        /** The same, of the ALS part alone ({@code alsOnly}: the score of the {@code als} variant) or of the whole. */
        List<Contribution> of(long movieId, boolean alsOnly) {
            ModelCache.Item target = model.items().get(movieId);
            if (target == null || inverse == null) return List.of();
            double[] z = inverse.times(target.factors());
            boolean withGenres = model.layout().seqRank() > 0 && model.layout().genreDims() > 0;
            double[] genreTerms = withGenres
                    ? GenreTaste.terms(
                            rated.stream().map(ModelCache.Item::genres).toList(), target.genres())
                    : new double[rated.size()];
            List<Contribution> out = new ArrayList<>(rated.size());
            for (int j = 0; j < rated.size(); j++) {
                ModelCache.Item item = rated.get(j);
                double c = (1 + model.alpha() * input.get(j).rating())
                        * Vectors.dot(z, item.factors())
                        / model.layout().alsScale();
                if (!alsOnly) c += item.sequentialTerm(rated.size() - 1 - j, target) + genreTerms[j];
                out.add(new Contribution(item.id(), item.title(), ratings.get(j), c));
            }
            return out;
        }

        /** "because you rated" the movie with the largest contribution, when it is positive and has a title. */
        String reason(long movieId, boolean alsOnly) {
            Contribution top = of(movieId, alsOnly).stream()
                    .max(Comparator.comparingDouble(Contribution::contribution))
                    .orElse(null);
            return top == null || top.contribution() <= 0 || top.title() == null
                    ? NO_REASON
                    : "because you rated " + top.title();
        }
    }
}
