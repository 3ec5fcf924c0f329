package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import movierec.api.Filters;
import movierec.api.MovieSummary;
import movierec.api.PersonalRecommendations;
import movierec.api.UserProfiles;
import movierec.common.BeyondAccuracy;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.ModelCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The API against its OpenAPI document ({@code /api/openapi.json}): the document is valid OpenAPI 3.0.3, documents
 * every route of {@code ApiServer.routes} and every error each can answer, its examples match its schemas, and
 * every documented operation, called with valid input on the bundled MovieLens data, answers a documented status
 * with a body that matches the documented schema (strictly: undocumented fields are reported too).
 */
class ApiContractIT {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** Every route of ApiServer.routes, as "METHOD /path" (the document must describe each, and nothing else). */
    static final List<String> ROUTES = List.of(
            "GET /api/health",
            "GET /api/metrics",
            "GET /api/openapi.json",
            "GET /api/docs",
            "GET /api/local-key",
            "GET /dashboard",
            "GET /api/dashboard/charts",
            "GET /api/users/{userId}/recommendations",
            "GET /api/users/{userId}",
            "DELETE /api/users/{userId}",
            "GET /api/users/{userId}/erasure",
            "POST /api/users/{userId}/ratings",
            "DELETE /api/users/{userId}/ratings/{movieId}",
            "POST /api/users/{userId}/dismissals",
            "DELETE /api/users/{userId}/dismissals/movies/{movieId}",
            "DELETE /api/users/{userId}/dismissals/genres/{genre}",
            "GET /api/users/{userId}/because/{movieId}",
            "POST /api/recommendations",
            "GET /api/movies/popular",
            "GET /api/movies/search",
            "GET /api/movies/{movieId}",
            "GET /api/movies/{movieId}/similar");

    /** Routes that need a write key, so can answer 403 to a read key. */
    static final Set<String> WRITE_ROUTES = Set.of(
            "POST /api/users/{userId}/ratings",
            "DELETE /api/users/{userId}/ratings/{movieId}",
            "POST /api/users/{userId}/dismissals",
            "DELETE /api/users/{userId}/dismissals/movies/{movieId}",
            "DELETE /api/users/{userId}/dismissals/genres/{genre}");

    /** Routes that need an admin key, so can answer 403 to a write key. */
    static final Set<String> ADMIN_ROUTES = Set.of("DELETE /api/users/{userId}", "GET /api/users/{userId}/erasure");

    /** Routes that read Elasticsearch or write Kafka, so can answer 503. */
    static final Set<String> BACKEND_ROUTES = Set.of(
            "GET /api/users/{userId}/recommendations",
            "GET /api/users/{userId}",
            "DELETE /api/users/{userId}",
            "GET /api/users/{userId}/erasure",
            "POST /api/users/{userId}/ratings",
            "DELETE /api/users/{userId}/ratings/{movieId}",
            "POST /api/users/{userId}/dismissals",
            "DELETE /api/users/{userId}/dismissals/movies/{movieId}",
            "DELETE /api/users/{userId}/dismissals/genres/{genre}",
            "GET /api/users/{userId}/because/{movieId}",
            "POST /api/recommendations",
            "GET /api/movies/popular",
            "GET /api/movies/search",
            "GET /api/movies/{movieId}",
            "GET /api/movies/{movieId}/similar");

    static String base;
    static OpenApiValidator api;
    /** A user id nobody else uses in this run, for the write operations. */
    static final long FRESH_USER = 910_000 + (System.nanoTime() & 0xffff);

    @BeforeAll
    static void setUp() throws Exception {
        api();
    }

    /** The document as the server serves it. */
    static synchronized OpenApiValidator api() throws Exception {
        if (api == null) {
            Res r = call("GET", "/api/openapi.json", null);
            assertThat(r.status).as("GET /api/openapi.json: %s", r.body).isEqualTo(200);
            api = OpenApiValidator.of(r.body);
        }
        return api;
    }

    // ---- the document itself ----

    @Test
    void documentIsValidOpenApi303() throws Exception {
        assertThat(api.doc().path("openapi").asText()).isEqualTo("3.0.3");
        assertThat(api.specProblems()).as("swagger-parser and $ref problems").isEmpty();
    }

    @Test
    void documentDescribesExactlyTheServerRoutes() throws Exception {
        assertThat(api.operations()).as("documented operations").containsAll(ROUTES);
        assertThat(api.operations())
                .as("documented operations the server does not have")
                .isSubsetOf(ROUTES);
        // The server's own route table, read from its source when the source tree is here: a new route fails this test
        // until it is added to ROUTES and documented.
        Path source = TestStack.home().resolve("api/src/main/java/movierec/api/ApiServer.java");
        if (Files.exists(source)) {
            String text = Files.readString(source);
            int from = text.indexOf("private void routes(");
            String body = text.substring(from, text.indexOf("\n    }\n", from)); // the method's closing brace
            Matcher m = Pattern.compile("app\\.(get|post|put|patch|delete|head|options)\\(\\s*\"([^\"]+)\"")
                    .matcher(body);
            Set<String> routes = new TreeSet<>();
            while (m.find()) routes.add(m.group(1).toUpperCase() + " " + m.group(2));
            assertThat(routes).as("routes declared in ApiServer.routes").containsExactlyInAnyOrderElementsOf(ROUTES);
        }
    }

    @Test
    void everyOperationDocumentsTheErrorsItCanAnswer() {
        List<String> missing = new ArrayList<>();
        for (String route : ROUTES) {
            String method = route.substring(0, route.indexOf(' '));
            String template = route.substring(route.indexOf(' ') + 1);
            JsonNode op = api.operation(method, template);
            Set<String> statuses = api.statuses(method, template);
            Set<String> expected = new LinkedHashSet<>();
            boolean hasParams = template.contains("{") || op.path("parameters").size() > 0;
            if (hasParams || op.has("requestBody")) expected.add("400");
            // an erasure is accepted whether or not the user has data
            if (template.contains("{movieId}") || route.equals("GET /api/users/{userId}")) expected.add("404");
            if (op.has("requestBody")) expected.add("413");
            if (BACKEND_ROUTES.contains(route)) expected.add("503");
            expected.add("401"); // a key that is sent is always checked
            expected.add("429"); // every request spends a token
            if (WRITE_ROUTES.contains(route) || ADMIN_ROUTES.contains(route)) expected.add("403");
            for (String s : expected) if (!statuses.contains(s)) missing.add(route + " lacks " + s);
            for (String s : statuses) {
                JsonNode schema = api.responseSchema(method, template, Integer.parseInt(s), "application/json");
                if (s.startsWith("4") || (s.startsWith("5") && !route.equals("GET /api/health"))) {
                    if (!"#/components/schemas/Error".equals(schema.path("$ref").asText()))
                        missing.add(route + " " + s + " is not an Error");
                }
                if (s.startsWith("2")
                        && api.response(method, template, Integer.parseInt(s))
                                .path("content")
                                .isEmpty()) {
                    missing.add(route + " " + s + " has no content");
                }
            }
            for (JsonNode p : op.path("parameters")) {
                JsonNode param = api.resolve(p);
                JsonNode schema = param.path("schema");
                if (schema.path("type").asText().equals("integer")
                        && !(schema.has("minimum") && schema.has("maximum"))) {
                    missing.add(route + " parameter " + param.path("name").asText() + " has no minimum/maximum");
                }
                if (schema.path("type").asText().equals("string") && !schema.has("maxLength")) {
                    missing.add(route + " parameter " + param.path("name").asText() + " has no maxLength");
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void examplesMatchTheirSchemas() {
        List<Object[]> examples = api.examples();
        assertThat(examples).as("the document shows examples").hasSizeGreaterThan(10);
        List<String> problems = new ArrayList<>();
        for (Object[] e : examples) {
            for (String p : api.validate((JsonNode) e[1], (JsonNode) e[2])) problems.add(e[0] + ": " + p);
        }
        assertThat(problems).isEmpty();
    }

    // ---- the diversity parameter ----

    /**
     * diversity=0 is the list without it, which is the kNN search's own top k (the request served before the parameter
     * existed); 0.6 serves k distinct movies the user has not rated, more varied by the measure {@code evaluate} uses.
     */
    @Test
    void diversityZeroIsTodaysListAndMoreDiversityMoreVariedOnes() throws Exception {
        MovierecConfig c = ApiFixture.config();
        List<Double> plain = new ArrayList<>();
        List<Double> diverse = new ArrayList<>();
        try (ElasticsearchClient es = EsClients.create(c)) {
            ModelCache.Model model = ModelCache.loadOnce(es, c);
            Map<Long, ModelCache.Item> items = model.items();
            for (long user = 1; user <= 5; user++) {
                String path = "/api/users/" + user + "/recommendations?k=10";
                // kNN is approximate within each segment of the movies index, which the stream job keeps rewriting
                // (movie statistics): a refresh between two of these searches can change which near neighbours one of
                // them finds. So the lists are fetched again, back to back, until they agree, at most 3 times; a
                // different vector, ranking or exclusion never agrees.
                UserProfiles.Profile p = null;
                JsonNode without = null;
                List<JsonNode> zero = List.of();
                List<Long> knn = List.of();
                for (int attempt = 1; attempt <= 3; attempt++) {
                    p = new UserProfiles(es, c).profile(user);
                    assertThat(p.vector()).as("user %d's vector", user).isNotNull();
                    without = call("GET", path, null).json();
                    zero = List.of(
                            call("GET", path + "&diversity=0", null).json(),
                            call("GET", path + "&diversity=0.0", null).json());
                    knn = es
                            .search(
                                    // the vector the API ranks with: the stored one, or, when the stream job folded
                                    // it with another model than the current one, folded again with the current one
                                    PersonalRecommendations.knnRequest(
                                            c.index("movies"),
                                            PersonalRecommendations.vectorFor(model, p),
                                            p.rated(),
                                            10,
                                            Filters.NONE),
                                    MovieSummary.class)
                            .hits()
                            .hits()
                            .stream()
                            .map(h -> h.source().id())
                            .toList();
                    JsonNode served = without;
                    if (ids(without).equals(knn) && zero.stream().allMatch(served::equals)) break;
                }
                for (JsonNode z : zero) assertThat(z).isEqualTo(without);
                assertThat(ids(without)).as("user %d", user).isEqualTo(knn);

                Res r = call("GET", path + "&diversity=0.6", null);
                assertThat(r.status).as(r.body).isEqualTo(200);
                List<Long> picked = ids(r.json());
                assertThat(picked).as("user %d", user).hasSize(10).doesNotHaveDuplicates();
                assertThat(picked).as("user %d", user).doesNotContainAnyElementsOf(p.rated());
                plain.add(BeyondAccuracy.intraListDiversity(factors(ids(without), items)));
                diverse.add(BeyondAccuracy.intraListDiversity(factors(picked, items)));
            }
        }
        System.out.printf("[diversity] intra-list diversity of users 1-5: d=0 %s, d=0.6 %s%n", plain, diverse);
        assertThat(BeyondAccuracy.mean(diverse)).isGreaterThan(BeyondAccuracy.mean(plain));
    }

    static List<float[]> factors(List<Long> ids, Map<Long, ModelCache.Item> items) {
        return ids.stream().map(id -> items.get(id).factors()).toList();
    }

    // ---- every operation, called with valid input ----

    @TestFactory
    Stream<DynamicTest> everyOperationAnswersAsDocumented() throws Exception {
        String local = localKey();
        List<DynamicTest> tests = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        Consumer<Object[]> add = c -> {
            String method = (String) c[0];
            String path = (String) c[1];
            covered.add(method + " " + api.template(path.split("\\?")[0]));
            tests.add(DynamicTest.dynamicTest(method + " " + path, () -> {
                @SuppressWarnings("unchecked")
                Consumer<Res> check = (Consumer<Res>) c[4];
                conforms(method, path, (String) c[2], (int) c[3], check);
            }));
        };
        add.accept(new Object[] {
            "GET",
            "/api/health",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("status").asText()).isEqualTo("ok");
                assertThat(r.json().path("model").asText()).startsWith("als-");
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/metrics",
            null,
            200,
            (Consumer<Res>) r -> assertThat(r.body)
                    .contains(
                            "# TYPE movierec_http_requests_total counter",
                            "movierec_http_request_duration_seconds_bucket",
                            "movierec_auth_refused_total{status=\"401\"}",
                            "movierec_rate_limited_total{bucket=\"key\"}",
                            "movierec_event_to_applied_seconds_bucket{le=\"0.5\"}",
                            "movierec_event_to_applied_seconds_count")
        });
        add.accept(new Object[] {
            "GET",
            "/api/openapi.json",
            null,
            200,
            (Consumer<Res>) r -> assertThat(r.json().path("openapi").asText()).isEqualTo("3.0.3")
        });
        add.accept(new Object[] {
            "GET",
            "/api/docs",
            null,
            302,
            (Consumer<Res>) r -> assertThat(r.header("Location")).endsWith("/docs.html")
        });
        add.accept(new Object[] {
            "GET",
            "/api/local-key",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("key").asText()).isEqualTo(local);
                assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            }
        });
        add.accept(new Object[] {
            "GET",
            "/dashboard",
            null,
            200,
            (Consumer<Res>) r -> assertThat(r.body).contains("<html")
        });
        add.accept(new Object[] {
            "GET",
            "/api/dashboard/charts",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json()).isNotEmpty();
                r.json()
                        .forEach(chart -> assertThat(
                                        chart.path("data").path("values").isArray())
                                .isTrue());
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/users/1/recommendations?k=5",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("userId").asLong()).isEqualTo(1);
                assertThat(r.json().path("items")).hasSize(5);
                assertThat(r.json().path("asOf").path("event").asText()).matches("\\d+:\\d+");
                assertThat(r.json().path("asOf").path("modelVersion").asText()).startsWith("als-");
                assertThat(r.json().path("stale").asBoolean()).isFalse();
            }
        });
        add.accept(new Object[] {
            "GET",
            // the bundled data's first event: long applied, so no wait
            "/api/users/1/recommendations?k=2&after=0:0&maxWaitMs=2000",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("items")).hasSize(2);
                assertThat(r.json().path("stale").asBoolean()).isFalse();
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/users/1/recommendations?k=3&genre=Animation&minYear=1990&maxYear=2005",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("items")).hasSize(3);
                for (JsonNode item : r.json().path("items")) {
                    assertThat(texts(item.path("movie").path("genres"))).contains("Animation");
                    assertThat(item.path("movie").path("release_year").asInt()).isBetween(1990, 2005);
                }
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/users/1/recommendations?k=5&diversity=0.6",
            null,
            200,
            (Consumer<Res>) r -> assertThat(ids(r.json())).hasSize(5).doesNotHaveDuplicates()
        });
        add.accept(new Object[] {
            "GET",
            "/api/users/1",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("userId").asLong()).isEqualTo(1);
                assertThat(r.json().path("ratingCount").asInt()).isPositive();
                assertThat(r.json().path("recentRatings")).isNotEmpty();
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/movies/1",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("id").asLong()).isEqualTo(1);
                assertThat(r.json().path("title").asText()).isEqualTo("Toy Story");
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/movies/1/similar?k=5",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("movieId").asLong()).isEqualTo(1);
                assertThat(r.json().path("items")).hasSize(5);
                assertThat(ids(r.json())).doesNotContain(1L);
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/movies/popular",
            null,
            200,
            (Consumer<Res>) r -> assertThat(r.json().path("items")).hasSize(10)
        });
        add.accept(new Object[] {
            "GET",
            "/api/movies/popular?k=5&genre=Animation",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("items")).hasSize(5);
                r.json()
                        .path("items")
                        .forEach(i -> assertThat(texts(i.path("movie").path("genres")))
                                .contains("Animation"));
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/movies/search?q=" + enc("toy story"),
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("total").asLong()).isPositive();
                assertThat(r.json().path("page").asInt()).isEqualTo(1);
                assertThat(r.json().path("size").asInt()).isEqualTo(10);
                assertThat(r.json().path("items").get(0).path("title").asText()).isEqualTo("Toy Story");
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/movies/search?q=" + enc("toy story") + "&genre=Animation&page=2&size=3",
            null,
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("page").asInt()).isEqualTo(2);
                assertThat(r.json().path("size").asInt()).isEqualTo(3);
                assertThat(r.json().path("items").size()).isBetween(0, 3);
            }
        });
        add.accept(new Object[] {
            "POST",
            "/api/users/" + FRESH_USER + "/ratings",
            "{\"movieId\": 1, \"rating\": 4.5}",
            202,
            (Consumer<Res>) r -> assertThat(r.json().path("status").asText()).isEqualTo("accepted")
        });
        add.accept(new Object[] {
            "POST",
            "/api/users/" + FRESH_USER + "/ratings",
            "{\"movieId\": 2, \"rating\": 3}",
            202,
            (Consumer<Res>) r -> assertThat(r.json().path("eventId").asText()).isNotBlank()
        });
        add.accept(new Object[] {
            "POST",
            "/api/users/" + FRESH_USER + "/dismissals",
            "{\"movieId\": 3}",
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("status").asText()).isEqualTo("applied");
                assertThat(r.json().path("token").asText()).matches("\\d+:\\d+");
            }
        });
        add.accept(new Object[] {
            "DELETE",
            "/api/users/" + FRESH_USER + "/dismissals/movies/3",
            null,
            200,
            (Consumer<Res>) r -> assertThat(r.json().path("status").asText()).isEqualTo("applied")
        });
        add.accept(new Object[] {
            "DELETE",
            "/api/users/" + FRESH_USER + "/dismissals/genres/Horror",
            null,
            200,
            (Consumer<Res>) r -> assertThat(r.json().path("status").asText()).isEqualTo("applied")
        });
        add.accept(new Object[] {
            "DELETE",
            "/api/users/" + (FRESH_USER + 1),
            null,
            202,
            (Consumer<Res>) r -> assertThat(r.json().path("token").asText()).matches("\\d+:\\d+")
        });
        add.accept(new Object[] {
            "GET",
            "/api/users/" + (FRESH_USER + 1) + "/erasure",
            null,
            200,
            (Consumer<Res>) r -> {
                // a user who never rated: nothing held
                assertThat(r.json().path("status").asText()).isEqualTo("complete");
                assertThat(r.json().path("remaining").path("ratings").asLong()).isZero();
            }
        });
        add.accept(new Object[] {
            "GET",
            "/api/movies/popular?k=3&exclude=356,318",
            null,
            200,
            (Consumer<Res>) r -> assertThat(r.json().path("items").findValuesAsText("id"))
                    .hasSize(3)
                    .doesNotContain("356", "318")
        });
        add.accept(new Object[] {
            "GET",
            "/api/movies/1/similar?k=3&userId=1&exclude=3114",
            null,
            200,
            (Consumer<Res>) r -> assertThat(r.json().path("items").findValuesAsText("id"))
                    .hasSize(3)
                    .doesNotContain("3114")
        });
        add.accept(new Object[] {
            "DELETE",
            "/api/users/" + FRESH_USER + "/ratings/2",
            null,
            202,
            (Consumer<Res>) r -> assertThat(r.json().path("status").asText()).isEqualTo("accepted")
        });
        add.accept(new Object[] {
            "POST",
            "/api/recommendations",
            "{\"ratings\": [{\"movieId\": 1, \"rating\": 5}, {\"movieId\": 2355, \"rating\": 4.5}, {\"movieId\": 588, \"rating\": 5}], \"k\": 5}",
            200,
            (Consumer<Res>) r -> {
                assertThat(r.json().path("items")).hasSize(5);
                assertThat(ids(r.json())).doesNotContain(1L, 2355L, 588L);
            }
        });
        add.accept(new Object[] {
            "POST",
            "/api/recommendations",
            "{\"ratings\": [{\"movieId\": 1, \"rating\": 5}, {\"movieId\": 588, \"rating\": 5}], \"k\": 5, \"diversity\": 0.3, \"visitorId\": \"cookie-42\"}",
            200,
            (Consumer<Res>) r -> {
                assertThat(ids(r.json())).hasSize(5).doesNotHaveDuplicates().doesNotContain(1L, 588L);
                assertThat(r.json().path("variant").asText()).isNotBlank();
            }
        });
        tests.add(DynamicTest.dynamicTest("GET /api/users/1/because/{a movie recommended to user 1}", () -> {
            long recommended = call("GET", "/api/users/1/recommendations?k=1", null)
                    .json()
                    .path("items")
                    .get(0)
                    .path("movie")
                    .path("id")
                    .asLong();
            conforms("GET", "/api/users/1/because/" + recommended + "?k=3", null, 200, r -> {
                assertThat(r.json().path("movieId").asLong()).isEqualTo(recommended);
                JsonNode items = r.json().path("items");
                assertThat(items).isNotEmpty().hasSizeLessThanOrEqualTo(3);
                for (int i = 1; i < items.size(); i++) {
                    assertThat(items.get(i).path("contribution").asDouble())
                            .isLessThanOrEqualTo(
                                    items.get(i - 1).path("contribution").asDouble());
                }
            });
        }));
        covered.add("GET /api/users/{userId}/because/{movieId}");
        tests.add(DynamicTest.dynamicTest(
                "GET /api/users/{fresh user} once the stream job applied the POSTs and the DELETE", () -> {
                    long deadline = System.currentTimeMillis() + 90_000;
                    Res r = call("GET", "/api/users/" + FRESH_USER, null);
                    while (System.currentTimeMillis() < deadline
                            && !(r.status == 200
                                    && r.json().path("ratingCount").asInt() == 1
                                    && r.json().path("recentRatings").size() == 1)) {
                        Thread.sleep(500);
                        r = call("GET", "/api/users/" + FRESH_USER, null);
                    }
                    conforms("GET", "/api/users/" + FRESH_USER, null, 200, p -> {
                        assertThat(p.json().path("ratingCount").asInt())
                                .as("one rating left after the DELETE: %s", p.body)
                                .isEqualTo(1);
                        assertThat(p.json()
                                        .path("recentRatings")
                                        .get(0)
                                        .path("movieId")
                                        .asLong())
                                .isEqualTo(1);
                        assertThat(p.json()
                                        .path("recentRatings")
                                        .get(0)
                                        .path("rating")
                                        .asDouble())
                                .isEqualTo(4.5);
                    });
                }));
        tests.add(DynamicTest.dynamicTest(
                "every documented operation is exercised above",
                () -> assertThat(covered).containsExactlyInAnyOrderElementsOf(api.operations())));
        return tests.stream();
    }

    /** Calls the API and checks status, content type and body against the document, then the extra checks. */
    static void conforms(String method, String path, String body, int expected, Consumer<Res> check) throws Exception {
        Res r = call(method, path, body);
        assertThat(r.status)
                .as("%s %s -> %s", method, path, OpenApiValidator.clip(r.body))
                .isEqualTo(expected);
        String template = api.template(path.split("\\?")[0]);
        assertThat(template).as("documented path for %s", path).isNotNull();
        assertThat(api.checkResponse(method, template, r.status, r.contentType(), r.body))
                .as("%s %s -> %s", method, path, OpenApiValidator.clip(r.body))
                .isEmpty();
        check.accept(r);
    }

    // ---- HTTP ----

    record Res(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return OpenApiValidator.JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + OpenApiValidator.clip(body), e);
            }
        }

        String contentType() {
            return raw.headers().firstValue("Content-Type").orElse(null);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse("");
        }
    }

    /** Base URL of the API under test (started once per run by {@link ApiFixture}). */
    static synchronized String base() throws Exception {
        if (base != null) return base;
        // ApiFixture retries the whole start-up (minutes) on every call after a failure: fail fast instead.
        if (startFailure != null)
            throw new IllegalStateException("the API fixture failed to start (see the first failure)", startFailure);
        try {
            base = ApiFixture.baseUrl();
        } catch (Throwable t) {
            startFailure = t;
            throw t;
        }
        return base;
    }

    private static Throwable startFailure;

    static String localKey() throws Exception {
        return ApiFixture.localKey();
    }

    /** A request with the local write key, as the web page sends it (ApiSecurityIT covers requests without one). */
    static Res call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        // erasure is an administrator's; everything else the local write key may do
        boolean admin = path.matches("/api/users/[^/?]+(/erasure)?(\\?.*)?") && !method.equals("GET")
                || path.matches("/api/users/[^/]+/erasure.*");
        b.header("X-API-Key", admin ? ApiFixture.adminKey() : localKey());
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Res(r.statusCode(), r.body(), r);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<Long> ids(JsonNode list) {
        List<Long> out = new ArrayList<>();
        list.path("items").forEach(i -> out.add(i.path("movie").path("id").asLong()));
        return out;
    }
}
