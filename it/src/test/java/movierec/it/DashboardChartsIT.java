package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every chart's stored query, run by the server against the live Elasticsearch loaded with the bundled data, returns
 * non-empty buckets of the shape its Vega-Lite spec reads (every field the spec encodes exists in the buckets or is
 * computed by one of its transforms).
 */
class DashboardChartsIT {
    @Test
    void everyChartQueryReturnsBucketsWithTheFieldsItsSpecReads() throws Exception {
        ApiFixture.servedAndReported();
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ApiFixture.baseUrl() + "/api/dashboard/charts"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode charts = new ObjectMapper().readTree(r.body());
        assertThat(charts.size()).isGreaterThanOrEqualTo(8);
        for (JsonNode spec : charts) {
            String id = spec.path("usermeta").path("id").asText();
            JsonNode values = spec.path("data").path("values");
            assertThat(values.isArray() && values.size() > 0)
                    .as("chart %s has data", id)
                    .isTrue();
            Set<String> read = new HashSet<>();
            collectFields(spec.path("encoding"), read);
            spec.path("layer").forEach(l -> collectFields(l.path("encoding"), read));
            spec.path("transform").forEach(t -> collectFields(t, read));
            Set<String> computed = computedFields(spec);
            for (String field : read) {
                if (computed.contains(field)) continue;
                assertThat(resolves(values.get(0), field))
                        .as("chart %s: field '%s' in %s", id, field, values.get(0))
                        .isTrue();
            }
        }
    }

    static void collectFields(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("field") && e.getValue().isTextual())
                    out.add(e.getValue().asText());
                else collectFields(e.getValue(), out);
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectFields(n, out));
        }
    }

    static Set<String> computedFields(JsonNode spec) {
        Set<String> out = new HashSet<>();
        for (JsonNode t : spec.path("transform")) {
            JsonNode as = t.path("as");
            if (as.isTextual()) out.add(as.asText());
            as.forEach(a -> out.add(a.asText()));
            if (t.has("fold") && !t.has("as")) out.addAll(Set.of("key", "value"));
        }
        spec.path("layer").forEach(l -> out.addAll(computedFields(l)));
        return out;
    }

    /** Vega-Lite field paths: dots separate levels unless escaped ("avg\\.value" is one key "avg.value"). */
    static boolean resolves(JsonNode bucket, String field) {
        JsonNode cur = bucket;
        for (String part : field.split("(?<!\\\\)\\.")) {
            String key = part.replace("\\.", ".");
            if (!cur.has(key)) return false;
            cur = cur.get(key);
        }
        return true;
    }
}
