package movierec.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The security settings every Kafka client gets (producers, consumers, admin clients; Spark's Kafka source with a
 * {@code kafka.} prefix): the explicit {@code kafka.security.*}, {@code kafka.sasl.*} and {@code kafka.ssl.*} keys,
 * or else, against the local secured brokers, the component's own user ({@link MovierecConfig#withLocalCredentials}).
 * Empty for an open PLAINTEXT cluster. The result holds a password: hand it to a client, never to a log.
 */
public final class KafkaClientSecurity {
    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    private KafkaClientSecurity() {}

    /** Kafka client properties ({@code security.protocol}, {@code sasl.jaas.config}, ...) for this configuration. */
    public static Map<String, String> properties(MovierecConfig configured) {
        MovierecConfig c = configured.withLocalCredentials();
        Map<String, String> p = new LinkedHashMap<>();
        String protocol = c.get("kafka.security.protocol");
        if (protocol.isEmpty()) return p;
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException(
                    "kafka.security.protocol must be one of " + PROTOCOLS + ", got '" + protocol + "'");
        }
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            String mechanism = c.get("kafka.sasl.mechanism");
            String user = c.get("kafka.sasl.username");
            if (user.isEmpty()) {
                throw new IllegalArgumentException("kafka.security.protocol=" + protocol + " needs kafka.sasl.username"
                        + " and the password in " + MovierecConfig.envName("kafka.sasl.password"));
            }
            p.put("sasl.mechanism", mechanism);
            p.put(
                    "sasl.jaas.config",
                    loginModule(mechanism) + " required username=" + quoted(user) + " password="
                            + quoted(c.get("kafka.sasl.password")) + ";");
        }
        String truststore = c.get("kafka.ssl.truststore.location");
        if (protocol.endsWith("SSL") && !truststore.isEmpty()) {
            p.put("ssl.truststore.location", truststore);
            String password = c.get("kafka.ssl.truststore.password");
            if (!password.isEmpty()) p.put("ssl.truststore.password", password);
        }
        return p;
    }

    /** One line for {@code status}: how clients sign in, without any secret. */
    public static String describe(MovierecConfig configured) {
        MovierecConfig c = configured.withLocalCredentials();
        String protocol = c.get("kafka.security.protocol");
        if (protocol.isEmpty() || protocol.equals("PLAINTEXT")) {
            return "off: PLAINTEXT, any client may read and write"
                    + (c.localKafka() ? " (kafka.security.local=" + c.get("kafka.security.local") + ")" : "");
        }
        String who = protocol.startsWith("SASL_")
                ? " " + c.get("kafka.sasl.mechanism") + " as " + c.get("kafka.sasl.username")
                : "";
        return "on: " + protocol + who
                + (configured.localKafkaSecured()
                        ? " (local credentials; ACLs: only producers write movies/ratings, only the stream job reads"
                                + " them)"
                        : "");
    }

    private static String loginModule(String mechanism) {
        return switch (mechanism) {
            case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
            default ->
                throw new IllegalArgumentException(
                        "kafka.sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got '" + mechanism + "'");
        };
    }

    /** A JAAS option value: quoted, with backslashes and quotes escaped, so any password survives. */
    static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
