package movierec.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import movierec.common.MovierecConfig;

/** Builds the official Java client from configuration: one or more URLs, API key or user/password auth. */
public final class EsClients {
    private EsClients() {}

    public static ElasticsearchClient create(MovierecConfig config) {
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
