package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import movierec.common.FoldIn;
import movierec.common.GenreTaste;
import movierec.common.RatingEvent;
import movierec.common.VectorLayout;
import movierec.common.Vectors;
import movierec.es.ModelCache;
import movierec.es.MovieVectorsDoc;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Training writes each user's vector; the stream job folds a user in from their ratings over the movie vectors
 * training wrote. For a user seen in training the two must be the same vector: the ALS fold-in is the last half-step
 * of ALS (Spark updates users last), and the sequential and genre parts are built by the same code. This runs real
 * MLlib ALS on a local SparkSession, stores the movie vectors as {@link TrainJob} writes them, loads them as the
 * {@link ModelCache} does and folds each user in as {@link UsersSink} does. Every third user also dismissed two movies:
 * trained as Spark's own ratings ≤ 0 (preference 0, confidence 1 + alpha·|r|), they give the vector the fold-in with
 * those dismissals gives, which holds {@link FoldIn}'s dismissal rule to Spark's.
 */
class FoldInMatchesTrainingTest {
    @Test
    void theStreamJobsFoldInOfATrainedUserIsTheVectorTrainingWrote() {
        Random random = new Random(7);
        int movies = 80;
        Map<Integer, List<String>> genres = new HashMap<>();
        for (int m = 1; m <= movies; m++) {
            genres.put(
                    m,
                    List.of(
                            GenreTaste.GENRES.get(random.nextInt(GenreTaste.GENRES.size())),
                            GenreTaste.GENRES.get(random.nextInt(GenreTaste.GENRES.size()))));
        }
        List<RatingEvent> ratings = new ArrayList<>();
        Map<Long, List<RatingEvent>> byUser = new LinkedHashMap<>();
        Map<Long, List<Long>> dismissedBy = new HashMap<>();
        TrainJob.Params p = new TrainJob.Params(8, 0.3, 5, 10, 2, 0.1);
        for (long u = 1; u <= 60; u++) {
            int n = 5 + random.nextInt(30);
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int m = 1 + (int) (movies * Math.pow(random.nextDouble(), 2)); // popular movies more often
                if (seen.contains(m)) continue;
                seen.add(m);
                // some ties in time, which both sides break by movie id
                RatingEvent r =
                        RatingEvent.of(u, (long) m, 0.5 + 0.5 * random.nextInt(10), 1_000_000L + 1000L * (i / 2), null);
                ratings.add(r);
                byUser.computeIfAbsent(u, k -> new ArrayList<>()).add(r);
            }
            if (u % 3 == 0) {
                List<Long> dismissed = new ArrayList<>();
                while (dismissed.size() < 2) {
                    long m = 1 + random.nextInt(movies);
                    if (!seen.contains((int) m) && !dismissed.contains(m)) dismissed.add(m);
                }
                dismissedBy.put(u, dismissed);
            }
        }
        List<RatingEvent> input = new ArrayList<>(TrainJob.weighted(ratings, p));
        dismissedBy.forEach(
                (u, ids) -> ids.forEach(m -> input.add(RatingEvent.of(u, m, -FoldIn.DISMISSAL_WEIGHT, 0, null))));
        SparkSession spark = LocalSpark.start();
        Trained trained;
        try {
            ALSModel als = TrainJob.als(p).fit(TrainJob.toDataset(spark, input));
            trained = Trained.of(als, ratings, genres);
        } finally {
            spark.stop();
        }

        ModelCache.Model model = loaded(trained, p, genres);
        VectorLayout layout = model.layout();

        int compared = 0;
        for (Map.Entry<Long, List<RatingEvent>> e : byUser.entrySet()) {
            float[] written = trained.userVector(e.getKey().intValue());
            if (written == null) continue;
            List<RatingEvent> mine = new ArrayList<>(e.getValue());
            mine.sort(Comparator.comparingLong(RatingEvent::timestamp).thenComparingLong(RatingEvent::movieId));
            RatingsByUser.Profile profile = new RatingsByUser.Profile();
            profile.setHistoryMovieIds(mine.stream().map(RatingEvent::movieId).toList());
            profile.setHistoryRatings(mine.stream().map(RatingEvent::rating).toList());
            List<Long> dismissed = dismissedBy.getOrDefault(e.getKey(), List.of());
            float[] live = dismissed.isEmpty()
                    ? UsersSink.liveVector(model, profile)
                    : model.userVector(
                            profile.getHistoryMovieIds(),
                            mine.stream().mapToDouble(RatingEvent::rating).toArray(),
                            dismissed);
            assertThat(live).hasSameSizeAs(written).hasSize(layout.dims());
            for (int d = 0; d < live.length; d++) {
                assertThat((double) live[d])
                        .as("user %d, coordinate %d", e.getKey(), d)
                        .isCloseTo(written[d], within(1e-4));
            }
            compared++;
        }
        assertThat(compared).isGreaterThan(50);
        assertThat(dismissedBy).hasSize(20);
    }

    /** The movie documents as {@link TrainJob} writes them, and the model as {@link ModelCache} loads them. */
    static ModelCache.Model loaded(Trained trained, TrainJob.Params p, Map<Integer, List<String>> genres) {
        Map<String, Object> params = new LinkedHashMap<>(Map.of(
                "regParam",
                p.regParam(),
                "alpha",
                p.alpha(),
                "recencyScale",
                p.recencyScale(),
                "recencyFloor",
                p.recencyFloor()));
        params.putAll(trained.layout().params());
        VectorLayout layout = VectorLayout.of(params);
        double maxNorm = trained.items().keySet().stream()
                .mapToDouble(id -> Math.sqrt(Vectors.dot(trained.itemVector(id), trained.itemVector(id))))
                .max()
                .orElseThrow();
        Map<Long, ModelCache.Item> items = new HashMap<>();
        for (int id : trained.items().keySet()) {
            MovieVectorsDoc doc = new MovieVectorsDoc(
                    id,
                    "movie " + id,
                    genres.get(id),
                    VectorLayout.itemForCosine(trained.itemVector(id), maxNorm),
                    trained.seq().context(trained.index().get(id)),
                    null,
                    null);
            items.put((long) id, ModelCache.item(layout, doc));
        }
        return ModelCache.model("test", params, items);
    }
}
