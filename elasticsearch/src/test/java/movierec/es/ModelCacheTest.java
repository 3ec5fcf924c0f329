package movierec.es;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import movierec.common.GenreTaste;
import movierec.common.MovierecConfig;
import movierec.common.VectorLayout;
import movierec.common.Vectors;
import org.junit.jupiter.api.Test;

class ModelCacheTest {
    @Test
    void withoutElasticsearchItServesNoneSaysWhyAndItsCheckStopsOnClose() throws IOException, InterruptedException {
        int nothing;
        try (ServerSocket s = new ServerSocket(0)) {
            nothing = s.getLocalPort();
        }
        MovierecConfig config = MovierecConfig.load(Path.of("/nonexistent"), Map.of(), new Properties())
                .with(Map.of("es.port", String.valueOf(nothing)));
        try (var es = EsClients.create(config);
                ModelCache models = new ModelCache(es, config)) {
            assertThat(models.current().version()).isEqualTo("none");
            assertThat(models.lastFailure()).startsWith("Elasticsearch is unavailable");
            Thread checker = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("model-check"))
                    .findFirst()
                    .orElseThrow();
            models.close();
            checker.join(2000);
            assertThat(checker.isAlive()).isFalse();
        }
    }

    @Test
    void dismissalsLowerTheirScoresInTheAlsPartOnlyAndUnknownOrRatedOnesAreIgnored() {
        ModelCache.Model m = model(30, 1);
        List<Long> ids = List.of(1L, 2L, 3L, 4L, 5L);
        double[] ratings = {4, 5, 3.5, 4.5, 5};
        float[] before = m.userVector(ids, ratings);
        assertThat(m.userVector(ids, ratings, List.of())).containsExactly(before);
        // a movie the model does not know and a rated one change nothing
        assertThat(m.userVector(ids, ratings, List.of(999L, 3L))).containsExactly(before);

        int rank = m.rank();
        long top = 6;
        for (long id = 6; id <= 30; id++) if (alsScore(m, before, id) > alsScore(m, before, top)) top = id;
        float[] after = m.userVector(ids, ratings, List.of(top, 999L));
        assertThat(alsScore(m, after, top)).isLessThan(alsScore(m, before, top));
        // the sequential and genre parts are sums over rated movies only
        assertThat(Arrays.copyOfRange(after, rank, after.length))
                .containsExactly(Arrays.copyOfRange(before, rank, before.length));
        assertThat(m.userVector(ids, ratings, List.of(top, top))).containsExactly(after);
    }

    private static double alsScore(ModelCache.Model m, float[] user, long movieId) {
        return Vectors.dot(Arrays.copyOf(user, m.rank()), m.items().get(movieId).factors());
    }

    /** A small random model with all three parts, as ModelCache loads one. */
    private static ModelCache.Model model(int movies, long seed) {
        Random random = new Random(seed);
        VectorLayout layout = new VectorLayout(3, 2, GenreTaste.GENRES.size(), 1.7, 0.4, 2.0);
        Map<String, Object> params =
                new LinkedHashMap<>(Map.of("regParam", 0.3, "alpha", 5.0, "recencyScale", 2.0, "recencyFloor", 0.1));
        params.putAll(layout.params());
        Map<Long, ModelCache.Item> items = new HashMap<>();
        for (long id = 1; id <= movies; id++) {
            List<String> genres = List.of(GenreTaste.GENRES.get(random.nextInt(GenreTaste.GENRES.size())));
            float[] y = layout.item(gaussian(random, 3), gaussian(random, 2), GenreTaste.itemVector(genres));
            MovieVectorsDoc doc = new MovieVectorsDoc(
                    id, "movie " + id, genres, VectorLayout.itemForCosine(y, 20), gaussian(random, 2), null, null);
            items.put(id, ModelCache.item(layout, doc));
        }
        return ModelCache.model("test", params, items);
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian();
        return out;
    }
}
