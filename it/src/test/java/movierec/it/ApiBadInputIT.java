package movierec.it;

import static movierec.it.ApiContractIT.call;
import static movierec.it.ApiContractIT.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import movierec.it.ApiContractIT.Res;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input, case by case and then fuzzed: every client error is a 4xx with a JSON {@code {"error", "message"}} body
 * (exact status, code and message), documented for its operation in openapi.json; nothing a client sends gives a 5xx.
 */
class ApiBadInputIT {
    static final long MAX = Integer.MAX_VALUE;
    /** Writes go to users of this range only, so no other test's users are touched. */
    static final long USER = 700_001;

    record Case(String method, String path, String body, int status, String error, String message) {
        @Override
        public String toString() {
            String p = path.length() > 90 ? path.substring(0, 90) + "..." : path;
            String b = body == null ? "" : " " + (body.length() > 90 ? body.substring(0, 90) + "..." : body);
            return method + " " + p + b + " -> " + status;
        }
    }

    static String idMessage(String name, String raw) {
        return name + " must be a positive integer up to " + MAX + ", got '" + raw + "'";
    }

    static String intMessage(String name, int min, int max, String raw) {
        return name + " must be an integer from " + min + " to " + max + ", got '" + raw + "'";
    }

    static Case bad(String method, String path, String body, String message) {
        return new Case(method, path, body, 400, "bad_request", message);
    }

    static Case notFound(String method, String path, String body, String message) {
        return new Case(method, path, body, 404, "not_found", message);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        String rating = "{\"movieId\": 1, \"rating\": 4}";
        // Ids: not numbers, not positive, not integers, beyond int range.
        for (String raw : List.of("abc", "0", "-1", "1.5", "99999999999", "2147483648", "1e3", "0x10")) {
            c.add(bad("GET", "/api/movies/" + raw, null, idMessage("movieId", raw)));
            c.add(bad("GET", "/api/movies/" + raw + "/similar", null, idMessage("movieId", raw)));
            c.add(bad("GET", "/api/users/" + raw, null, idMessage("userId", raw)));
            c.add(bad("GET", "/api/users/" + raw + "/recommendations", null, idMessage("userId", raw)));
            c.add(bad("GET", "/api/users/" + raw + "/because/1", null, idMessage("userId", raw)));
            c.add(bad("GET", "/api/users/1/because/" + raw, null, idMessage("movieId", raw)));
            c.add(bad("POST", "/api/users/" + raw + "/ratings", rating, idMessage("userId", raw)));
            c.add(bad("DELETE", "/api/users/" + raw + "/ratings/1", null, idMessage("userId", raw)));
            c.add(bad("DELETE", "/api/users/" + USER + "/ratings/" + raw, null, idMessage("movieId", raw)));
        }
        c.add(bad("GET", "/api/movies/%20", null, idMessage("movieId", " ")));
        // k outside 1..100 on every route that takes it.
        for (String raw : List.of("0", "101", "x", "-5", "1.5", "1000000000000")) {
            for (String path : List.of(
                    "/api/users/1/recommendations",
                    "/api/movies/popular",
                    "/api/movies/1/similar",
                    "/api/users/1/because/1")) {
                c.add(bad("GET", path + "?k=" + raw, null, intMessage("k", 1, 100, raw)));
            }
        }
        // Search paging and text.
        for (String raw : List.of("0", "501", "x", "-1"))
            c.add(bad("GET", "/api/movies/search?q=toy&page=" + raw, null, intMessage("page", 1, 500, raw)));
        for (String raw : List.of("0", "101", "x"))
            c.add(bad("GET", "/api/movies/search?q=toy&size=" + raw, null, intMessage("size", 1, 100, raw)));
        // Pages past Elasticsearch's 10,000-result window (these answered 500 before a852aad).
        for (String q : List.of("page=101&size=100", "page=500&size=100", "page=201&size=50", "page=500&size=21")) {
            c.add(bad(
                    "GET",
                    "/api/movies/search?q=a&" + q,
                    null,
                    "page × size must not exceed 10000 (Elasticsearch's result window)"));
        }
        c.add(bad("GET", "/api/movies/search", null, "q is required: the text to search for"));
        c.add(bad("GET", "/api/movies/search?q=", null, "q is required: the text to search for"));
        c.add(bad("GET", "/api/movies/search?q=%20%20", null, "q is required: the text to search for"));
        c.add(bad("GET", "/api/movies/search?q=" + "a".repeat(201), null, "q must be at most 200 characters"));
        c.add(bad(
                "GET",
                "/api/movies/search?q=toy&genre=" + "g".repeat(51),
                null,
                "genre must be at most 50 characters"));
        c.add(bad("GET", "/api/movies/popular?genre=" + "g".repeat(51), null, "genre must be at most 50 characters"));
        c.add(bad(
                "GET",
                "/api/users/1/recommendations?genre=" + "g".repeat(51),
                null,
                "genre must be at most 50 characters"));
        // Year filters.
        for (String name : List.of("minYear", "maxYear")) {
            for (String raw : List.of("1799", "2101", "abc", "1990.5")) {
                c.add(bad(
                        "GET",
                        "/api/users/1/recommendations?" + name + "=" + raw,
                        null,
                        intMessage(name, 1800, 2100, raw)));
            }
        }
        c.add(bad(
                "GET",
                "/api/users/1/recommendations?minYear=2000&maxYear=1990",
                null,
                "minYear must not be after maxYear"));
        // Diversity: a number from 0 to 1, in the query and in the anonymous body.
        for (String raw : List.of("2", "-0.1", "1.0001", "abc", "NaN", "Infinity", "0x1p-1", "0.5d")) {
            c.add(bad(
                    "GET",
                    "/api/users/1/recommendations?diversity=" + raw,
                    null,
                    "diversity must be a number from 0 to 1, got '" + raw + "'"));
        }
        // POST a rating: the body.
        String ratings = "/api/users/" + USER + "/ratings";
        String ratingRange = "rating must be between 0.5 and 5.0, got ";
        String ratingNumber = "rating must be a number from 0.5 to 5.0 in steps of 0.5";
        String movieIdMessage = "movieId must be a positive integer";
        c.add(bad("POST", ratings, "{\"movieId\": 1, \"rating\": 0}", ratingRange + "0.0"));
        c.add(bad("POST", ratings, "{\"movieId\": 1, \"rating\": -1}", ratingRange + "-1.0"));
        c.add(bad("POST", ratings, "{\"movieId\": 1, \"rating\": 5.5}", ratingRange + "5.5"));
        c.add(bad("POST", ratings, "{\"movieId\": 1, \"rating\": 1e400}", ratingRange + "Infinity"));
        c.add(bad("POST", ratings, "{\"movieId\": 1, \"rating\": 4.2}", "rating must be a multiple of 0.5, got 4.2"));
        c.add(bad("POST", ratings, "{\"movieId\": 1, \"rating\": \"4\"}", ratingNumber));
        c.add(bad("POST", ratings, "{\"movieId\": 1, \"rating\": null}", ratingNumber));
        c.add(bad("POST", ratings, "{\"movieId\": 1, \"rating\": true}", ratingNumber));
        c.add(bad("POST", ratings, "{\"movieId\": 1}", ratingNumber));
        c.add(bad("POST", ratings, "{\"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{\"movieId\": \"1\", \"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{\"movieId\": 1.0, \"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{\"movieId\": 1.5, \"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{\"movieId\": 0, \"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{\"movieId\": -3, \"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{\"movieId\": 99999999999, \"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{\"movieId\": 18446744073709551617, \"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{\"movieId\": null, \"rating\": 4}", movieIdMessage));
        c.add(bad("POST", ratings, "{}", movieIdMessage));
        // Bodies that are not a JSON object.
        for (String path : List.of(ratings, "/api/recommendations")) {
            c.add(bad("POST", path, "", "request body must be a JSON object"));
            c.add(bad("POST", path, "   ", "request body must be a JSON object"));
            c.add(bad("POST", path, "[1, 2]", "request body must be a JSON object"));
            c.add(bad("POST", path, "null", "request body must be a JSON object"));
            c.add(bad("POST", path, "42", "request body must be a JSON object"));
            c.add(bad("POST", path, "\"text\"", "request body must be a JSON object"));
            c.add(bad("POST", path, "not json", "request body is not valid JSON"));
            c.add(bad("POST", path, "{\"movieId\": 1,", "request body is not valid JSON"));
            c.add(bad(
                    "POST",
                    path,
                    "{\"movieId\": 1, \"rating\": 4} trailing",
                    "request body is not valid JSON")); // accepted before a852aad
            c.add(bad("POST", path, "{\"movieId\": 1, \"rating\": 4} {}", "request body is not valid JSON"));
            c.add(bad("POST", path, "{'movieId': 1}", "request body is not valid JSON"));
            c.add(bad(
                    "POST",
                    path,
                    "[".repeat(5000) + "]".repeat(5000),
                    "request body is not valid JSON")); // nesting limit
            c.add(bad("POST", path, "{\"a\":".repeat(3000) + "1" + "}".repeat(3000), "request body is not valid JSON"));
        }
        // Anonymous recommendations: the body.
        String anon = "/api/recommendations";
        String ratingsMessage = "ratings must be an array of 1 to 100 {movieId, rating} objects";
        String kMessage = "k must be an integer from 1 to 100";
        String anonMovieId = "each rating needs a movieId that is a positive integer up to " + MAX;
        c.add(bad("POST", anon, "{}", ratingsMessage));
        c.add(bad("POST", anon, "{\"ratings\": []}", ratingsMessage));
        c.add(bad("POST", anon, "{\"ratings\": {}}", ratingsMessage));
        c.add(bad("POST", anon, "{\"ratings\": null}", ratingsMessage));
        c.add(bad("POST", anon, "{\"ratings\": \"1:5\"}", ratingsMessage));
        StringBuilder many = new StringBuilder("{\"ratings\": [");
        for (int i = 1; i <= 101; i++)
            many.append(i > 1 ? "," : "").append("{\"movieId\": ").append(i).append(", \"rating\": 4}");
        c.add(bad("POST", anon, many.append("]}").toString(), ratingsMessage));
        String one = "{\"ratings\": [{\"movieId\": 1, \"rating\": 5}]";
        for (String k : List.of("0", "101", "-1", "\"3\"", "1.5", "null", "true"))
            c.add(bad("POST", anon, one + ", \"k\": " + k + "}", kMessage));
        for (String d : List.of("2", "-0.1", "\"0.5\"", "null", "true", "1e400"))
            c.add(bad("POST", anon, one + ", \"diversity\": " + d + "}", "diversity must be a number from 0 to 1"));
        for (String v : List.of("\"\"", "\"a b\"", "42", "null", "\"" + "x".repeat(101) + "\""))
            c.add(bad(
                    "POST",
                    anon,
                    one + ", \"visitorId\": " + v + "}",
                    "visitorId must be 1 to 100 of A-Z, a-z, 0-9, '.', '_', ':' and '-'"));
        c.add(bad("POST", anon, "{\"ratings\": [1, 2]}", anonMovieId));
        c.add(bad("POST", anon, "{\"ratings\": [{\"rating\": 5}]}", anonMovieId));
        c.add(bad("POST", anon, "{\"ratings\": [{\"movieId\": \"1\", \"rating\": 5}]}", anonMovieId));
        c.add(bad("POST", anon, "{\"ratings\": [{\"movieId\": 0, \"rating\": 5}]}", anonMovieId));
        c.add(bad("POST", anon, "{\"ratings\": [{\"movieId\": 1.5, \"rating\": 5}]}", anonMovieId));
        c.add(bad("POST", anon, "{\"ratings\": [{\"movieId\": 99999999999, \"rating\": 5}]}", anonMovieId));
        c.add(bad("POST", anon, "{\"ratings\": [{\"movieId\": 18446744073709551617, \"rating\": 5}]}", anonMovieId));
        c.add(bad("POST", anon, "{\"ratings\": [{\"movieId\": 1}]}", "each rating needs a numeric rating"));
        c.add(bad(
                "POST",
                anon,
                "{\"ratings\": [{\"movieId\": 1, \"rating\": \"4\"}]}",
                "each rating needs a numeric rating"));
        c.add(bad("POST", anon, "{\"ratings\": [{\"movieId\": 1, \"rating\": 0}]}", ratingRange + "0.0"));
        c.add(bad("POST", anon, "{\"ratings\": [{\"movieId\": 1, \"rating\": 5.5}]}", ratingRange + "5.5"));
        c.add(bad(
                "POST",
                anon,
                "{\"ratings\": [{\"movieId\": 1, \"rating\": 4.2}]}",
                "rating must be a multiple of 0.5, got 4.2"));
        // Unknown movies and users.
        c.add(notFound("GET", "/api/movies/99999", null, "movie 99999 not found"));
        c.add(notFound("GET", "/api/movies/" + MAX, null, "movie " + MAX + " not found"));
        c.add(notFound("GET", "/api/movies/99999/similar", null, "movie 99999 not found"));
        c.add(notFound("GET", "/api/users/1/because/99999", null, "movie 99999 not found"));
        c.add(notFound("POST", ratings, "{\"movieId\": 99999, \"rating\": 4}", "movie 99999 not found"));
        c.add(notFound("DELETE", "/api/users/" + USER + "/ratings/99999", null, "movie 99999 not found"));
        c.add(notFound("GET", "/api/users/99999", null, "user 99999 has no ratings yet"));
        // Too large: over 64 KiB, sent with a Content-Length.
        String big = "{\"movieId\": 1, \"rating\": 4, \"pad\": \"" + "x".repeat(70_000) + "\"}";
        String tooLarge = "request body is larger than 65536 bytes";
        c.add(new Case("POST", ratings, big, 413, "payload_too_large", tooLarge));
        c.add(new Case(
                "POST",
                anon,
                "{\"ratings\": [{\"movieId\": 1, \"rating\": 5}], \"pad\": \"" + "x".repeat(70_000) + "\"}",
                413,
                "payload_too_large",
                tooLarge));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputIsA4xxWithAJsonError() throws Exception {
        OpenApiValidator api = ApiContractIT.api();
        return cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
                    Res r = call(c.method(), c.path(), c.body());
                    String what = c.method() + " " + c.path() + " -> " + OpenApiValidator.clip(r.body());
                    assertThat(r.status()).as(what).isEqualTo(c.status());
                    assertThat(r.contentType()).as(what).startsWith("application/json");
                    JsonNode json = r.json();
                    assertThat(json.path("error").asText()).as(what).isEqualTo(c.error());
                    assertThat(json.path("message").asText()).as(what).isEqualTo(c.message());
                    // The status is documented for the operation and the body is a documented Error.
                    String template = api.template(c.path().split("\\?")[0]);
                    assertThat(template).as("documented path for %s", c.path()).isNotNull();
                    assertThat(api.checkResponse(c.method(), template, r.status(), r.contentType(), r.body()))
                            .as(what)
                            .isEmpty();
                }));
    }

    /** Query syntax in the search text is only text: multi_match, never query_string, so no 400/500 from Elasticsearch. */
    @TestFactory
    Stream<DynamicTest> searchTextWithQuerySyntaxIsPlainText() throws Exception {
        OpenApiValidator api = ApiContractIT.api();
        List<String> texts = List.of(
                "title:(a OR b) AND \"",
                "*",
                "?",
                "\\",
                "/",
                "/.*/",
                "a~2",
                "toy^10",
                "[1 TO 5]",
                "{}",
                "(((",
                "\"unterminated",
                "a AND OR NOT",
                "&& || !",
                "<script>alert(1)</script>",
                "'; DROP TABLE movies; --",
                "é ü 日本 🎬",
                "%",
                "+-=&|><!(){}[]^\"~*?:\\/",
                "_all:*",
                "title.keyword:*");
        return texts.stream()
                .map(t -> DynamicTest.dynamicTest("q=" + t, () -> {
                    Res r = call("GET", "/api/movies/search?q=" + enc(t), null);
                    assertThat(r.status()).as("q=%s -> %s", t, r.body()).isEqualTo(200);
                    assertThat(api.checkResponse("GET", "/api/movies/search", 200, r.contentType(), r.body()))
                            .isEmpty();
                }));
    }

    /** A route or a method the server does not have: 404 (or 405), JSON error and message naming the path. */
    @TestFactory
    Stream<DynamicTest> unknownRoutesAndMethodsAnswerJson404() {
        List<String[]> requests = List.of(
                new String[] {"GET", "/api/nope"},
                new String[] {"GET", "/api/movies"},
                new String[] {"GET", "/api/movies/"},
                new String[] {"GET", "/api/users/1/ratings"},
                new String[] {"GET", "/api/recommendations"},
                new String[] {"GET", "/nope.html"},
                new String[] {"PUT", "/api/movies/1"},
                new String[] {"POST", "/api/movies/1"},
                new String[] {"DELETE", "/api/movies/1"},
                new String[] {"DELETE", "/api/users/1/recommendations"},
                new String[] {"PATCH", "/api/recommendations"},
                new String[] {"PUT", "/api/users/1/ratings"},
                new String[] {"OPTIONS", "/api/movies/1"},
                new String[] {"TRACE", "/api/movies/1"});
        return requests.stream()
                .map(q -> DynamicTest.dynamicTest(q[0] + " " + q[1], () -> {
                    Res r = call(
                            q[0],
                            q[1],
                            q[0].equals("GET")
                                            || q[0].equals("OPTIONS")
                                            || q[0].equals("TRACE")
                                            || q[0].equals("DELETE")
                                    ? null
                                    : "{}");
                    String what = q[0] + " " + q[1] + " -> " + r.status() + " " + OpenApiValidator.clip(r.body());
                    // Regression (fixed in 78b5fba): these answered 500 with a 404 body, because the request logger's
                    // ctx.endpointHandlerPath() threw IllegalStateException when no endpoint matched.
                    assertThat(r.status()).as(what).isIn(q[0].equals("GET") ? List.of(404) : List.of(404, 405));
                    assertThat(r.contentType()).as(what).startsWith("application/json");
                    assertThat(r.json().path("error").asText()).as(what).isNotBlank();
                    assertThat(r.json().path("message").asText()).as(what).contains(q[1].replaceAll("/$", ""));
                }));
    }

    /** HEAD of a GET route: no 5xx (200 without a body, or 404/405). */
    @Test
    void headOfAGetRouteIsNotAServerError() throws Exception {
        Res r = call("HEAD", "/api/movies/1", null);
        // Regression (fixed in 78b5fba): 500 with an empty body (HEAD matches no endpoint, then the request logger
        // threw).
        assertThat(r.status()).as("HEAD /api/movies/1").isIn(200, 404, 405);
    }

    /** The web page and its static files are served with 200, not 500. */
    @Test
    void staticFilesAre200() throws Exception {
        Res r = call("GET", "/", null);
        // Regression (fixed in 78b5fba): index.html was served with status 500 (the body was the page): no endpoint
        // matched, so the request logger's ctx.endpointHandlerPath() threw after the static file handler wrote the
        // page.
        assertThat(r.status())
                .as("GET / -> %s", OpenApiValidator.clip(r.body()))
                .isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/html");
    }

    /** The last page inside Elasticsearch's 10,000-result window is still served. */
    @Test
    void searchLastPageInsideTheResultWindowIs200() throws Exception {
        OpenApiValidator api = ApiContractIT.api();
        Res r = call("GET", "/api/movies/search?q=a&page=100&size=100", null);
        assertThat(r.status())
                .as("page=100&size=100 -> %s", OpenApiValidator.clip(r.body()))
                .isEqualTo(200);
        assertThat(api.checkResponse("GET", "/api/movies/search", 200, r.contentType(), r.body()))
                .isEmpty();
    }

    /** The 64 KiB limit holds for a chunked body too (no Content-Length). */
    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        for (String path : List.of("/api/users/" + (USER + 1) + "/ratings", "/api/recommendations")) {
            byte[] big = ("{\"movieId\": 1, \"rating\": 4, \"pad\": \"" + "x".repeat(200_000) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            HttpRequest req = HttpRequest.newBuilder(URI.create(ApiContractIT.base() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("X-API-Key", ApiFixture.localKey())
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                    .build(); // unknown length: chunked
            HttpResponse<String> r = ApiContractIT.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            // Regression (fixed in a852aad): 202, Javalin's maxRequestSize was only checked against Content-Length.
            assertThat(r.statusCode())
                    .as("chunked 200 KB body to %s -> %s", path, r.body())
                    .isEqualTo(413);
            JsonNode json = OpenApiValidator.JSON.readTree(r.body());
            assertThat(json.path("error").asText()).isEqualTo("payload_too_large");
            assertThat(json.path("message").asText()).isEqualTo("request body is larger than 65536 bytes");
        }
    }

    /** Integers beyond the documented ranges are rejected, not wrapped around. */
    @Test
    void anonymousRecommendationsRejectAnOverflowingK() throws Exception {
        // SERVER BUG: k 4294967297 (2^32 + 1) is accepted as k = 1 (JsonNode.asInt() truncates; the check needs
        // canConvertToInt() first): 200 with one recommendation.
        Res k = call(
                "POST", "/api/recommendations", "{\"ratings\": [{\"movieId\": 1, \"rating\": 5}], \"k\": 4294967297}");
        assertThat(k.status()).as("k 2^32+1 -> %s", k.body()).isEqualTo(400);
        assertThat(k.json().path("message").asText()).isEqualTo("k must be an integer from 1 to 100");
    }

    /** A malformed request that Jetty refuses before routing is still a JSON error. */
    @Test
    void malformedUriIsAJsonError() throws Exception {
        URI base = URI.create(ApiContractIT.base());
        for (String path : List.of("/api/movies/%zz", "/api/movies/%00")) {
            try (Socket s = new Socket("127.0.0.1", base.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
                String body = response.substring(response.indexOf("\r\n\r\n") + 4);
                assertThat(head).as(path).startsWith("HTTP/1.1 400");
                // Regression (fixed in a852aad): Jetty's own HTML page "<h1>Bad Message 400</h1><pre>reason: Bad
                // Request</pre>".
                assertThat(head.toLowerCase())
                        .as("GET %s -> %s", path, response)
                        .contains("content-type: application/json");
                JsonNode json = OpenApiValidator.JSON.readTree(body);
                assertThat(json.path("error").asText()).as(response).isEqualTo("bad_request");
                assertThat(json.path("message").asText()).as(response).isNotBlank();
            }
        }
    }

    // ---- fuzz ----

    static final String[] ROUTES = {
        "/api/users/{u}/recommendations",
        "/api/users/{u}",
        "/api/users/{u}/ratings",
        "/api/users/{u}/ratings/{m}",
        "/api/users/{u}/because/{m}",
        "/api/recommendations",
        "/api/movies/popular",
        "/api/movies/search",
        "/api/movies/{m}",
        "/api/movies/{m}/similar",
        "/api/health",
        "/api/metrics",
        "/api/openapi.json",
        "/api/docs",
        "/dashboard",
        "/api/dashboard/charts",
        "/api/nope",
        "/api/movies",
        "/api/users/{u}/ratings/{m}/x",
        "/api",
        "/"
    };
    /** Relative weights of ROUTES (the slow operational routes rarely). */
    static final int[] WEIGHTS = {10, 8, 10, 8, 8, 10, 8, 12, 10, 8, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1};

    static final String[] IDS = {
        "1",
        "2",
        "356",
        "3114",
        "99999",
        "0",
        "-1",
        "abc",
        "1.5",
        "99999999999",
        "2147483647",
        "2147483648",
        "%20",
        "1e3",
        "0x10",
        "+1",
        "007",
        "%C3%A9",
        "..",
        "%2F",
        "null",
        "",
        "18446744073709551617",
        "-0"
    };
    static final String[] PARAMS = {"k", "page", "size", "genre", "minYear", "maxYear", "q", "diversity", "x"};
    static final String[] VALUES = {
        "1",
        "10",
        "100",
        "0",
        "101",
        "-1",
        "x",
        "",
        " ",
        "1.5",
        "0.3",
        "1e2",
        "2000",
        "1799",
        "2101",
        "1990",
        "500",
        "501",
        "99999999999",
        "Animation",
        "Comedy",
        "toy story",
        "title:(a OR b) AND \"",
        "*",
        "\\",
        "é",
        "<b>",
        "%",
        "a".repeat(60),
        "b".repeat(250),
        "null",
        "true",
        "[]",
        "{}"
    };

    /**
     * About 3000 random requests (fixed seed, at most 60 s): random routes, ids, query parameters, bodies and methods.
     * Never a 5xx; every non-2xx (but the documented 302 of /api/docs) is JSON with error and message; a documented
     * operation answers a documented status with a body matching its schema.
     */
    @Tag("fuzz")
    @Test
    void fuzz() throws Exception {
        OpenApiValidator api = ApiContractIT.api();
        Random rnd = new Random(20_261_124L);
        long deadline = System.nanoTime() + 60_000_000_000L;
        Map<String, List<String>> failures = new TreeMap<>(); // kind of failure -> examples
        Map<Integer, Integer> statuses = new TreeMap<>();
        int sent = 0;
        for (int i = 0; i < 3000 && System.nanoTime() < deadline; i++) {
            String route = ROUTES[weighted(rnd)];
            // Mostly the route's own method (to reach the handlers), else any method.
            String method = rnd.nextInt(10) < 7
                    ? ownMethod(route)
                    : pick(rnd, new String[] {
                        "GET", "POST", "POST", "DELETE", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"
                    });
            boolean write = (method.equals("POST") || method.equals("DELETE")) && route.contains("/ratings");
            String path = route.replace("{u}", userId(rnd, write)).replace("{m}", segment(rnd));
            StringBuilder query = new StringBuilder();
            int n = rnd.nextInt(4);
            for (int j = 0; j < n; j++) {
                query.append(j == 0 ? "?" : "&")
                        .append(pick(rnd, PARAMS))
                        .append('=')
                        .append(enc(pick(rnd, VALUES)));
            }
            if (route.equals("/api/movies/search") && rnd.nextInt(3) > 0)
                query.append(query.length() == 0 ? "?" : "&").append("q=").append(enc(pick(rnd, VALUES)));
            String body = method.equals("POST") || method.equals("PUT") || method.equals("PATCH") ? body(rnd) : null;
            String url = path + query;
            String template = api.template(path);
            boolean documented =
                    template != null && !api.operation(method, template).isMissingNode();
            String op = documented ? method + " " + template : "unrouted " + method;
            Res r;
            try {
                r = call(method, url, body);
            } catch (Exception e) {
                fail(
                        failures,
                        "no answer (" + e.getClass().getSimpleName() + ") on " + op,
                        method + " " + url + ": " + e.getMessage());
                continue;
            }
            sent++;
            statuses.merge(r.status(), 1, Integer::sum);
            String example = method + " " + url + (body == null ? "" : " body " + clip(body, 80)) + " -> " + r.status()
                    + " " + clip(r.body(), 160);
            if (r.status() >= 500) {
                fail(failures, r.status() + " on " + op, example);
                continue;
            }
            if (method.equals("HEAD")) continue; // no body to check
            boolean redirect = r.status() == 302 && route.equals("/api/docs") && method.equals("GET");
            if (r.status() >= 300 && !redirect) {
                JsonNode json = null;
                try {
                    json = OpenApiValidator.JSON.readTree(r.body());
                } catch (Exception ignored) {
                    // reported below
                }
                if (json == null
                        || !json.path("error").isTextual()
                        || !json.path("message").isTextual()) {
                    fail(failures, r.status() + " without a JSON {error, message} body on " + op, example);
                    continue;
                }
            }
            if (documented) {
                List<String> problems = api.checkResponse(method, template, r.status(), r.contentType(), r.body());
                if (!problems.isEmpty())
                    fail(failures, "not as documented: " + op + " " + r.status(), example + "\n        " + problems);
            }
        }
        System.out.printf("[fuzz] %d requests, statuses %s, %d kinds of failure%n", sent, statuses, failures.size());
        assertThat(sent).as("requests sent within the time budget").isGreaterThanOrEqualTo(300);
        if (!failures.isEmpty()) {
            StringBuilder report = new StringBuilder("fuzz: " + sent + " requests, statuses " + statuses
                    + "; failures by kind (count, first examples):");
            failures.forEach((k, v) -> {
                report.append("\n  ").append(k).append(" (").append(v.size()).append(")");
                v.stream().limit(3).forEach(e -> report.append("\n      e.g. ").append(e));
            });
            org.junit.jupiter.api.Assertions.fail(report.toString());
        }
    }

    private static void fail(Map<String, List<String>> failures, String kind, String example) {
        failures.computeIfAbsent(kind, k -> new ArrayList<>()).add(example);
    }

    private static String clip(String s, int max) {
        String t = s == null ? "null" : s.replaceAll("[\\r\\n]+", " ");
        return t.length() > max ? t.substring(0, max) + "..." : t;
    }

    static String ownMethod(String route) {
        if (route.endsWith("/ratings") || route.equals("/api/recommendations")) return "POST";
        return route.endsWith("/ratings/{m}") ? "DELETE" : "GET";
    }

    static int weighted(Random rnd) {
        int total = 0;
        for (int w : WEIGHTS) total += w;
        int x = rnd.nextInt(total);
        for (int i = 0; i < WEIGHTS.length; i++) {
            x -= WEIGHTS[i];
            if (x < 0) return i;
        }
        return 0;
    }

    /** A user id segment; a valid one for a write is always in the fuzz's own range (no other test's users). */
    static String userId(Random rnd, boolean write) {
        if (rnd.nextInt(3) == 0) return String.valueOf(USER + 100 + rnd.nextInt(1000));
        String s = segment(rnd);
        if (write && s.matches("\\+?0*[1-9][0-9]{0,9}")) return String.valueOf(USER + 100 + rnd.nextInt(1000));
        return s;
    }

    static String segment(Random rnd) {
        return rnd.nextInt(4) == 0 ? String.valueOf(1 + rnd.nextInt(200_000)) : pick(rnd, IDS);
    }

    static String body(Random rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> "";
            case 1 -> "not json {";
            case 2 -> "{\"movieId\": " + pick(rnd, IDS_JSON) + ", \"rating\": " + pick(rnd, RATINGS_JSON) + "}";
            case 3 ->
                "{\"ratings\": [{\"movieId\": " + pick(rnd, IDS_JSON) + ", \"rating\": " + pick(rnd, RATINGS_JSON)
                        + "}], \"k\": " + pick(rnd, IDS_JSON) + "}";
            case 4 -> "[" + randomJson(rnd, 0) + "]";
            case 5 ->
                rnd.nextInt(10) == 0
                        ? "{\"pad\": \"" + "x".repeat(70_000) + "\"}"
                        : "{\"pad\": \"" + "x".repeat(rnd.nextInt(2000)) + "\"}";
            case 6 -> "[".repeat(rnd.nextInt(3000)) + "]".repeat(rnd.nextInt(3000));
            case 7 -> {
                byte[] b = new byte[rnd.nextInt(200)];
                rnd.nextBytes(b);
                yield new String(b, StandardCharsets.ISO_8859_1);
            }
            default -> randomObject(rnd, 0);
        };
    }

    static final String[] IDS_JSON = {
        "1",
        "2",
        "356",
        "99999",
        "0",
        "-1",
        "1.5",
        "\"1\"",
        "null",
        "true",
        "99999999999",
        "18446744073709551617",
        "1e3",
        "[]",
        "{}",
        "2147483647",
        "4294967297"
    };
    static final String[] RATINGS_JSON = {
        "0.5", "1", "4", "4.5", "5", "0", "5.5", "4.2", "-1", "\"4\"", "null", "1e400", "NaN", "[]"
    };
    static final String[] KEYS = {
        "movieId", "rating", "ratings", "k", "q", "userId", "", "movieId", "rating", "ratings", "diversity"
    };

    static String randomObject(Random rnd, int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',');
            b.append('"').append(pick(rnd, KEYS)).append("\":").append(randomJson(rnd, depth + 1));
        }
        return b.append('}').toString();
    }

    static String randomJson(Random rnd, int depth) {
        if (depth > 3) return pick(rnd, IDS_JSON);
        return switch (rnd.nextInt(6)) {
            case 0 -> randomObject(rnd, depth);
            case 1 -> {
                StringBuilder b = new StringBuilder("[");
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) b.append(i > 0 ? "," : "").append(randomJson(rnd, depth + 1));
                yield b.append(']').toString();
            }
            case 2 -> pick(rnd, RATINGS_JSON);
            default -> pick(rnd, IDS_JSON);
        };
    }

    static <T> T pick(Random rnd, T[] a) {
        return a[rnd.nextInt(a.length)];
    }
}
