package movierec.es;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import movierec.common.MovierecConfig;
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
}
