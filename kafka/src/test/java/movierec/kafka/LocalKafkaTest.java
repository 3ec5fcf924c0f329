package movierec.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import movierec.common.LocalCredentials;
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
        assertThat(p.getProperty("listeners")).isEqualTo("CLIENT://127.0.0.1:9102,CONTROLLER://127.0.0.1:9103");
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

    @Test
    void securityIsOnByDefaultAndTheRenderedFileIsPrivate() throws Exception {
        Properties p = rendered(1, 1);
        assertThat(p.getProperty("listener.security.protocol.map"))
                .isEqualTo("CONTROLLER:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT");
        assertThat(p.getProperty("listener.name.client.sasl.enabled.mechanisms"))
                .isEqualTo("SCRAM-SHA-256,PLAIN");
        assertThat(p.getProperty("listener.name.controller.sasl.enabled.mechanisms"))
                .isEqualTo("PLAIN");
        assertThat(p.getProperty("authorizer.class.name"))
                .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        assertThat(p.getProperty("super.users")).isEqualTo("User:movierec-broker");
        assertThat(p.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
        String broker = LocalCredentials.read(data).orElseThrow().password("kafka", LocalCredentials.KAFKA_BROKER);
        assertThat(p.getProperty("listener.name.controller.plain.sasl.jaas.config"))
                .contains("user_movierec-broker=\"" + broker + "\"");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(data.resolve("kafka/server.properties"))))
                .isEqualTo("rw-------");
    }

    @Test
    void securityOffIsPlaintextWithoutAuthorizer() throws Exception {
        Path file =
                new LocalKafka(config().with(Map.of("kafka.security.local", "false")), 1, 1).renderServerProperties();
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        assertThat(p.getProperty("listener.security.protocol.map")).isEqualTo("CONTROLLER:PLAINTEXT,CLIENT:PLAINTEXT");
        assertThat(p.getProperty("authorizer.class.name")).isNull();
        assertThat(LocalCredentials.read(data)).isEmpty();
    }
}
