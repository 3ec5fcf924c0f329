package movierec.kibana;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code movierec.ndjson} (Kibana saved objects) from {@code charts/*.json}, so every chart spec is written
 * once and Kibana shows exactly what our /dashboard page shows. It lives in the tests because only the build needs it:
 * {@link NdjsonIsUpToDateTest} fails when the committed file differs, and rewrites it when run with
 * {@code -Dkibana.regenerate=true}.
 *
 * <p>Output is deterministic (fixed ids, insertion-ordered keys, "\n" line ends) so the comparison is a plain string
 * equality and a diff of the file shows what changed.
 */
final class NdjsonGenerator {

    static final String VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
    static final String NDJSON_FILE = "movierec.ndjson";
    static final String DASHBOARD_ID = "movierec-dashboard";

    /** The aliases the charts may query, each with its data view's time field (null: the data view has none). */
    static final Map<String, String> DATA_VIEWS = new LinkedHashMap<>();

    static {
        DATA_VIEWS.put("movies", "release_date");
        DATA_VIEWS.put("ratings", "timestamp");
        DATA_VIEWS.put("users", null);
        DATA_VIEWS.put("impressions", "served_at");
        DATA_VIEWS.put("experiments", "started_at");
    }

    /** Kibana's dashboard grid is 48 columns wide: two charts per row. */
    static final int GRID_COLUMNS = 48;

    static final int PANEL_WIDTH = 24;
    static final int PANEL_HEIGHT = 15;

    /**
     * The panel "version" Kibana writes into panelsJSON. Older dashboard migrations read it (with no
     * migrationVersion on the object Kibana runs them all), so a panel without it can fail to migrate; 8.0.0 is what
     * Kibana's own 8.x sample dashboards carry for by-reference panels.
     */
    static final String PANEL_VERSION = "8.0.0";

    /** Empty query, no filters: Kibana's default search source for a visualization or dashboard. */
    static final String EMPTY_SEARCH_SOURCE = "{\"query\":{\"query\":\"\",\"language\":\"kuery\"},\"filter\":[]}";

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Two-space indent, "key": value, "\n" whatever the OS: the spec text Kibana's editor shows. */
    private static final DefaultPrettyPrinter SPEC_PRINTER = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    /** One chart: its id (file name stem) and its Vega-Lite spec. */
    record Chart(String id, ObjectNode spec) {
        String title() {
            return spec.path("title").asText();
        }

        String description() {
            return spec.path("description").asText("");
        }
    }

    private NdjsonGenerator() {}

    static String dataViewId(String index) {
        return "movierec-" + index;
    }

    static String visualizationId(String chartId) {
        return "movierec-" + chartId;
    }

    /** The kibana module directory: surefire runs tests there and sets "basedir"; an IDE may run from the root. */
    static Path moduleDir() {
        Path base = Path.of(System.getProperty("basedir", "."));
        if (Files.isDirectory(base.resolve("charts"))) return base;
        if (Files.isDirectory(base.resolve("kibana/charts"))) return base.resolve("kibana");
        throw new IllegalStateException("cannot find the kibana module (charts/) from " + base.toAbsolutePath());
    }

    /** The chart ids in display order, from charts/index.json. */
    static List<String> chartIds(Path moduleDir) {
        JsonNode index = read(moduleDir.resolve("charts/index.json"));
        if (!index.isArray()) throw new IllegalStateException("charts/index.json must be a JSON array of chart ids");
        List<String> ids = new ArrayList<>();
        index.forEach(n -> ids.add(n.asText()));
        return ids;
    }

    /** Every chart listed in charts/index.json, in that order. */
    static List<Chart> charts(Path moduleDir) {
        List<Chart> charts = new ArrayList<>();
        for (String id : chartIds(moduleDir)) {
            JsonNode spec = read(moduleDir.resolve("charts/" + id + ".json"));
            if (!spec.isObject()) throw new IllegalStateException("charts/" + id + ".json is not a JSON object");
            charts.add(new Chart(id, (ObjectNode) spec));
        }
        return charts;
    }

    /** The whole export: data views, then one visualization per chart, then the dashboard; one object per line. */
    static String generate(Path moduleDir) {
        List<Chart> charts = charts(moduleDir);
        List<ObjectNode> objects = new ArrayList<>();
        DATA_VIEWS.forEach((index, timeField) -> objects.add(dataView(index, timeField)));
        for (Chart chart : charts) objects.add(visualization(chart));
        objects.add(dashboard(charts));
        StringBuilder out = new StringBuilder();
        for (ObjectNode o : objects) out.append(compact(o)).append('\n');
        return out.toString();
    }

    static ObjectNode dataView(String index, String timeField) {
        ObjectNode attributes = MAPPER.createObjectNode();
        attributes.put("title", index); // the index pattern: our alias
        attributes.put("name", index); // the display name (Kibana 8+)
        if (timeField != null) attributes.put("timeFieldName", timeField);
        return savedObject("index-pattern", dataViewId(index), attributes, MAPPER.createArrayNode());
    }

    static ObjectNode visualization(Chart chart) {
        ObjectNode visState = MAPPER.createObjectNode();
        visState.put("title", chart.title());
        visState.put("type", "vega");
        visState.putArray("aggs");
        // Kibana's Vega editor parses params.spec as HJSON; pretty JSON is valid HJSON and stays readable there.
        visState.putObject("params").put("spec", pretty(chart.spec()));

        ObjectNode attributes = MAPPER.createObjectNode();
        attributes.put("title", chart.title());
        attributes.put("description", chart.description());
        attributes.put("visState", compact(visState));
        attributes.put("uiStateJSON", "{}");
        attributes.put("version", 1);
        attributes.putObject("kibanaSavedObjectMeta").put("searchSourceJSON", EMPTY_SEARCH_SOURCE);
        // The spec names its index itself (data.url.index), so the visualization references no data view.
        return savedObject("visualization", visualizationId(chart.id()), attributes, MAPPER.createArrayNode());
    }

    static ObjectNode dashboard(List<Chart> charts) {
        ArrayNode panels = MAPPER.createArrayNode();
        ArrayNode references = MAPPER.createArrayNode();
        int perRow = GRID_COLUMNS / PANEL_WIDTH;
        for (int i = 0; i < charts.size(); i++) {
            Chart chart = charts.get(i);
            String refName = "panel_" + i;
            ObjectNode panel = panels.addObject();
            panel.put("version", PANEL_VERSION);
            panel.put("type", "visualization");
            ObjectNode grid = panel.putObject("gridData");
            grid.put("x", (i % perRow) * PANEL_WIDTH);
            grid.put("y", (i / perRow) * PANEL_HEIGHT);
            grid.put("w", PANEL_WIDTH);
            grid.put("h", PANEL_HEIGHT);
            grid.put("i", chart.id());
            panel.put("panelIndex", chart.id());
            panel.putObject("embeddableConfig");
            panel.put("panelRefName", refName);
            ObjectNode ref = references.addObject();
            ref.put("name", refName);
            ref.put("type", "visualization");
            ref.put("id", visualizationId(chart.id()));
        }
        ObjectNode options = MAPPER.createObjectNode();
        options.put("useMargins", true);
        options.put("syncColors", false);
        options.put("syncCursor", true);
        options.put("syncTooltips", false);
        // Each Vega-Lite spec draws its own title (the web page needs it), so Kibana's panel header would repeat it.
        options.put("hidePanelTitles", true);

        ObjectNode attributes = MAPPER.createObjectNode();
        attributes.put("title", "movierec overview");
        attributes.put(
                "description",
                "Catalogue, ratings and user activity of movierec. Generated from kibana/charts/*.json;"
                        + " the same Vega-Lite specs feed the /dashboard page of the movierec API.");
        attributes.put("panelsJSON", compact(panels));
        attributes.put("optionsJSON", compact(options));
        attributes.put("version", 1);
        // The specs query their index without %context%/%timefield%, so the time picker does not filter them.
        attributes.put("timeRestore", false);
        attributes.putObject("kibanaSavedObjectMeta").put("searchSourceJSON", EMPTY_SEARCH_SOURCE);
        return savedObject("dashboard", DASHBOARD_ID, attributes, references);
    }

    /**
     * The saved-object envelope of the import API. No migrationVersion/coreMigrationVersion: Kibana then treats the
     * object as older than every migration and runs them all, which is correct for these hand-built shapes.
     */
    static ObjectNode savedObject(String type, String id, ObjectNode attributes, ArrayNode references) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", type);
        o.put("id", id);
        o.set("attributes", attributes);
        o.set("references", references);
        return o;
    }

    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pretty(JsonNode node) {
        try {
            return MAPPER.writer(SPEC_PRINTER).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Rewrites movierec.ndjson; returns true when its content changed. */
    static boolean write(Path moduleDir) throws IOException {
        Path file = moduleDir.resolve(NDJSON_FILE);
        String content = generate(moduleDir);
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) return false;
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return true;
    }

    /** For an IDE: regenerate the file without running the test suite. */
    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : moduleDir();
        System.out.println((write(dir) ? "rewrote " : "up to date: ") + dir.resolve(NDJSON_FILE));
    }
}
