package movierec.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's charts: the very Vega-Lite specs of the Kibana export ({@code kibana/charts}, on the classpath).
 * For each, the server runs the stored {@code data.url.body} against {@code data.url.index} (the browser never sends
 * Elasticsearch queries) and replaces {@code data} with {@code {"values": <buckets at data.format.property>}}.
 * Raw HTTP rather than the typed client, whose {@code typed_keys} would rename the aggregations the specs read.
 */
final class DashboardCharts {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardCharts.class);
    private final MovierecConfig config;
    private final HttpClient http;
    /** Resolved once: it reads the local credentials file, which a chart request should not do. */
    private final Optional<String> authorization;

    DashboardCharts(MovierecConfig config) {
        this.config = config;
        this.http = EsClients.http(config);
        this.authorization = EsClients.authorization(config);
    }

    List<JsonNode> all() throws Exception {
        JsonNode ids = ApiServer.JSON.readTree(ApiServer.resource("/movierec/kibana/charts/index.json"));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode id : ids)
            out.add(withData((ObjectNode)
                    ApiServer.JSON.readTree(ApiServer.resource("/movierec/kibana/charts/" + id.asText() + ".json"))));
        return out;
    }

    private JsonNode withData(ObjectNode spec) {
        JsonNode url = spec.path("data").path("url");
        String property = spec.path("data").path("format").path("property").asText();
        JsonNode values = ApiServer.JSON.createArrayNode();
        try {
            String index = config.index(url.path("index").asText());
            String esUrl = config.esUrl().split(",")[0].trim();
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(esUrl + "/" + index + "/_search"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(ApiServer.JSON.writeValueAsString(url.path("body"))));
            authorization.ifPresent(a -> req.header("Authorization", a));
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
            JsonNode node = ApiServer.JSON.readTree(r.body());
            for (String part : property.split("\\.")) node = node.path(part);
            if (node.isArray()) values = node;
        } catch (Exception e) {
            LOG.warn(
                    "chart {}: query failed: {}",
                    spec.path("usermeta").path("id").asText(),
                    e.toString());
        }
        ObjectNode data = ApiServer.JSON.createObjectNode();
        data.set("values", values instanceof ArrayNode ? values : ApiServer.JSON.createArrayNode());
        spec.set("data", data);
        return spec;
    }
}
