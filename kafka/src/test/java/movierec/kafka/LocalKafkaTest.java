package movierec.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import movierec.common.MovierecConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaTest {
    @TempDir
    Path data;

    MovierecConfig config() {
        // the module runs from kafka/: the template is ../kafka/config/server.properties
        return MovierecConfig.load(Path.of("..").toAbsolutePath().normalize(), Map.of(), new Properties())
                .with(Map.of("data.dir", data.toString()));
    }

    Properties rendered(int node, int nodes) throws Exception {
        Path file = new LocalKafka(config(), node, nodes).renderServerProperties();
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    @Test
    void aClusterNodeKnowsEveryVoterAndReplicatesInternalTopicsThreeTimes() throws Exception {
        Properties p = rendered(2, 3);
        assertThat(p.getProperty("node.id")).isEqualTo("2");
        assertThat(p.getProperty("controller.quorum.voters"))
                .isEqualTo("1@127.0.0.1:9093,2@127.0.0.1:9103,3@127.0.0.1:9113");
        assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9102,CONTROLLER://127.0.0.1:9103");
        assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("3");
        assertThat(p.getProperty("transaction.state.log.min.isr")).isEqualTo("2");
        assertThat(p.getProperty("broker.session.timeout.ms")).isEqualTo("3000");
        assertThat(p.getProperty("log.dirs"))
                .isEqualTo(data.resolve("kafka-2/logs").toString());
    }

    @Test
    void theSingleNodeIsUnchanged() throws Exception {
        Properties p = rendered(1, 1);
        assertThat(p.getProperty("node.id")).isEqualTo("1");
        assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:9093");
        assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
        assertThat(p.getProperty("broker.session.timeout.ms")).isNull();
        assertThat(p.getProperty("log.dirs"))
                .isEqualTo(data.resolve("kafka/logs").toString());
    }
}
