package movierec.kibana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs import.sh against a stand-in for Kibana's import API on 127.0.0.1: the request it sends (multipart file,
 * kbn-xsrf, overwrite, credentials) and what it reports for success, per-object errors and HTTP failures.
 */
class ImportScriptTest {

    static final Path MODULE = NdjsonGenerator.moduleDir();

    /** One request as the stand-in saw it. */
    record Seen(
            String method, String pathAndQuery, String xsrf, String authorization, String contentType, String body) {}

    HttpServer server;
    final List<Seen> seen = new ArrayList<>();
    volatile int status = 200;
    volatile String response = "{}";

    @BeforeAll
    static void needsBashAndCurl() {
        assumeTrue(onPath("bash") && onPath("curl"), "bash and curl are needed to run import.sh");
    }

    @BeforeEach
    void startKibanaStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (seen) {
                seen.add(new Seen(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("kbn-xsrf"),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        new String(body, StandardCharsets.UTF_8)));
            }
            byte[] out = response.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    record Run(int exit, String output) {}

    static Run run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder("bash", MODULE.resolve("import.sh").toString()).redirectErrorStream(true);
        for (String k :
                List.of("KIBANA_URL", "KIBANA_API_KEY", "KIBANA_USERNAME", "KIBANA_PASSWORD", "KIBANA_IMPORT_PARSER")) {
            pb.environment().remove(k);
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("import.sh finished").isTrue();
        return new Run(p.exitValue(), output);
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    static List<String> parsers() {
        List<String> parsers = new ArrayList<>(List.of("raw"));
        if (onPath("jq")) parsers.add("jq");
        if (onPath("python3")) parsers.add("python3");
        return parsers;
    }

    @Test
    void postsTheExportAsAMultipartFileWithKbnXsrfAndOverwrite() throws Exception {
        response = "{\"success\":true,\"successCount\":13,\"successResults\":[]}";
        Run run = run(Map.of("KIBANA_URL", url() + "/"));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(seen).hasSize(1);
        Seen request = seen.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.pathAndQuery()).isEqualTo("/api/saved_objects/_import?overwrite=true");
        assertThat(request.xsrf()).isEqualTo("true");
        assertThat(request.authorization()).isNull();
        assertThat(request.contentType()).startsWith("multipart/form-data");
        assertThat(request.body())
                .contains("name=\"file\"; filename=\"movierec.ndjson\"")
                .contains(Files.readString(MODULE.resolve(NdjsonGenerator.NDJSON_FILE), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jq", "python3", "raw"})
    void reportsTheSuccessCount(String parser) throws Exception {
        assumeTrue(parsers().contains(parser), parser + " is not installed");
        response = "{\"success\":true,\"successCount\":13,\"successResults\":[]}";
        Run run = run(Map.of("KIBANA_URL", url(), "KIBANA_IMPORT_PARSER", parser));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("13");
        if (!parser.equals("raw")) assertThat(run.output()).contains("imported 13 of ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jq", "python3", "raw"})
    void failsAndNamesTheObjectsKibanaCouldNotImport(String parser) throws Exception {
        assumeTrue(parsers().contains(parser), parser + " is not installed");
        response = "{\"success\":false,\"successCount\":12,\"errors\":[{\"id\":\"movierec-user-activity\","
                + "\"type\":\"visualization\",\"meta\":{\"title\":\"Users by number of ratings given\"},"
                + "\"error\":{\"type\":\"missing_references\",\"references\":[{\"type\":\"index-pattern\",\"id\":\"x\"}]}}]}";
        Run run = run(Map.of("KIBANA_URL", url(), "KIBANA_IMPORT_PARSER", parser));
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("movierec-user-activity")
                .contains("missing_references")
                .contains("did not import everything");
        if (!parser.equals("raw"))
            assertThat(run.output()).contains("imported 12 of ").contains("index-pattern/x");
    }

    /**
     * Kibana's answer to an import into a second space (recorded shape): the dashboard, visualization and data view
     * types are shared across spaces, so there every object gets a new id, given as successResults[].destinationId.
     */
    static JsonNode secondSpaceResponse() throws IOException {
        try (InputStream in = ImportScriptTest.class.getResourceAsStream("/import-response-second-space.json")) {
            return NdjsonGenerator.MAPPER.readTree(in);
        }
    }

    static JsonNode dashboardResult(JsonNode response) {
        for (JsonNode result : response.path("successResults")) {
            if (result.path("type").asText().equals("dashboard")) return result;
        }
        throw new AssertionError("no dashboard in " + response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jq", "python3"})
    void linksTheDashboardUnderTheIdKibanaGaveItInAnotherSpace(String parser) throws Exception {
        assumeTrue(parsers().contains(parser), parser + " is not installed");
        JsonNode recorded = secondSpaceResponse();
        String newId = dashboardResult(recorded).path("destinationId").asText();
        assertThat(newId).isNotBlank().isNotEqualTo(NdjsonGenerator.DASHBOARD_ID);
        response = NdjsonGenerator.compact(recorded);
        Run run = run(Map.of("KIBANA_URL", url() + "/s/movies", "KIBANA_IMPORT_PARSER", parser));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(seen.get(0).pathAndQuery()).isEqualTo("/s/movies/api/saved_objects/_import?overwrite=true");
        assertThat(run.output())
                .contains("done: open " + url() + "/s/movies/app/dashboards#/view/" + newId + "\n")
                .doesNotContain("#/view/" + NdjsonGenerator.DASHBOARD_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jq", "python3"})
    void linksTheDashboardUnderItsOwnIdWhereKibanaKeptIt(String parser) throws Exception {
        assumeTrue(parsers().contains(parser), parser + " is not installed");
        ObjectNode recorded = (ObjectNode) secondSpaceResponse();
        recorded.path("successResults")
                .forEach(r -> ((ObjectNode) r).remove(List.of("destinationId", "createNewCopy")));
        response = NdjsonGenerator.compact(recorded);
        Run run = run(Map.of("KIBANA_URL", url(), "KIBANA_IMPORT_PARSER", parser));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("done: open " + url() + "/app/dashboards#/view/" + NdjsonGenerator.DASHBOARD_ID);
    }

    /** Without jq or python3 the script cannot read the new id, so it names the dashboard instead of guessing a link. */
    @Test
    void withoutAJsonReaderNamesTheDashboardInsteadOfLinkingAGuessedId() throws Exception {
        response = NdjsonGenerator.compact(secondSpaceResponse());
        Run run = run(Map.of("KIBANA_URL", url() + "/s/movies", "KIBANA_IMPORT_PARSER", "raw"));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("done: open " + url() + "/s/movies/app/dashboards and pick \"movierec overview\"")
                .doesNotContain("#/view/");
    }

    @Test
    void sendsBasicAuthWithoutPrintingThePassword() throws Exception {
        response = "{\"success\":true,\"successCount\":13}";
        String password = "s3cr\"et\\pw";
        Run run = run(Map.of("KIBANA_URL", url(), "KIBANA_USERNAME", "elastic", "KIBANA_PASSWORD", password));
        assertThat(run.exit()).as(run.output()).isZero();
        String expected = Base64.getEncoder().encodeToString(("elastic:" + password).getBytes(StandardCharsets.UTF_8));
        assertThat(seen.get(0).authorization()).isEqualTo("Basic " + expected);
        assertThat(run.output()).doesNotContain(password).doesNotContain("s3cr");
    }

    @Test
    void prefersTheApiKey() throws Exception {
        response = "{\"success\":true,\"successCount\":13}";
        Run run = run(Map.of(
                "KIBANA_URL",
                url(),
                "KIBANA_API_KEY",
                "a2V5OnNlY3JldA==",
                "KIBANA_USERNAME",
                "elastic",
                "KIBANA_PASSWORD",
                "pw"));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(seen.get(0).authorization()).isEqualTo("ApiKey a2V5OnNlY3JldA==");
        assertThat(run.output()).doesNotContain("a2V5OnNlY3JldA==");
    }

    @Test
    void saysToCheckTheCredentialsWhenKibanaRefusesThem() throws Exception {
        status = 401;
        response = "{\"statusCode\":401,\"error\":\"Unauthorized\"}";
        Run run = run(Map.of("KIBANA_URL", url()));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output())
                .contains("HTTP 401")
                .contains("KIBANA_USERNAME")
                .contains("KIBANA_API_KEY");
    }

    @Test
    void saysToCheckTheUrlWhenThereIsNoImportApi() throws Exception {
        status = 404;
        Run run = run(Map.of("KIBANA_URL", url()));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("HTTP 404").contains("KIBANA_URL");
    }

    @Test
    void saysToCheckTheUrlWhenKibanaIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Run run = run(Map.of("KIBANA_URL", "http://127.0.0.1:" + closedPort));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("cannot reach Kibana").contains("KIBANA_URL");
    }
}
