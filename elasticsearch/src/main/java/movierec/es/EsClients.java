package movierec.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import movierec.common.MovierecConfig;

/**
 * Builds the official Java client from configuration: one or more URLs, API key or user/password auth (explicit, or
 * the component's own user of the local secured Elasticsearch: {@link MovierecConfig#withLocalCredentials}).
 */
public final class EsClients {
    private EsClients() {}

    public static ElasticsearchClient create(MovierecConfig configured) {
        MovierecConfig config = configured.withLocalCredentials();
        List<URI> hosts = Arrays.stream(config.esUrl().split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(URI::create)
                .toList();
        String apiKey = config.get("es.api.key");
        String user = config.get("es.username");
        return ElasticsearchClient.of(b -> {
            b.hosts(hosts);
            sslContext(config).ifPresent(b::sslContext);
            if (!apiKey.isEmpty()) b.apiKey(apiKey);
            else if (!user.isEmpty()) b.usernameAndPassword(user, config.get("es.password"));
            return b;
        });
    }

    /**
     * An SSL context that trusts the CA certificate in {@code es.ca.certificate} (PEM; the local CA when the local
     * Elasticsearch serves https), or empty to trust the JDK's CAs. For plain HTTP clients as well as the typed one.
     */
    public static Optional<SSLContext> sslContext(MovierecConfig configured) {
        String ca = configured.withLocalCredentials().get("es.ca.certificate");
        if (ca.isEmpty()) return Optional.empty();
        Path file = configured.home().resolve(ca);
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return Optional.of(ctx);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot read the Elasticsearch CA certificate " + file + " (es.ca.certificate): " + e.getMessage()
                            + "; point es.ca.certificate at the PEM file of the CA that signed the cluster's certificate",
                    e);
        }
    }

    /** An HTTP client for plain requests to Elasticsearch, trusting the same CA as {@link #create}. */
    public static HttpClient http(MovierecConfig config) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        sslContext(config).ifPresent(b::sslContext);
        return b.build();
    }

    /** The {@code Authorization} header value for plain HTTP requests, or empty when no credentials are configured. */
    public static Optional<String> authorization(MovierecConfig configured) {
        MovierecConfig config = configured.withLocalCredentials();
        if (!config.get("es.api.key").isEmpty()) return Optional.of("ApiKey " + config.get("es.api.key"));
        if (config.get("es.username").isEmpty()) return Optional.empty();
        String basic = config.get("es.username") + ":" + config.get("es.password");
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }

    /** How this process reaches Elasticsearch, secrets left out: for {@code up} and {@code status}. */
    public static String describeSecurity(MovierecConfig configured) {
        MovierecConfig c = configured.withLocalCredentials();
        String auth = !c.get("es.api.key").isEmpty()
                ? "API key"
                : c.get("es.username").isEmpty() ? "no credentials" : "user " + c.get("es.username");
        String ca = c.get("es.ca.certificate");
        String transport = !c.esUrl().startsWith("https")
                ? "plain HTTP"
                : "HTTPS, verified against " + (ca.isEmpty() ? "the JDK's CAs" : ca);
        return auth + ", " + transport;
    }

    /** Cluster health (this ES has no {@code GET /}), or null when unreachable. */
    public static HealthStatus health(ElasticsearchClient es) {
        try {
            HealthResponse h = es.cluster().health(r -> r.timeout(t -> t.time("2s")));
            return h.status();
        } catch (Exception e) {
            return null;
        }
    }
}
