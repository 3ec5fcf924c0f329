package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Level;
import movierec.es.EsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web pages in a real browser (Debian's headless Chromium through its chromedriver), against the whole stack of
 * {@link ApiFixture}: rate movies on the home page and watch the recommendations change, the dashboard draws every
 * chart, also in other time zones, and the API docs list the endpoints. Screenshots go to {@code target/home.png},
 * {@code target/dashboard.png}, {@code target/dashboard-America-New_York.png}, {@code target/dashboard-Asia-Tokyo.png}
 * and {@code target/docs.png}.
 * Chromium and chromedriver are required: {@code apt-get install -y chromium chromium-driver}. Without them the tests
 * fail; they are never skipped.
 */
class BrowserIT {
    static final String CHROMIUM = System.getProperty("it.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("it.chromedriver", "/usr/bin/chromedriver");
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final long USER = 777001;

    static String base;
    static Path profileDir;
    WebDriver driver;

    @BeforeAll
    static void stack() throws Exception {
        assertThat(new File(CHROMIUM))
                .as("Chromium is required for the browser tests: apt-get install -y chromium chromium-driver"
                        + " (or -Dit.chromium=/path/to/chromium)")
                .canRead();
        assertThat(new File(CHROMEDRIVER).canExecute())
                .as("chromedriver is required for the browser tests: apt-get install -y"
                        + " chromium-driver (or -Dit.chromedriver=/path/to/chromedriver); missing: " + CHROMEDRIVER)
                .isTrue();
        base = ApiFixture.baseUrl(); // the whole stack, once per run
    }

    /** Starts Chromium; env reaches it through chromedriver, which it inherits (TZ sets the browser's time zone). */
    void browser(Map<String, String> env) throws IOException {
        profileDir = Files.createTempDirectory("movierec-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(
                CHROMIUM); // with the binary and the driver given, Selenium Manager resolves (downloads) nothing
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-extensions",
                "--window-size=1280,1000",
                "--user-data-dir=" + profileDir);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withEnvironment(env)
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterEach
    void close() {
        if (driver != null) driver.quit();
        deleteQuietly(profileDir);
    }

    @AfterAll
    static void done() {
        deleteQuietly(profileDir);
    }

    @Test
    void searchRateAndSeeRecommendationsChange() throws Exception {
        browser(Map.of());
        driver.get(base + "/");
        assertThat(driver.getTitle()).isEqualTo("movierec");
        assertThat(driver.findElement(By.cssSelector("a[href='/dashboard']")).isDisplayed())
                .isTrue();
        assertThat(driver.findElement(By.cssSelector("a[href='/api/docs']")).isDisplayed())
                .isTrue();
        waitFor(30, "recommendations of the default user 1", d -> !recIds().isEmpty());
        assertThat(driver.findElement(By.id("user-id")).getAttribute("value")).isEqualTo("1");

        // a fresh user: popular picks, and a profile that says "new user"
        WebElement userId = driver.findElement(By.id("user-id"));
        userId.clear();
        userId.sendKeys(String.valueOf(USER));
        driver.findElement(By.id("load-user")).click();
        waitFor(
                30,
                "user " + USER + " loaded",
                d -> text("profile").contains("User " + USER)
                        && !recIds().isEmpty()
                        && text("status").contains("User " + USER + " loaded"));
        assertThat(text("profile")).contains("new user");
        List<String> before = recIds();
        assertThat(before).hasSize(10);
        assertThat(driver.findElements(By.cssSelector("#recs li .reason"))).hasSize(10);
        assertThat(driver.findElement(By.id("recs-updated")).isDisplayed()).isFalse();

        // search, then rate the first three Animation results 5.0
        driver.findElement(By.id("search-q")).sendKeys("toy story");
        driver.findElement(By.id("search-go")).click();
        waitFor(
                30,
                "search results for 'toy story'",
                d -> !d.findElements(By.cssSelector("#search-results li[data-movie-id]"))
                        .isEmpty());
        List<WebElement> results = driver.findElements(By.cssSelector("#search-results li[data-movie-id]"));
        assertThat(results.get(0).getText()).containsIgnoringCase("toy story");
        List<WebElement> toRate = new ArrayList<>();
        for (WebElement li : results)
            if (li.getAttribute("data-genres").contains("Animation") && toRate.size() < 3) toRate.add(li);
        assertThat(toRate)
                .as("Animation movies among the results for 'toy story'")
                .hasSize(3);
        List<String> rated = new ArrayList<>();
        for (WebElement li : toRate) {
            new Select(li.findElement(By.cssSelector(".rate-value"))).selectByValue("5.0");
            li.findElement(By.cssSelector(".rate-go")).click();
            waitFor(
                    15,
                    "rating of movie " + li.getAttribute("data-movie-id") + " accepted",
                    d -> !li.findElements(By.cssSelector(".your-rating")).isEmpty()
                            || text("status").startsWith("Rating:"));
            assertThat(li.findElements(By.cssSelector(".your-rating")))
                    .as("rating accepted; status line: " + text("status"))
                    .hasSize(1);
            assertThat(li.findElement(By.cssSelector(".your-rating")).getText()).isEqualTo("you: 5.0");
            rated.add(li.getAttribute("data-movie-id"));
        }

        // similar movies of the first result, in their own panel
        results.get(0).findElement(By.cssSelector(".similar-go")).click();
        waitFor(
                30,
                "similar movies",
                d -> !d.findElements(By.cssSelector("#similar li[data-movie-id]"))
                        .isEmpty());
        assertThat(driver.findElements(By.cssSelector("#similar li[data-movie-id]")))
                .hasSizeBetween(1, 8);
        assertThat(text("similar-title")).contains("Similar to");

        // the page polls: the list changes once the stream job has folded the ratings into the user's vector
        waitFor(60, "the recommendations to change after the ratings", d -> {
            List<String> now = recIds();
            return now.size() == 10 && !now.equals(before);
        });
        assertThat(driver.findElement(By.id("recs-updated")).isDisplayed()).isTrue();
        assertThat(text("recs-updated")).startsWith("updated");
        // and, once all three ratings are in, the profile counts them and the list leaves the rated movies out
        waitFor(60, "the profile to count 3 ratings", d -> text("profile").contains("3 ratings"));
        waitFor(
                30,
                "recommendations without the rated movies",
                d -> recIds().stream().noneMatch(rated::contains));
        assertThat(driver.findElements(By.cssSelector("#recs li .reason"))
                        .get(0)
                        .getText())
                .startsWith("because you rated");
        fullPage();
        screenshot("home.png");

        // "Not interested" on the top recommendation: the list shown next leaves it out
        String dismissed = recIds().get(0);
        driver.findElement(By.cssSelector("#recs li .dismiss-go")).click();
        waitFor(15, "the dismissed movie to leave the list", d -> !recIds().contains(dismissed));
        assertThat(text("status")).contains("will not be recommended to you again");

        // API errors show their JSON message in the status line
        driver.findElement(By.id("search-q")).clear();
        driver.findElement(By.id("search-q")).sendKeys("x".repeat(201)); // longer than the API accepts: 400
        driver.findElement(By.id("search-go")).click();
        waitFor(
                10,
                "the API's error message in the status line",
                d -> text("status").startsWith("Search:"));
        assertThat(text("status")).contains("q must be at most 200 characters").contains("400");
        assertThat(driver.findElement(By.id("status")).getAttribute("class")).contains("error");

        assertNoSevereConsoleErrors();
    }

    /** Marks of a chart: bars and areas are paths; a chart whose field is unknown everywhere still draws its note. */
    static final String MARKS = "svg g.role-mark path, svg g.role-mark text";

    @Test
    void dashboardRendersEveryChart() throws Exception {
        ApiFixture.servedAndReported();
        browser(Map.of());
        JsonNode specs = JSON.readTree(get("/api/dashboard/charts"));
        assertThat(specs.isArray()).isTrue();
        assertThat(specs.size()).isGreaterThanOrEqualTo(8);
        List<String> ids = new ArrayList<>();
        specs.forEach(s -> ids.add("chart-" + s.path("usermeta").path("id").asText()));

        driver.get(base + "/dashboard");
        assertThat(driver.getTitle()).contains("dashboard");
        waitForEveryChart(specs.size());
        List<String> shown = new ArrayList<>();
        for (WebElement c : driver.findElements(By.cssSelector("#charts .chart"))) {
            shown.add(c.getAttribute("id"));
            assertThat(c.getSize().getWidth())
                    .as(c.getAttribute("id") + " width")
                    .isGreaterThan(300);
            assertThat(c.findElements(By.cssSelector(MARKS)).size())
                    .as(c.getAttribute("id") + " marks")
                    .isPositive();
        }
        assertThat(shown).containsExactlyElementsOf(ids);
        assertThat(driver.findElements(By.cssSelector(".chart-error"))).isEmpty();

        // Charts over a field only the collectors fill say how many movies have it, counted here in Elasticsearch.
        long all = count("movies", "{\"match_all\": {}}");
        assertThat(chartText("chart-language-distribution"))
                .contains(String.format(
                        Locale.ROOT,
                        "language known for %,d of %,d movies",
                        count("movies", "{\"exists\": {\"field\": \"language\"}}"),
                        all));
        assertThat(chartText("chart-top-voted-movies"))
                .contains(String.format(
                        Locale.ROOT,
                        "vote count known for %,d of %,d movies",
                        count("movies", "{\"range\": {\"vote_count\": {\"gt\": 0}}}"),
                        all));

        waitFor(15, "the refresh status", d -> text("status").startsWith(specs.size() + " charts"));
        fullPage();
        screenshot("dashboard.png");
        assertNoSevereConsoleErrors();
    }

    /**
     * Elasticsearch buckets dates by UTC day, month and year, and the page must label them so in any time zone: west of
     * UTC a local time unit turns 1995-01-01Z into 1994, east of UTC a local time scale starts the axis a year late.
     * The first label of each time axis must be the UTC year (month) of the earliest date in the index.
     */
    @ParameterizedTest
    @ValueSource(strings = {"America/New_York", "Asia/Tokyo"})
    void dashboardLabelsTimeInUtcWhateverTheBrowsersTimeZone(String timeZone) throws Exception {
        ApiFixture.servedAndReported();
        browser(Map.of("TZ", timeZone));
        int charts = JSON.readTree(get("/api/dashboard/charts")).size();
        driver.get(base + "/dashboard");
        assertThat(((JavascriptExecutor) driver)
                        .executeScript("return Intl.DateTimeFormat().resolvedOptions().timeZone"))
                .as("the browser's time zone")
                .isEqualTo(timeZone);
        waitForEveryChart(charts);

        String firstYear = String.valueOf(earliest("movies", "release_date").getYear());
        ZonedDateTime firstRating = earliest("ratings", "timestamp");
        String firstMonth = String.format(Locale.ROOT, "%d-%02d", firstRating.getYear(), firstRating.getMonthValue());
        List<String> years = xAxisLabels("chart-movies-by-release-year");
        List<String> months = xAxisLabels("chart-ratings-per-month");
        System.out.printf(
                "[it] %s: release years %s ... %s, months %s ... %s%n",
                timeZone, years.get(0), years.get(years.size() - 1), months.get(0), months.get(months.size() - 1));
        assertThat(years).as("release-year labels in %s", timeZone).first().isEqualTo(firstYear);
        assertThat(months).as("month labels in %s", timeZone).first().isEqualTo(firstMonth);

        fullPage();
        screenshot("dashboard-" + timeZone.replace('/', '-') + ".png");
        assertNoSevereConsoleErrors();
    }

    @Test
    void docsPageListsEndpoints() throws Exception {
        browser(Map.of());
        driver.get(base + "/api/docs");
        assertThat(driver.getCurrentUrl()).endsWith("/docs.html");
        List<String> expected = List.of(
                "/api/health",
                "/api/users/{userId}/recommendations",
                "/api/users/{userId}",
                "/api/users/{userId}/ratings",
                "/api/movies/search",
                "/api/movies/{movieId}/similar");
        waitFor(
                30,
                "the OpenAPI operations listed",
                d -> !d.findElements(By.cssSelector(".opblock-summary-path")).isEmpty());
        Set<String> paths = new TreeSet<>();
        for (WebElement p : driver.findElements(By.cssSelector(".opblock-summary-path"))) {
            String path = p.getAttribute("data-path");
            paths.add((path != null && !path.isEmpty() ? path : p.getText()).replace("\u200b", ""));
        }
        assertThat(paths).containsAll(expected);
        String page = driver.findElement(By.tagName("body")).getText().replace("\u200b", "");
        for (String p : expected) assertThat(page).contains(p);
        assertThat(page).contains("GET").contains("POST");
        screenshot("docs.png");
        assertNoSevereConsoleErrors();
    }

    // ---- helpers ----

    void waitForEveryChart(int count) {
        waitFor(90, "every chart drawn with marks", d -> {
            List<WebElement> charts = d.findElements(By.cssSelector("#charts .chart"));
            if (charts.size() != count) return false;
            for (WebElement c : charts) {
                if (c.findElements(By.cssSelector(MARKS)).isEmpty()) return false;
            }
            return true;
        });
    }

    /** The x-axis labels a reader sees, left to right (Vega hides the ones that would overlap with opacity 0). */
    @SuppressWarnings("unchecked")
    List<String> xAxisLabels(String chartId) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("""
        const axis = [...document.querySelectorAll('#' + arguments[0] + ' g.role-axis')]
            .find(a => (a.getAttribute('aria-label') || '').startsWith('X-axis'));
        return [...axis.querySelectorAll('g.role-axis-label text')]
            .filter(t => t.getAttribute('opacity') !== '0').map(t => t.textContent);""", chartId);
    }

    String chartText(String chartId) {
        List<String> texts = new ArrayList<>();
        for (WebElement t : driver.findElements(By.cssSelector("#" + chartId + " svg text"))) texts.add(t.getText());
        return String.join("\n", texts);
    }

    /** POST to the test stack's Elasticsearch, straight (not through the API whose output is under test). */
    static JsonNode es(String path, String body) throws Exception {
        HttpResponse<String> r = EsClients.http(ApiFixture.config())
                .send(
                        HttpRequest.newBuilder(URI.create(ApiFixture.config().esUrl() + path))
                                .header("Content-Type", "application/json")
                                .header(
                                        "Authorization",
                                        EsClients.authorization(ApiFixture.config())
                                                .orElseThrow())
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static long count(String index, String query) throws Exception {
        return es("/" + ApiFixture.config().index(index) + "/_count", "{\"query\": " + query + "}")
                .path("count")
                .asLong();
    }

    /** The earliest value of a date field, in UTC. */
    static ZonedDateTime earliest(String index, String field) throws Exception {
        JsonNode min = es(
                        "/" + ApiFixture.config().index(index) + "/_search",
                        "{\"size\": 0, \"aggs\": {\"min\": {\"min\": {\"field\": \"" + field + "\"}}}}")
                .path("aggregations")
                .path("min");
        assertThat(min.path("value").isNumber())
                .as("min(%s) of %s: %s", field, index, min)
                .isTrue();
        return Instant.ofEpochMilli(min.path("value").asLong()).atZone(ZoneOffset.UTC);
    }

    List<String> recIds() {
        try {
            List<String> out = new ArrayList<>();
            for (WebElement li : driver.findElements(By.cssSelector("#recs li[data-movie-id]")))
                out.add(li.getAttribute("data-movie-id"));
            return out;
        } catch (StaleElementReferenceException e) {
            return List.of(); // re-rendered while being read: the caller asks again
        }
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    void waitFor(int seconds, String what, Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(250))
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> what + "; status line: '" + safeText("status") + "'")
                .until(condition);
    }

    String safeText(String id) {
        try {
            return text(id);
        } catch (RuntimeException e) {
            return "(none)";
        }
    }

    void fullPage() {
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        Number h = (Number) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(1280, Math.min(4000, h.intValue() + 40)));
    }

    void screenshot(String name) throws IOException {
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Files.copy(
                ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(),
                out,
                StandardCopyOption.REPLACE_EXISTING);
        System.out.println("[it] screenshot " + out.toAbsolutePath());
    }

    /** Console errors, less the 404s the API answers by design (a new user has no profile; bad input in the test). */
    void assertNoSevereConsoleErrors() {
        List<String> severe = new ArrayList<>();
        try {
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                if (e.getLevel().intValue() < Level.SEVERE.intValue()) continue;
                String m = e.getMessage();
                if (m.contains("Failed to load resource")
                        && m.contains("/api/")
                        && (m.contains("status of 404") || m.contains("status of 400"))) continue;
                severe.add(m);
            }
        } catch (RuntimeException unsupported) {
            System.out.println("[it] browser console logs unavailable: " + unsupported.getMessage());
            return;
        }
        assertThat(severe).as("severe browser console messages").isEmpty();
    }

    static String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return r.body();
    }

    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory
        }
    }
}
