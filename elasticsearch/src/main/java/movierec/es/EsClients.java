package movierec.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
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
            if (!apiKey.isEmpty()) b.apiKey(apiKey);
            else if (!user.isEmpty()) b.usernameAndPassword(user, config.get("es.password"));
            return b;
        });
    }

    /** The {@code Authorization} header value for plain HTTP requests, or empty when no credentials are configured. */
    public static Optional<String> authorization(MovierecConfig configured) {
        MovierecConfig config = configured.withLocalCredentials();
        if (!config.get("es.api.key").isEmpty()) return Optional.of("ApiKey " + config.get("es.api.key"));
        if (config.get("es.username").isEmpty()) return Optional.empty();
        String basic = config.get("es.username") + ":" + config.get("es.password");
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
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
