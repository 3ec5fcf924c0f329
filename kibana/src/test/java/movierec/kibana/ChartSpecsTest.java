package movierec.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules every charts/*.json must follow so that Kibana can show it and the API can serve it: a Vega-Lite v5 spec
 * whose data is a plain Elasticsearch aggregation (run verbatim by the server) and whose format.property points at the
 * buckets of an aggregation that the body really defines.
 */
class ChartSpecsTest {

    static final Path MODULE = NdjsonGenerator.moduleDir();

    /** Aggregations whose result has a "buckets" array. */
    static final Set<String> BUCKET_AGGREGATIONS = Set.of(
            "terms",
            "multi_terms",
            "rare_terms",
            "significant_terms",
            "histogram",
            "date_histogram",
            "auto_date_histogram",
            "variable_width_histogram",
            "range",
            "date_range",
            "filters",
            "composite",
            "geotile_grid",
            "geohash_grid");

    /** Query clauses whose object is keyed by field name (unless it is the aggregation of the same name). */
    static final Set<String> FIELD_KEYED_CLAUSES = Set.of("range", "term", "terms", "match", "prefix", "wildcard");

    static List<Path> chartFiles() throws IOException {
        try (Stream<Path> files = Files.list(MODULE.resolve("charts"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals("index.json"))
                    .sorted()
                    .toList();
        }
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    /** The charts the product asked for; the API's page and the Kibana dashboard both rely on these ids. */
    @Test
    void thereAreTheChartsTheProductNeeds() {
        assertThat(NdjsonGenerator.chartIds(MODULE))
                .contains(
                        "movies-by-release-year",
                        "top-popular-movies",
                        "avg-rating-by-genre",
                        "language-distribution",
                        "top-voted-movies",
                        "rating-distribution",
                        "ratings-per-month",
                        "genre-share-over-time",
                        "exposure-concentration",
                        "experiment-results");
    }

    @ParameterizedTest
    @MethodSource("chartFiles")
    void isAVegaLiteV5SpecWithItsIdAndTexts(Path file) {
        JsonNode spec = NdjsonGenerator.read(file);
        assertThat(spec.isObject()).isTrue();
        assertThat(spec.path("$schema").asText()).isEqualTo(NdjsonGenerator.VEGA_LITE_SCHEMA);
        assertThat(spec.path("usermeta").path("id").asText()).as("usermeta.id").isEqualTo(stem(file));
        assertThat(spec.path("usermeta").path("order").isInt())
                .as("usermeta.order is an integer")
                .isTrue();
        assertThat(spec.path("title").isTextual())
                .as("title is a plain string (Kibana's visualization title)")
                .isTrue();
        assertThat(spec.path("title").asText()).isNotBlank();
        assertThat(spec.path("description").asText()).isNotBlank();
        assertThat(spec.has("mark") || spec.has("layer"))
                .as("has a mark or layers")
                .isTrue();
    }

    /** Kibana sizes Vega-Lite to its panel and warns about a fixed width or height; "container" suits both hosts. */
    @ParameterizedTest
    @MethodSource("chartFiles")
    void sizesToItsContainer(Path file) {
        JsonNode spec = NdjsonGenerator.read(file);
        assertThat(spec.path("width").asText()).isEqualTo("container");
        if (spec.has("height")) assertThat(spec.path("height").asText()).isEqualTo("container");
    }

    @ParameterizedTest
    @MethodSource("chartFiles")
    void dataIsAPlainAggregationOnOneOfOurAliases(Path file) {
        JsonNode data = NdjsonGenerator.read(file).path("data");
        assertThat(fieldNames(data)).containsExactlyInAnyOrder("url", "format");
        // Only index and body: no %context%/%timefield%/%type%, which our server would not understand.
        assertThat(fieldNames(data.path("url"))).containsExactlyInAnyOrder("index", "body");
        assertThat(NdjsonGenerator.DATA_VIEWS)
                .containsKey(data.path("url").path("index").asText());
        JsonNode body = data.path("url").path("body");
        assertThat(body.path("size").isInt() && body.path("size").asInt() == 0)
                .as("body.size is 0")
                .isTrue();
        assertThat(body.path("aggs").isObject() && !body.path("aggs").isEmpty())
                .as("body.aggs is a non-empty object")
                .isTrue();
        assertThat(fieldNames(data.path("format"))).containsExactly("property");
    }

    /** format.property is "aggregations.NAME[.SUBNAME...].buckets" and every NAME exists at its level of the body. */
    @ParameterizedTest
    @MethodSource("chartFiles")
    void formatPropertyNamesTheBucketsOfAnAggregationInTheBody(Path file) {
        JsonNode data = NdjsonGenerator.read(file).path("data");
        String property = data.path("format").path("property").asText();
        String[] path = property.split("\\.", -1);
        assertThat(path.length).as(property).isGreaterThanOrEqualTo(3);
        assertThat(path[0]).as(property).isEqualTo("aggregations");
        assertThat(path[path.length - 1]).as(property).isEqualTo("buckets");
        JsonNode aggs = data.path("url").path("body").path("aggs");
        JsonNode aggregation = null;
        for (int i = 1; i < path.length - 1; i++) {
            aggregation = aggs.get(path[i]);
            assertThat(aggregation)
                    .as("aggregation '%s' of %s", path[i], property)
                    .isNotNull();
            aggs = aggregation.has("aggs") ? aggregation.path("aggs") : aggregation.path("aggregations");
        }
        assertThat(fieldNames(aggregation))
                .as("%s is a bucket aggregation", property)
                .containsAnyElementsOf(BUCKET_AGGREGATIONS);
    }

    /** Every field the query names exists in the index mapping, and aggregated fields are not analysed text. */
    @ParameterizedTest
    @MethodSource("chartFiles")
    void everyFieldItQueriesIsMapped(Path file) {
        JsonNode url = NdjsonGenerator.read(file).path("data").path("url");
        String index = url.path("index").asText();
        List<String> aggregated = new ArrayList<>();
        List<String> named = new ArrayList<>();
        collectFields(url.path("body"), aggregated, named);
        assertThat(aggregated).as("fields of %s", file.getFileName()).isNotEmpty();
        for (String field : aggregated) {
            JsonNode mapping = EsMappings.field(MODULE, index, field).orElse(null);
            assertThat(mapping)
                    .as("%s: field '%s' in the %s mapping", file.getFileName(), field, index)
                    .isNotNull();
            assertThat(mapping.path("type").asText())
                    .as("%s: '%s' is aggregatable", file.getFileName(), field)
                    .isNotEqualTo("text");
        }
        for (String field : named) {
            assertThat(EsMappings.field(MODULE, index, field))
                    .as("%s: field '%s' in the %s mapping", file.getFileName(), field, index)
                    .isPresent();
        }
    }

    /** "field" values are aggregated (or tested for existence); _source includes and query clauses only name fields. */
    static void collectFields(JsonNode node, List<String> aggregated, List<String> named) {
        if (node.isArray()) {
            node.forEach(n -> collectFields(n, aggregated, named));
            return;
        }
        if (!node.isObject()) return;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals("field") && value.isTextual()) {
                aggregated.add(value.asText());
            } else if (key.equals("_source")) {
                JsonNode includes = value.has("includes") ? value.path("includes") : value;
                if (includes.isTextual()) named.add(includes.asText());
                includes.forEach(n -> {
                    if (n.isTextual()) named.add(n.asText());
                });
            } else if (FIELD_KEYED_CLAUSES.contains(key) && value.isObject() && !value.has("field")) {
                named.addAll(fieldNames(value));
            } else {
                collectFields(value, aggregated, named);
            }
        }
    }

    /**
     * Date histogram keys are UTC midnights. A local time unit ("year", "yearmonth") or a local time scale would move
     * them into the viewer's time zone, and west of UTC 1995-01-01Z would be drawn as 1994.
     */
    @ParameterizedTest
    @MethodSource("chartFiles")
    void timeFieldsAreReadInUtc(Path file) {
        for (JsonNode def : fieldDefinitions(NdjsonGenerator.read(file))) {
            String timeUnit = def.path("timeUnit").isObject()
                    ? def.path("timeUnit").path("unit").asText()
                    : def.path("timeUnit").asText();
            boolean temporal = def.path("type").asText().equals("temporal") || !timeUnit.isEmpty();
            if (!temporal) continue;
            boolean utc = timeUnit.startsWith("utc")
                    || def.path("timeUnit").path("utc").asBoolean()
                    || (timeUnit.isEmpty()
                            && def.path("scale").path("type").asText().equals("utc"));
            assertThat(utc)
                    .as("%s: %s uses a UTC time unit or a utc scale", file.getFileName(), def)
                    .isTrue();
        }
    }

    /** Kibana's Vega parser sets config.area.fillOpacity to 0.2 when a spec leaves it open; our page does not. */
    @ParameterizedTest
    @MethodSource("chartFiles")
    void areaMarksSetTheirFillOpacity(Path file) {
        for (JsonNode mark : marks(NdjsonGenerator.read(file))) {
            String type = mark.isTextual() ? mark.asText() : mark.path("type").asText();
            if (!type.equals("area")) continue;
            assertThat(mark.path("fillOpacity").isNumber())
                    .as("%s: area mark %s sets fillOpacity", file.getFileName(), mark)
                    .isTrue();
        }
    }

    /**
     * Movie fields that only some sources fill (the web collectors, the IMDb enrichment of part of the bundled movies):
     * offline they are mostly or wholly missing, so a chart over one must not pass its few values off as the catalogue.
     */
    static final Set<String> OPTIONAL_FIELDS = Set.of(
            "language",
            "original_language",
            "vote_count",
            "vote_average",
            "vote_average_norm",
            "popularity",
            "popularity_norm",
            "overview",
            "runtime",
            "director",
            "tmdb_id");

    /**
     * A chart over an optional field draws only the known values (no "missing" bucket that would look like a real
     * value, as "Unknown" did) and has a text layer saying "... known for N of M movies" and which collector fills it.
     */
    @ParameterizedTest
    @MethodSource("chartFiles")
    void aChartOverAnOptionalFieldSaysForHowManyMoviesItIsKnown(Path file) {
        JsonNode spec = NdjsonGenerator.read(file);
        JsonNode body = spec.path("data").path("url").path("body");
        List<String> fields = new ArrayList<>();
        collectFields(body, fields, fields);
        if (fields.stream().noneMatch(OPTIONAL_FIELDS::contains)) return;
        assertThat(body.findValues("missing"))
                .as("%s: no bucket for movies without the field", file.getFileName())
                .isEmpty();
        List<String> notes = new ArrayList<>();
        for (JsonNode layer : spec.path("layer")) {
            if (!layer.path("mark").path("type").asText().equals("text")) continue;
            String textField = layer.path("encoding").path("text").path("field").asText();
            for (JsonNode t : layer.path("transform")) {
                if (t.path("as").asText().equals(textField))
                    notes.add(t.path("calculate").asText());
            }
        }
        assertThat(notes)
                .as("%s: a text layer computes the coverage note", file.getFileName())
                .anySatisfy(note ->
                        assertThat(note).contains("known for ").contains(" of ").contains("./movierec collect "));
    }

    @Test
    void idsAreUnique() throws IOException {
        Set<String> ids = new HashSet<>();
        for (Path file : chartFiles()) {
            assertThat(ids.add(NdjsonGenerator.read(file)
                            .path("usermeta")
                            .path("id")
                            .asText()))
                    .isTrue();
        }
    }

    /** charts/index.json lets the server find the charts on the classpath, where it cannot list a directory. */
    @Test
    void indexListsEveryChartExactlyOnceInUsermetaOrder() throws IOException {
        List<String> listed = NdjsonGenerator.chartIds(MODULE);
        assertThat(listed).doesNotHaveDuplicates();
        assertThat(listed)
                .containsExactlyInAnyOrderElementsOf(
                        chartFiles().stream().map(ChartSpecsTest::stem).toList());
        for (int i = 0; i < listed.size(); i++) {
            JsonNode spec = NdjsonGenerator.read(MODULE.resolve("charts/" + listed.get(i) + ".json"));
            assertThat(spec.path("usermeta").path("order").asInt())
                    .as("usermeta.order of %s", listed.get(i))
                    .isEqualTo(i + 1);
        }
    }

    /** The API loads movierec/kibana/charts/*.json from this module's jar: the build must put them there. */
    @Test
    void chartsAndExportAreOnTheClasspathWhereTheApiLooks() throws IOException {
        ClassLoader loader = getClass().getClassLoader();
        try (InputStream index = loader.getResourceAsStream("movierec/kibana/charts/index.json")) {
            assertThat(index).as("movierec/kibana/charts/index.json").isNotNull();
            List<String> ids = new ArrayList<>();
            NdjsonGenerator.MAPPER.readTree(index).forEach(n -> ids.add(n.asText()));
            assertThat(ids).isEqualTo(NdjsonGenerator.chartIds(MODULE));
            for (String id : ids) {
                try (InputStream spec = loader.getResourceAsStream("movierec/kibana/charts/" + id + ".json")) {
                    assertThat(spec).as("movierec/kibana/charts/%s.json", id).isNotNull();
                    assertThat(NdjsonGenerator.MAPPER.readTree(spec))
                            .isEqualTo(NdjsonGenerator.read(MODULE.resolve("charts/" + id + ".json")));
                }
            }
        }
        assertThat(loader.getResource("movierec/kibana/" + NdjsonGenerator.NDJSON_FILE))
                .isNotNull();
    }

    /** Every "mark" of the spec, at the top and in its layers. */
    static List<JsonNode> marks(JsonNode spec) {
        List<JsonNode> out = new ArrayList<>();
        if (spec.has("mark")) out.add(spec.path("mark"));
        spec.path("layer").forEach(layer -> out.addAll(marks(layer)));
        return out;
    }

    /** Every encoding channel definition that reads a field ({"field": ...}), at the top and in the layers. */
    static List<JsonNode> fieldDefinitions(JsonNode spec) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode channel : spec.path("encoding")) {
            for (JsonNode def : channel.isArray() ? channel : List.of(channel)) {
                if (def.has("field")) out.add(def);
            }
        }
        spec.path("layer").forEach(layer -> out.addAll(fieldDefinitions(layer)));
        return out;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node != null) node.properties().forEach(e -> names.add(e.getKey()));
        return names;
    }
}
