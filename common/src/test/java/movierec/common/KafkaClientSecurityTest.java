package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSecurityTest {
    @TempDir
    Path home;

    MovierecConfig config(Map<String, String> settings) {
        return MovierecConfig.load(home, Map.of(), new Properties()).with(settings);
    }

    @Test
    void nothingWithoutLocalCredentialsOrExplicitSettings() {
        assertThat(KafkaClientSecurity.properties(config(Map.of()))).isEmpty();
        assertThat(KafkaClientSecurity.describe(config(Map.of()))).startsWith("off: PLAINTEXT");
    }

    @Test
    void theLocalBrokersGetTheComponentsOwnScramUser() {
        LocalCredentials creds = LocalCredentials.ensure(config(Map.of()).dataDir());
        Map<String, String> p = KafkaClientSecurity.properties(config(Map.of("identity", "stream")));
        assertThat(p)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"movierec-stream\""
                                + " password=\"" + creds.password("kafka", "stream") + "\";");
        // the broker's own user has no SCRAM credentials: PLAIN
        assertThat(KafkaClientSecurity.properties(config(Map.of("identity", LocalCredentials.KAFKA_BROKER))))
                .containsEntry("sasl.mechanism", "PLAIN");
        // a child process inherits its parent's resolved user and still signs in as itself
        MovierecConfig parent = config(Map.of("identity", "cli")).withLocalCredentials();
        assertThat(KafkaClientSecurity.properties(parent.with(Map.of("identity", "api")))
                        .get("sasl.jaas.config"))
                .contains("username=\"movierec-api\"");
        // up --cluster's nodes are local too
        assertThat(KafkaClientSecurity.properties(config(
                        Map.of("kafka.bootstrap", "127.0.0.1:9092,127.0.0.1:9102", "kafka.bootstrap.local", "true"))))
                .containsEntry("security.protocol", "SASL_PLAINTEXT");
        String status = KafkaClientSecurity.describe(config(Map.of()));
        assertThat(status).startsWith("on: SASL_PLAINTEXT SCRAM-SHA-256 as movierec-cli (local credentials");
        assertThat(status).doesNotContain(creds.password("kafka", "cli"));
    }

    @Test
    void externalClustersAndSecurityOffNeverGetTheLocalCredentials() {
        LocalCredentials.ensure(config(Map.of()).dataDir());
        assertThat(KafkaClientSecurity.properties(config(Map.of("kafka.bootstrap", "k1:9092"))))
                .isEmpty();
        assertThat(KafkaClientSecurity.properties(config(Map.of("kafka.security.local", "false"))))
                .isEmpty();
    }

    @Test
    void explicitSettingsWinAndReachEveryClient() {
        LocalCredentials.ensure(config(Map.of()).dataDir());
        Map<String, String> p = KafkaClientSecurity.properties(config(Map.of(
                "kafka.bootstrap", "k1:9093",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "PLAIN",
                "kafka.sasl.username", "shop",
                "kafka.sasl.password", "p\"w\\d",
                "kafka.ssl.truststore.location", "/etc/ca.p12",
                "kafka.ssl.truststore.password", "changeit")));
        assertThat(p)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"shop\""
                                + " password=\"p\\\"w\\\\d\";")
                .containsEntry("ssl.truststore.location", "/etc/ca.p12")
                .containsEntry("ssl.truststore.password", "changeit");
        assertThat(KafkaClientSecurity.properties(config(Map.of("kafka.security.protocol", "SSL"))))
                .containsOnlyKeys("security.protocol");
        assertThat(KafkaClientSecurity.describe(config(Map.of(
                        "kafka.bootstrap", "k1:9093",
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.username", "shop",
                        "kafka.sasl.password", "secret"))))
                .isEqualTo("on: SASL_SSL SCRAM-SHA-256 as shop");
    }

    @Test
    void mistakesSayWhatToSet() {
        assertThatThrownBy(() -> KafkaClientSecurity.properties(config(Map.of("kafka.security.protocol", "TLS"))))
                .hasMessageContaining("kafka.security.protocol must be one of");
        assertThatThrownBy(() -> KafkaClientSecurity.properties(config(Map.of("kafka.security.protocol", "SASL_SSL"))))
                .hasMessageContaining("needs kafka.sasl.username and the password in MOVIEREC_KAFKA_SASL_PASSWORD");
        assertThatThrownBy(() -> KafkaClientSecurity.properties(config(Map.of(
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.mechanism", "GSSAPI",
                        "kafka.sasl.username", "u"))))
                .hasMessageContaining("kafka.sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    }
}
