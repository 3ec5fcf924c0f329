package movierec.kafka.collect;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import movierec.common.MovieEvent;

/**
 * Collects TMDB's popular movies ({@code GET /3/movie/popular?page=N}) into movie events, page by page, resuming after
 * the page stored in the cursor file.
 *
 * <p>The popular list shifts while it is paged, so a movie may appear on two pages or be missed until the next run;
 * a repeat is harmless because events are keyed by movie id and the topic keeps the latest per key.
 *
 * <p>Authentication is a v4 read token ({@code Authorization: Bearer}) or a v3 API key ({@code api_key} parameter);
 * the token wins when both are given because it stays out of URLs. Neither is ever logged or put into a message.
 */
public final class TmdbCollector {
    public static final String DEFAULT_BASE_URL = "https://api.themoviedb.org";
    /** TMDB answers page > 500 with an error, however large {@code total_pages} is. */
    public static final int MAX_PAGE = 500;

    public static final String SOURCE = "tmdb";

    static final String MISSING_CREDENTIALS = "set TMDB_API_KEY or TMDB_TOKEN";
    static final String REJECTED_CREDENTIALS = "TMDB rejected the credentials (401): check TMDB_API_KEY/TMDB_TOKEN";

    private final String baseUrl;
    private final String apiKey;
    private final String token;
    private final Path cursorFile;
    private final RetryingHttp http;
    /** Genre id -> name as TMDB serves it, loaded at the start of each run; used to report ids we cannot name. */
    private Map<Integer, String> genres = Map.of();

    /**
     * @param baseUrl     null for {@link #DEFAULT_BASE_URL}
     * @param apiKey      v3 API key, or null
     * @param bearerToken v4 read access token, or null; preferred over {@code apiKey}
     * @param cursorFile  holds the last page produced; null to always start at page 1 and remember nothing
     */
    public TmdbCollector(
            String baseUrl, String apiKey, String bearerToken, Path cursorFile, RetryingHttp.Policy retry) {
        this.apiKey = blankToNull(apiKey);
        this.token = blankToNull(bearerToken);
        if (this.apiKey == null && this.token == null) throw new CollectException(MISSING_CREDENTIALS);
        this.baseUrl = baseUrl(baseUrl, DEFAULT_BASE_URL);
        this.cursorFile = cursorFile;
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.http = new RetryingHttp(client, retry, this.apiKey, this.token);
    }

    public TmdbCollector(String baseUrl, String apiKey, String bearerToken, Path cursorFile) {
        this(baseUrl, apiKey, bearerToken, cursorFile, RetryingHttp.Policy.DEFAULT);
    }

    /** Credentials from {@code TMDB_API_KEY} / {@code TMDB_TOKEN}; throws "set TMDB_API_KEY or TMDB_TOKEN" if neither. */
    public static TmdbCollector fromEnvironment(String baseUrl, Path cursorFile) {
        return fromEnvironment(System.getenv(), baseUrl, cursorFile, RetryingHttp.Policy.DEFAULT);
    }

    static TmdbCollector fromEnvironment(
            Map<String, String> env, String baseUrl, Path cursorFile, RetryingHttp.Policy retry) {
        return new TmdbCollector(baseUrl, env.get("TMDB_API_KEY"), env.get("TMDB_TOKEN"), cursorFile, retry);
    }

    /**
     * Loads the genre list, then produces pages after the cursor until {@code total_pages}, page {@value #MAX_PAGE},
     * an empty page, or {@code maxPages} pages in this run. Prints one line per page to {@code progress}.
     *
     * @throws CollectException on bad credentials, a page that cannot be fetched or parsed (the cursor then stays at the
     *                          last page fully produced), or a failed flush
     */
    public CollectSummary collect(MovieSink sink, int maxPages, PrintStream progress) {
        return PagedRun.run(SOURCE, cursorFile, MAX_PAGE, maxPages, this::loadGenres, this::fetchPage, sink, progress);
    }

    /** The genre table as last loaded from TMDB (empty before {@link #collect}). */
    public Map<Integer, String> genres() {
        return genres;
    }

    private void loadGenres() {
        String what = "TMDB genre list";
        JsonNode root = get("/3/genre/movie/list", what);
        JsonNode list = root.get("genres");
        if (list == null || !list.isArray())
            throw new CollectException(what + ": unexpected response: no 'genres' array");
        Map<Integer, String> loaded = new LinkedHashMap<>();
        for (JsonNode g : list) {
            try {
                Integer id = JsonFields.intValue(g, "id");
                if (id != null) loaded.put(id, JsonFields.text(g, "name"));
            } catch (IllegalArgumentException e) {
                throw new CollectException(what + ": unexpected response: " + e.getMessage());
            }
        }
        genres = Map.copyOf(loaded);
    }

    private PagedRun.Page fetchPage(int page) {
        String what = "TMDB page " + page;
        JsonNode root = get("/3/movie/popular?page=" + page, what);
        JsonNode results = root.get("results");
        if (results == null || !results.isArray())
            throw new CollectException(what + ": unexpected response: no 'results' array");
        Integer total;
        try {
            total = JsonFields.intValue(root, "total_pages");
        } catch (IllegalArgumentException e) {
            throw new CollectException(what + ": unexpected response: " + e.getMessage());
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

    /** One TMDB result -> a movie event; fields TMDB's list does not carry (runtime, director) stay null. */
    private PagedRun.Item map(JsonNode r, String label, Set<String> unknownGenres) {
        if (!r.isObject()) return PagedRun.Item.bad(label, "not a JSON object");
        try {
            Long id = JsonFields.longValue(r, "id");
            if (id != null) label = "movie " + id;
            List<Integer> genreIds = JsonFields.ints(r, "genre_ids");
            if (genreIds != null) {
                for (Integer g : genreIds) if (!genres.containsKey(g)) unknownGenres.add(String.valueOf(g));
            }
            MovieEvent m = new MovieEvent(
                    id,
                    JsonFields.text(r, "title"),
                    JsonFields.text(r, "overview"),
                    genreIds,
                    JsonFields.text(r, "original_language"),
                    JsonFields.text(r, "release_date"),
                    JsonFields.doubleValue(r, "vote_average"),
                    JsonFields.longValue(r, "vote_count"),
                    JsonFields.doubleValue(r, "popularity"),
                    JsonFields.text(r, "poster_path"),
                    null,
                    null,
                    id,
                    SOURCE);
            return new PagedRun.Item(label, m, null);
        } catch (IllegalArgumentException e) {
            return PagedRun.Item.bad(label, e.getMessage());
        }
    }

    private JsonNode get(String pathAndQuery, String what) {
        String url = baseUrl + pathAndQuery;
        if (token == null) {
            url += (url.contains("?") ? "&" : "?") + "api_key=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8);
        }
        HttpRequest.Builder b = RetryingHttp.request(URI.create(url)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpRequest request = b.build();
        HttpResponse<String> response = http.send(request, what);
        int status = response.statusCode();
        // 401 is not worth retrying: the same credentials will be rejected again.
        if (status == 401) throw new CollectException(REJECTED_CREDENTIALS);
        if (status != 200) {
            throw new CollectException(http.redact(what + ": HTTP " + status + " " + snippet(response.body()) + " (GET "
                    + RetryingHttp.maskUrl(request.uri()) + ")"));
        }
        try {
            return JsonFields.parse(response.body(), what);
        } catch (CollectException e) {
            throw new CollectException(http.redact(e.getMessage())); // the parser quotes the body; keep secrets out
        }
    }

    static String snippet(String body) {
        if (body == null) return "";
        String s = body.replaceAll("\\s+", " ").trim();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    static String baseUrl(String given, String fallback) {
        String s = blankToNull(given) == null ? fallback : given.trim();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
