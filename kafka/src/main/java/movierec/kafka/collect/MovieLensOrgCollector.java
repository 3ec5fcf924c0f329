package movierec.kafka.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import movierec.common.Genres;
import movierec.common.Languages;
import movierec.common.MovieEvent;

/**
 * Collects movies from movielens.org's (unpublished) web API: logs in with {@code POST /api/sessions}, keeps the
 * session cookie, then pages {@code GET /api/movies/explore?page=N}, resuming after the page in the cursor file.
 * Responses are wrapped as {@code {"status":"success","data":{...}}}.
 *
 * <p>Events use MovieLens ids ({@code movieId}), the same id space as the bundled MovieLens data, so ratings join.
 * The user name and password are never logged or put into a message.
 */
public final class MovieLensOrgCollector {
    public static final String DEFAULT_BASE_URL = "https://movielens.org";
    public static final String SOURCE = "movielens";

    static final String MISSING_CREDENTIALS = "set MOVIELENS_USERNAME and MOVIELENS_PASSWORD";
    static final String LOGIN_FAILED = "movielens.org login failed: check MOVIELENS_USERNAME/MOVIELENS_PASSWORD";

    /** MovieLens pseudo-genres that rightly map to no genre: not reported as unknown. */
    private static final Set<String> NOT_GENRES = Set.of("IMAX", "(no genres listed)");

    /** English language name (lower case) -> ISO 639-1 code, the form TMDB's original_language uses. */
    private static final Map<String, String> LANGUAGE_CODES = languageCodes();

    private final String baseUrl;
    private final String userName;
    private final String password;
    private final Path cursorFile;
    private final CookieManager cookies = new CookieManager();
    private final RetryingHttp http;

    /**
     * @param baseUrl    null for {@link #DEFAULT_BASE_URL}
     * @param cursorFile holds the last page produced; null to always start at page 1 and remember nothing
     */
    public MovieLensOrgCollector(
            String baseUrl, String userName, String password, Path cursorFile, RetryingHttp.Policy retry) {
        this.userName = TmdbCollector.blankToNull(userName);
        // A password is taken as is: leading/trailing spaces may be part of it.
        this.password = password == null || password.isEmpty() ? null : password;
        if (this.userName == null || this.password == null) throw new CollectException(MISSING_CREDENTIALS);
        this.baseUrl = TmdbCollector.baseUrl(baseUrl, DEFAULT_BASE_URL);
        this.cursorFile = cursorFile;
        // The CookieManager stores the session cookie set by the login and sends it with every later request.
        HttpClient client = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.http = new RetryingHttp(client, retry, this.userName, this.password);
    }

    public MovieLensOrgCollector(String baseUrl, String userName, String password, Path cursorFile) {
        this(baseUrl, userName, password, cursorFile, RetryingHttp.Policy.DEFAULT);
    }

    /** Credentials from {@code MOVIELENS_USERNAME} / {@code MOVIELENS_PASSWORD}. */
    public static MovieLensOrgCollector fromEnvironment(String baseUrl, Path cursorFile) {
        return fromEnvironment(System.getenv(), baseUrl, cursorFile, RetryingHttp.Policy.DEFAULT);
    }

    static MovieLensOrgCollector fromEnvironment(
            Map<String, String> env, String baseUrl, Path cursorFile, RetryingHttp.Policy retry) {
        return new MovieLensOrgCollector(
                baseUrl, env.get("MOVIELENS_USERNAME"), env.get("MOVIELENS_PASSWORD"), cursorFile, retry);
    }

    /**
     * Logs in, then produces pages after the cursor until the pager's {@code totalPages}, an empty page, or
     * {@code maxPages} pages in this run. Prints one line per page to {@code progress}.
     *
     * @throws CollectException on a failed login, a page that cannot be fetched or parsed (the cursor then stays at the
     *                          last page fully produced), or a failed flush
     */
    public CollectSummary collect(MovieSink sink, int maxPages, PrintStream progress) {
        return PagedRun.run(
                SOURCE, cursorFile, Integer.MAX_VALUE, maxPages, this::login, this::fetchPage, sink, progress);
    }

    private void login() {
        String what = "movielens.org login";
        ObjectNode body =
                JsonFields.MAPPER.createObjectNode().put("userName", userName).put("password", password);
        HttpRequest request = RetryingHttp.request(URI.create(baseUrl + "/api/sessions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response = http.send(request, what);
        int status = response.statusCode();
        if (status == 401 || status == 403) throw new CollectException(LOGIN_FAILED);
        if (status / 100 != 2) {
            throw new CollectException(
                    http.redact(what + ": HTTP " + status + " " + TmdbCollector.snippet(response.body())));
        }
        JsonNode root;
        try {
            root = JsonFields.parse(response.body(), what);
        } catch (CollectException e) {
            throw new CollectException(LOGIN_FAILED); // an unreadable answer is not a session we can trust
        }
        if (!"success".equals(root.path("status").asText())) {
            String said = root.path("message").asText("");
            throw new CollectException(
                    http.redact(LOGIN_FAILED + (said.isEmpty() ? "" : " (movielens.org said: " + said + ")")));
        }
        if (cookies.getCookieStore().getCookies().isEmpty()) {
            throw new CollectException(what + ": movielens.org sent no session cookie");
        }
    }

    private PagedRun.Page fetchPage(int page) {
        String what = "movielens.org page " + page;
        HttpRequest request = RetryingHttp.request(URI.create(baseUrl + "/api/movies/explore?page=" + page))
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, what);
        int status = response.statusCode();
        if (status != 200) {
            String hint = status == 401 || status == 403 ? " (session not accepted)" : "";
            throw new CollectException(http.redact(what + ": HTTP " + status + hint + " "
                    + TmdbCollector.snippet(response.body()) + " (GET " + RetryingHttp.maskUrl(request.uri()) + ")"));
        }
        JsonNode root;
        try {
            root = JsonFields.parse(response.body(), what);
        } catch (CollectException e) {
            throw new CollectException(http.redact(e.getMessage()));
        }
        if (!"success".equals(root.path("status").asText())) {
            throw new CollectException(http.redact(what + ": movielens.org answered status '"
                            + root.path("status").asText() + "' "
                            + root.path("message").asText(""))
                    .trim());
        }
        JsonNode data = root.get("data");
        JsonNode results = data == null ? null : data.get("searchResults");
        if (results == null || !results.isArray()) {
            throw new CollectException(what + ": unexpected response: no 'data.searchResults' array");
        }
        Integer total;
        try {
            JsonNode pager = data.get("pager");
            total = pager == null || !pager.isObject() ? null : JsonFields.intValue(pager, "totalPages");
        } catch (IllegalArgumentException e) {
            throw new CollectException(what + ": unexpected response: pager." + e.getMessage());
        }
        List<PagedRun.Item> items = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        int index = 0;
        for (JsonNode r : results) {
            index++;
            items.add(map(r, "result #" + index, unknown));
        }
        return new PagedRun.Page(total, items, unknown);
    }

    /** One search result -> a movie event; popularity has no MovieLens counterpart and stays null. */
    private static PagedRun.Item map(JsonNode r, String label, Set<String> unknownGenres) {
        if (!r.isObject()) return PagedRun.Item.bad(label, "not a JSON object");
        if (r.path("movieId").isIntegralNumber())
            label = "movie " + r.get("movieId").asLong();
        JsonNode movie = r.get("movie");
        if (movie == null || !movie.isObject()) return PagedRun.Item.bad(label, "no 'movie' object");
        try {
            Long id = JsonFields.longValue(movie, "movieId");
            if (id == null) id = JsonFields.longValue(r, "movieId");
            if (id != null) label = "movie " + id;
            List<String> genreNames = JsonFields.strings(movie, "genres");
            List<String> languages = JsonFields.strings(movie, "languages");
            List<String> directors = JsonFields.strings(movie, "directors");
            Double avgRating = JsonFields.doubleValue(movie, "avgRating");
            MovieEvent m = new MovieEvent(
                    id,
                    JsonFields.text(movie, "title"),
                    JsonFields.text(movie, "plotSummary"),
                    genreIds(genreNames, unknownGenres),
                    languages == null || languages.isEmpty() ? null : languageCode(languages.get(0)),
                    JsonFields.text(movie, "releaseDate"),
                    // MovieLens rates 0.5-5 stars; events use TMDB's 0-10 scale, so double it.
                    avgRating == null ? null : avgRating * 2,
                    JsonFields.longValue(movie, "numRatings"),
                    null,
                    JsonFields.text(movie, "posterPath"),
                    JsonFields.intValue(movie, "runtime"),
                    directors == null || directors.isEmpty() ? null : TmdbCollector.blankToNull(directors.get(0)),
                    JsonFields.longValue(movie, "tmdbMovieId"),
                    SOURCE);
            return new PagedRun.Item(label, m, null);
        } catch (IllegalArgumentException e) {
            return PagedRun.Item.bad(label, e.getMessage());
        }
    }

    /**
     * MovieLens genre names -> TMDB ids via {@link Genres#fromMovieLens}; a name it does not know is tried as a TMDB
     * genre name too ("Science Fiction", "Family"...), in case the site spells it TMDB's way. Other names are reported.
     */
    static List<Integer> genreIds(List<String> names, Set<String> unknown) {
        if (names == null) return null;
        List<Integer> ids = new ArrayList<>();
        for (String name : names) {
            List<Integer> found = new ArrayList<>(Genres.fromMovieLens(name));
            if (found.isEmpty()) {
                Genres.TMDB.forEach((id, tmdbName) -> {
                    if (tmdbName.equalsIgnoreCase(name.trim())) found.add(id);
                });
            }
            if (found.isEmpty() && !NOT_GENRES.contains(name.trim())) unknown.add(name);
            for (Integer id : found) if (!ids.contains(id)) ids.add(id);
        }
        return ids;
    }

    /**
     * An English language name -> ISO 639-1 code, or null. Only the first listed language is mapped: it is the
     * original one; falling through to the next would state a wrong original language.
     */
    static String languageCode(String name) {
        return name == null ? null : LANGUAGE_CODES.get(name.trim().toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> languageCodes() {
        Map<String, String> codes = new HashMap<>();
        // The JDK lists retired codes next to current ones (iw/he, in/id, ji/yi); TMDB uses the current ones.
        Set<String> retired = Set.of("iw", "in", "ji");
        for (String code : Locale.getISOLanguages()) {
            if (retired.contains(code)) continue;
            String name = Languages.name(code); // the same names common uses for code -> name, so the two agree
            if (name != null) codes.putIfAbsent(name.toLowerCase(Locale.ROOT), code);
        }
        // TMDB's own codes (see Languages.name), and Mandarin, which TMDB files under "zh".
        codes.put("cantonese", "cn");
        codes.put("no language", "xx");
        codes.put("mandarin", "zh");
        return Map.copyOf(codes);
    }
}
