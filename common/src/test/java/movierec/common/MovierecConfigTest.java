package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovierecConfigTest {
    @TempDir
    Path home;

    @Test
    void defaultsRunEverythingLocally() {
        MovierecConfig c = MovierecConfig.load(home, Map.of(), new Properties());
        assertThat(c.localKafka()).isTrue();
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(c.esUrl()).isEqualTo("https://127.0.0.1:9200");
        assertThat(c.dataDir()).isEqualTo(home.resolve(".movierec"));
        assertThat(c.topic("ratings")).isEqualTo("ratings");
    }

    @Test
    void fileThenEnvironmentThenSystemPropertiesOverride() throws Exception {
        Files.writeString(
                home.resolve("movierec.properties"), "kafka.port=19092\nes.url=http://file:9200\nnamespace=t1_\n");
        Properties sys = new Properties();
        sys.setProperty("movierec.namespace", "t2_");
        MovierecConfig c = MovierecConfig.load(home, Map.of("MOVIEREC_ES_URL", "https://es.example:9243"), sys);
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(c.localElasticsearch()).isFalse();
        assertThat(c.esUrl()).isEqualTo("https://es.example:9243");
        assertThat(c.index("movies")).isEqualTo("t2_movies");
    }

    @Test
    void secretsAreMaskedAndBadNumbersNamed() {
        MovierecConfig c = MovierecConfig.load(
                home, Map.of("MOVIEREC_ES_API_KEY", "s3cret", "MOVIEREC_KAFKA_PORT", "x"), new Properties());
        assertThat(c.describe().get("es.api.key")).isEqualTo("****");
        assertThat(c.describe().toString()).doesNotContain("s3cret");
        assertThat(c.toEnv()).containsEntry("MOVIEREC_ES_API_KEY", "s3cret");
        assertThatThrownBy(() -> c.getInt("kafka.port")).hasMessageContaining("MOVIEREC_KAFKA_PORT");
    }
}
