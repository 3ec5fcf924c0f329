package movierec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import movierec.common.MovierecConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterTest {
    @TempDir
    Path home;

    @Test
    void clientsAreGivenEveryNodeAndTheClusterSettings() {
        MovierecConfig c = MovierecConfig.load(
                home, Map.of("MOVIEREC_KAFKA_PORT", "19092", "MOVIEREC_ES_PORT", "19200"), new Properties());
        Map<String, String> s = new LocalCluster(c).clientSettings();
        assertThat(s.get("kafka.bootstrap")).isEqualTo("127.0.0.1:19092,127.0.0.1:19102,127.0.0.1:19112");
        assertThat(s.get("es.url"))
                .isEqualTo("https://127.0.0.1:19200,https://127.0.0.1:19210,https://127.0.0.1:19220");
        assertThat(s)
                .containsEntry("kafka.replication.factor", "3")
                .containsEntry("kafka.min.insync.replicas", "2")
                .containsEntry("es.replicas", "1")
                .containsEntry("spark.master", "spark://127.0.0.1:7077");
        assertThat(s.get("spark.driver.java.options")).contains("-Dspark.executor.memory=768m", "-Dspark.cores.max=2");
    }

    @Test
    void aRecordedClusterIsLayeredOverTheConfigurationUntilForgotten() {
        MovierecConfig c = MovierecConfig.load(home, Map.of(), new Properties());
        assertThat(LocalCluster.apply(c).localKafka()).isTrue();
        LocalCluster cluster = new LocalCluster(c);
        cluster.record();
        MovierecConfig applied = LocalCluster.apply(MovierecConfig.load(home, Map.of(), new Properties()));
        assertThat(LocalCluster.active(applied)).isTrue();
        assertThat(applied.kafkaBootstrap()).isEqualTo("127.0.0.1:9092,127.0.0.1:9102,127.0.0.1:9112");
        assertThat(applied.esUrl()).contains(",https://127.0.0.1:9220");
        assertThat(applied.get("spark.master")).isEqualTo("spark://127.0.0.1:7077");
        cluster.forget();
        assertThat(LocalCluster.apply(c).get("spark.master")).isEqualTo("local[4]");
    }

    @Test
    void memorySizesInMegabytes() {
        assertThat(SparkStandalone.megabytes("768m")).isEqualTo(768);
        assertThat(SparkStandalone.megabytes("2g")).isEqualTo(2048);
    }
}
