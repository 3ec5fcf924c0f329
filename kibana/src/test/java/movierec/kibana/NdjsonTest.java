package movierec.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed movierec.ndjson is a consistent saved-objects export: the shapes Kibana's import API takes. */
class NdjsonTest {

    static final Path MODULE = NdjsonGenerator.moduleDir();
    static List<JsonNode> objects;

    @BeforeAll
    static void parse() throws IOException {
        objects = new ArrayList<>();
        String text = Files.readString(MODULE.resolve(NdjsonGenerator.NDJSON_FILE), StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n").doesNotContain("\r");
        for (String line : text.split("\n")) {
            assertThat(line).as("no blank line inside the export").isNotBlank();
            objects.add(NdjsonGenerator.MAPPER.readTree(line));
        }
    }

    static List<JsonNode> ofType(String type) {
        return objects.stream()
                .filter(o -> o.path("type").asText().equals(type))
                .toList();
    }

    static JsonNode parseString(JsonNode textual) throws IOException {
        assertThat(textual.isTextual()).as("a JSON-encoded string attribute").isTrue();
        return NdjsonGenerator.MAPPER.readTree(textual.asText());
    }

    @Test
    void everyLineIsASavedObject() {
        for (JsonNode o : objects) {
            assertThat(o.path("type").asText()).isIn("index-pattern", "visualization", "dashboard");
            assertThat(o.path("id").asText()).isNotBlank();
            assertThat(o.path("attributes").isObject()).isTrue();
            assertThat(o.path("attributes").path("title").asText()).isNotBlank();
            assertThat(o.path("references").isArray()).isTrue();
        }
    }

    @Test
    void idsAreUnique() {
        List<String> ids = objects.stream().map(o -> o.path("id").asText()).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void everyReferenceResolvesToAnObjectInTheFile() {
        Set<String> present = objects.stream()
                .map(o -> o.path("type").asText() + "/" + o.path("id").asText())
                .collect(Collectors.toSet());
        for (JsonNode o : objects) {
            for (JsonNode ref : o.path("references")) {
                assertThat(ref.path("name").asText()).isNotBlank();
                assertThat(present)
                        .as("reference %s of %s", ref, o.path("id").asText())
                        .contains(
                                ref.path("type").asText() + "/" + ref.path("id").asText());
            }
        }
    }

    /** One data view per alias, each with the time field its index maps as a date. */
    @Test
    void aDataViewExistsForEveryIndexTheChartsRead() {
        List<JsonNode> views = ofType("index-pattern");
        assertThat(views).hasSize(NdjsonGenerator.DATA_VIEWS.size());
        for (Map.Entry<String, String> e : NdjsonGenerator.DATA_VIEWS.entrySet()) {
            JsonNode view = views.stream()
                    .filter(v -> v.path("attributes").path("title").asText().equals(e.getKey()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no data view for " + e.getKey()));
            JsonNode timeField = view.path("attributes").path("timeFieldName");
            if (e.getValue() == null) {
                assertThat(timeField.isMissingNode())
                        .as("%s has no time field", e.getKey())
                        .isTrue();
            } else {
                assertThat(timeField.asText()).isEqualTo(e.getValue());
                assertThat(EsMappings.field(MODULE, e.getKey(), e.getValue())
                                .orElseThrow()
                                .path("type")
                                .asText())
                        .isEqualTo("date");
            }
        }
    }

    @Test
    void everyChartIsAVegaVisualizationWithTheChartFileAsItsSpec() throws IOException {
        List<NdjsonGenerator.Chart> charts = NdjsonGenerator.charts(MODULE);
        List<JsonNode> visualizations = ofType("visualization");
        assertThat(visualizations).hasSameSizeAs(charts);
        for (NdjsonGenerator.Chart chart : charts) {
            JsonNode vis = visualizations.stream()
                    .filter(v -> v.path("id").asText().equals(NdjsonGenerator.visualizationId(chart.id())))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no visualization for chart " + chart.id()));
            JsonNode visState = parseString(vis.path("attributes").path("visState"));
            assertThat(visState.path("type").asText()).isEqualTo("vega");
            assertThat(visState.path("title").asText())
                    .isEqualTo(chart.title())
                    .isEqualTo(vis.path("attributes").path("title").asText());
            JsonNode spec = parseString(visState.path("params").path("spec"));
            assertThat(spec).as("spec of %s", chart.id()).isEqualTo(chart.spec());
            assertThat(spec).isEqualTo(NdjsonGenerator.read(MODULE.resolve("charts/" + chart.id() + ".json")));
            parseString(vis.path("attributes").path("uiStateJSON"));
            parseString(vis.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON"));
        }
    }

    @Test
    void theDashboardShowsEveryVisualization() throws IOException {
        List<JsonNode> dashboards = ofType("dashboard");
        assertThat(dashboards).hasSize(1);
        JsonNode dashboard = dashboards.get(0);
        JsonNode attributes = dashboard.path("attributes");
        parseString(attributes.path("optionsJSON"));
        parseString(attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON"));

        Set<String> visualizationIds =
                ofType("visualization").stream().map(v -> v.path("id").asText()).collect(Collectors.toSet());
        Set<String> referenced = new HashSet<>();
        for (JsonNode ref : dashboard.path("references")) {
            assertThat(ref.path("type").asText()).isEqualTo("visualization");
            referenced.add(ref.path("id").asText());
        }
        assertThat(referenced).isEqualTo(visualizationIds);

        JsonNode panels = parseString(attributes.path("panelsJSON"));
        assertThat(panels.isArray()).isTrue();
        assertThat(panels).hasSameSizeAs(visualizationIds);
        Set<String> refNames = new HashSet<>();
        dashboard.path("references").forEach(r -> refNames.add(r.path("name").asText()));
        Set<String> usedRefNames = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode panel : panels) {
            String refName = panel.path("panelRefName").asText();
            assertThat(refNames).as("panelRefName %s has a reference", refName).contains(refName);
            assertThat(usedRefNames.add(refName)).as("one panel per reference").isTrue();
            assertThat(panel.path("version").asText()).isNotBlank();
            JsonNode grid = panel.path("gridData");
            for (String k : List.of("x", "y", "w", "h"))
                assertThat(grid.path(k).isInt()).as("gridData.%s", k).isTrue();
            assertThat(grid.path("i").asText())
                    .isEqualTo(panel.path("panelIndex").asText())
                    .isNotBlank();
            int x = grid.path("x").asInt(),
                    y = grid.path("y").asInt(),
                    w = grid.path("w").asInt(),
                    h = grid.path("h").asInt();
            assertThat(x).isGreaterThanOrEqualTo(0);
            assertThat(w).isPositive();
            assertThat(h).isPositive();
            assertThat(x + w).as("fits Kibana's 48-column grid").isLessThanOrEqualTo(NdjsonGenerator.GRID_COLUMNS);
            for (int[] b : boxes) {
                boolean overlap = x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h;
                assertThat(overlap)
                        .as("panel %s overlaps another", grid.path("i").asText())
                        .isFalse();
            }
            boxes.add(new int[] {x, y, w, h});
        }
    }
}
