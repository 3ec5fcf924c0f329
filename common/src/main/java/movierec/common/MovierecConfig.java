package movierec.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Configuration: {@code movierec.properties} at the project root, overridden by environment variables
 * ({@code kafka.bootstrap} -> {@code MOVIEREC_KAFKA_BOOTSTRAP}) and then by {@code -Dmovierec.kafka.bootstrap=...}.
 * Every key has a working local default, so an empty file runs the whole system on this machine.
 */
public final class MovierecConfig {
    private final Properties values;
    private final Path home;

    private MovierecConfig(Path home, Properties values) {
        this.home = home;
        this.values = values;
    }

    /** Loads from {@code $MOVIEREC_HOME} (or the current directory) plus the process environment. */
    public static MovierecConfig load() {
        String homeEnv = System.getenv("MOVIEREC_HOME");
        Path home = Path.of(homeEnv != null && !homeEnv.isBlank() ? homeEnv : ".")
                .toAbsolutePath()
                .normalize();
        return load(home, System.getenv(), System.getProperties());
    }

    public static MovierecConfig load(Path home, Map<String, String> env, Properties systemProperties) {
        Properties p = new Properties();
        try (InputStream in = MovierecConfig.class.getResourceAsStream("/movierec-defaults.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = home.resolve("movierec.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        for (String key : p.stringPropertyNames()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) p.setProperty(key, fromEnv);
            String fromSys = systemProperties.getProperty("movierec." + key);
            if (fromSys != null) p.setProperty(key, fromSys);
        }
        return new MovierecConfig(home, p);
    }

    /** A copy with some keys replaced: used by tests and by {@code evaluate} to get an isolated namespace. */
    public MovierecConfig with(Map<String, String> overrides) {
        Properties copy = new Properties();
        copy.putAll(values);
        overrides.forEach(copy::setProperty);
        return new MovierecConfig(home, copy);
    }

    /** The effective configuration as MOVIEREC_* variables: how child processes (job, API) get the same settings. */
    public Map<String, String> toEnv() {
        java.util.HashMap<String, String> env = new java.util.HashMap<>();
        for (String k : values.stringPropertyNames()) env.put(envName(k), values.getProperty(k));
        env.put("MOVIEREC_HOME", home.toString());
        return env;
    }

    public static String envName(String key) {
        return "MOVIEREC_" + key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    public String get(String key) {
        String v = values.getProperty(key);
        if (v == null) throw new IllegalArgumentException("unknown configuration key " + key);
        return v.trim();
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + get(key)
                    + "' (set it in movierec.properties or " + envName(key) + ")");
        }
    }

    public Path home() {
        return home;
    }

    public Path dataDir() {
        return home.resolve(get("data.dir")).normalize();
    }

    /** Every key with its effective value, secrets masked: for {@code movierec status} and logs. */
    public Map<String, String> describe() {
        java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
        for (String k : values.stringPropertyNames()) {
            String v = values.getProperty(k);
            boolean secret = k.contains("password") || k.contains("api.key") || k.contains("token");
            out.put(k, secret && !v.isBlank() ? "****" : v);
        }
        return out;
    }

    /** Which local identity this process signs in with ({@code stream}, {@code api}, {@code cli}). */
    public String identity() {
        return get("identity");
    }

    /**
     * This configuration with the component's own local credentials filled in from {@link LocalCredentials}, when the
     * local stack has created them and no explicit credentials are configured: for Elasticsearch unless
     * {@code es.api.key} or an {@code es.username} that is not a local user is set; for Kafka when the brokers are the
     * local secured ones ({@link #localKafkaSecured}) unless {@code kafka.security.protocol} is set with a
     * {@code kafka.sasl.username} that is not a local user. A local user is re-resolved, so a child process that
     * inherits its parent's settings still signs in as itself. A driver resolves them before it ships its
     * configuration to executors, so executors on other machines need not read the file.
     */
    public MovierecConfig withLocalCredentials() {
        var local = LocalCredentials.read(dataDir());
        if (local.isEmpty()) return this;
        Map<String, String> o = new java.util.HashMap<>();
        String user = get("es.username");
        if (LocalCredentials.COMPONENTS.contains(identity())
                && get("es.api.key").isEmpty()
                && (user.isEmpty() || user.startsWith(LOCAL_USER_PREFIX))) {
            o.put("es.username", LOCAL_USER_PREFIX + identity());
            o.put("es.password", local.get().password("es", identity()));
        }
        Path ca = dataDir().resolve(LOCAL_ES_TLS_DIR).resolve(LOCAL_ES_CA);
        if (get("es.ca.certificate").isEmpty() && Files.exists(ca) && esUrlsAreLocalHttps()) {
            o.put("es.ca.certificate", ca.toString());
        }
        if (localKafkaSecured()
                && (get("kafka.security.protocol").isEmpty()
                        || get("kafka.sasl.username").startsWith(LOCAL_USER_PREFIX))) {
            o.put("kafka.security.protocol", "SASL_PLAINTEXT");
            // The broker has no SCRAM credentials (it is the one that creates them): it signs in with PLAIN.
            o.put(
                    "kafka.sasl.mechanism",
                    identity().equals(LocalCredentials.KAFKA_BROKER) ? "PLAIN" : LOCAL_KAFKA_MECHANISM);
            o.put("kafka.sasl.username", LOCAL_USER_PREFIX + identity());
            o.put("kafka.sasl.password", local.get().password("kafka", identity()));
        }
        return with(o);
    }

    /** Local Elasticsearch and Kafka users are this prefix plus the component: {@code movierec-stream}, ... */
    public static final String LOCAL_USER_PREFIX = "movierec-";
    /** How the components sign in to the local Kafka: their passwords never cross the connection. */
    public static final String LOCAL_KAFKA_MECHANISM = "SCRAM-SHA-256";
    /** True when every Elasticsearch URL is https on this machine: only those may be the local node with its own CA. */
    private boolean esUrlsAreLocalHttps() {
        for (String url : esUrl().split(",")) {
            String u = url.trim();
            if (!u.startsWith("https://127.0.0.1:") && !u.startsWith("https://localhost:")) return false;
        }
        return true;
    }

    /** Where the local Elasticsearch's certificates live under the data directory, and its CA's file name. */
    public static final String LOCAL_ES_TLS_DIR = "elasticsearch-tls";

    public static final String LOCAL_ES_CA = "ca.crt";

    // ---- Kafka ----
    /** True when no external bootstrap is configured: {@code up} then runs the local broker. */
    public boolean localKafka() {
        return get("kafka.bootstrap").isEmpty();
    }

    /**
     * True when the brokers are movierec's own ({@code up}, or {@code up --cluster}, which sets
     * {@code kafka.bootstrap.local}) and run with SASL and ACLs ({@code kafka.security.local}).
     */
    public boolean localKafkaSecured() {
        return Boolean.parseBoolean(get("kafka.security.local"))
                && (localKafka() || Boolean.parseBoolean(get("kafka.bootstrap.local")));
    }

    public String kafkaBootstrap() {
        return localKafka() ? "127.0.0.1:" + getInt("kafka.port") : get("kafka.bootstrap");
    }

    /** Topic names, with the namespace prefix that keeps tests and {@code evaluate} apart from live data. */
    public String topic(String name) {
        return get("namespace") + name;
    }

    /**
     * The prefix of the stream job's consumer group ids (Spark's {@code groupIdPrefix}; Spark appends a random id per
     * query), namespaced like the topics. Spark assigns partitions itself and commits no offsets, but its consumers
     * carry a group id, and the ACLs grant the stream job these groups.
     */
    public String streamGroupPrefix() {
        return topic("movierec-stream");
    }

    // ---- Elasticsearch ----
    public boolean localElasticsearch() {
        return get("es.url").isEmpty();
    }

    public String esUrl() {
        return localElasticsearch() ? esScheme() + "://127.0.0.1:" + getInt("es.port") : get("es.url");
    }

    /** The local Elasticsearch's scheme: https unless {@code es.tls} or {@code es.security} is false. */
    public String esScheme() {
        return get("es.security").equals("true") && get("es.tls").equals("true") ? "https" : "http";
    }

    /** Index and alias names with the namespace prefix. */
    public String index(String name) {
        return get("namespace") + name;
    }

    // ---- API ----
    public String apiUrl() {
        String scheme = get("api.tls.keystore").isEmpty() ? "http" : "https";
        return scheme + "://" + get("api.host") + ":" + getInt("api.port");
    }
}
