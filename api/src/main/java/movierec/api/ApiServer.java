package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import movierec.common.Events;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.es.ModelCache;
import movierec.kafka.EventProducer;
import movierec.kafka.LocalKafka;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API and the web page. Routes are declared in {@link #routes}; handlers are small and call
 * the recommendation units ({@link PersonalRecommendations}, {@link SimilarMovies}, ...: Elasticsearch) or the {@link EventProducer} (Kafka). Every error is JSON
 * {@code {"error": ..., "message": ...}}: 4xx for bad input, 503 when Elasticsearch or Kafka is down. {@link ApiAuth}
 * runs before every handler: API keys, rate limits, scopes.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  static final long MAX_BODY_BYTES = 64 * 1024;
  static final ObjectMapper JSON = new ObjectMapper();

  private final MovierecConfig config;
  private final ElasticsearchClient es;
  private final EventProducer producer;
  private final ModelCache models;
  private final Movies movies;
  private final UserProfiles users;
  private final PopularMovies popular;
  private final PersonalRecommendations personal;
  private final SimilarMovies similar;
  private final MovieSearch search;
  private final Explanations explanations;
  private final DashboardCharts charts;
  private final Metrics metrics = new Metrics();
  private final ApiAuth auth;
  private Javalin app;

  public ApiServer(MovierecConfig config) {
    this.config = config;
    this.es = EsClients.create(config);
    // Short Kafka timeouts: a POST waits for the broker's acknowledgement, and an outage must answer 503 quickly.
    this.producer = new EventProducer(config, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000",
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000",
        ProducerConfig.LINGER_MS_CONFIG, "0"));
    this.models = new ModelCache(es, config);
    models.current(); // load the model (if any) before the first request
    this.movies = new Movies(es, config);
    this.users = new UserProfiles(es, config);
    this.popular = new PopularMovies(es, config);
    this.explanations = new Explanations(users, models);
    this.personal = new PersonalRecommendations(es, config, models, users, popular, explanations);
    this.similar = new SimilarMovies(es, config, models);
    this.search = new MovieSearch(es, config);
    this.charts = new DashboardCharts(config);
    this.auth = new ApiAuth(new ApiKeys(es, config), config, metrics);
  }

  public static void main(String[] args) {
    MovierecConfig config = MovierecConfig.load();
    ApiServer server = new ApiServer(config);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    server.start(config.get("api.host"), config.getInt("api.port"));
    LOG.info("API and web page on http://{}:{}/", config.get("api.host"), server.port());
  }

  public ApiServer start(String host, int port) {
    app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.http.maxRequestSize = MAX_BODY_BYTES;
      cfg.jetty.defaultHost = host;
      // Requests Jetty rejects before routing (a malformed URI, bad headers) get JSON too, not its HTML page.
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new org.eclipse.jetty.server.handler.ErrorHandler() {
        @Override
        public java.nio.ByteBuffer badMessageError(int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
          fields.put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
          String message = "malformed request" + (reason == null ? "" : ": " + reason.replace("\"", "'"));
          return java.nio.ByteBuffer.wrap(("{\"error\":\"bad_request\",\"message\":\"" + message + "\"}")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }));
      cfg.useVirtualThreads = false;
      cfg.jsonMapper(new JavalinJackson(JSON, false));
      cfg.staticFiles.add(sf -> {
        sf.hostedPath = "/";
        sf.directory = "/web";
        sf.location = Location.CLASSPATH;
      });
      cfg.requestLogger.http((ctx, ms) -> metrics.record(ctx.method().name(), route(ctx), ctx.statusCode(), ms / 1000.0));
    });
    // before, not beforeMatched: Javalin 6.7's beforeMatched stage asks Jetty's resource handler about every path that
    // matches no route, and that throws (a 500) on alias paths such as /api/users/../ratings.
    app.before(auth);
    routes(app);
    errors(app);
    app.start(port);
    return this;
  }

  public int port() { return app.port(); }

  /**
   * The route template for metrics ("/api/movies/{movieId}"); static files and unmatched paths are grouped, and so are
   * requests {@link ApiAuth} refused, which end before Javalin matches a route.
   */
  private static String route(Context ctx) {
    if (ApiAuth.refused(ctx)) return "refused";
    try {
      String path = ctx.endpointHandlerPath();
      return path.isEmpty() ? "unmatched" : path;
    } catch (IllegalStateException servedAsStaticFile) {
      return "static";
    }
  }

  /** Every route, in one place. */
  private void routes(Javalin app) {
    app.get("/api/health", this::health);
    app.get("/api/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.render()));
    app.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(resource("/web/openapi.json")));
    app.get("/api/docs", ctx -> ctx.redirect("/docs.html"));
    app.get("/api/local-key", ctx -> LocalKey.serve(ctx, config));
    app.get("/dashboard", ctx -> ctx.contentType("text/html").result(resource("/web/dashboard.html")));
    app.get("/api/dashboard/charts", ctx -> ctx.json(charts.all()));

    app.get("/api/users/{userId}/recommendations", this::recommendations);
    app.get("/api/users/{userId}", this::user);
    app.post("/api/users/{userId}/ratings", this::rate);
    app.delete("/api/users/{userId}/ratings/{movieId}", this::unrate);
    app.get("/api/users/{userId}/because/{movieId}", this::because);
    app.post("/api/recommendations", this::anonymous);

    app.get("/api/movies/popular", this::popular);
    app.get("/api/movies/search", this::search);
    app.get("/api/movies/{movieId}", this::movie);
    app.get("/api/movies/{movieId}/similar", this::similar);
  }

  private void errors(Javalin app) {
    app.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.error(), e.getMessage()));
    app.exception(HttpResponseException.class, (e, ctx) -> {
      if (e.getStatus() == 413) error(ctx, 413, "payload_too_large", "request body is larger than " + MAX_BODY_BYTES + " bytes");
      else error(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage());
    });
    app.exception(Exception.class, (e, ctx) -> {
      if (unavailable(e)) {
        error(ctx, 503, "unavailable", "Elasticsearch is unavailable; try again shortly");
      } else {
        LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal", "unexpected error; see the API log");
      }
    });
    app.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) error(ctx, 404, "not_found", "no such resource: " + ctx.path());
    });
    app.error(405, ctx -> error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
  }

  private static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof TransportException) return true;
      if (t instanceof ElasticsearchException ee && (ee.status() >= 500 || ee.status() == 429)) return true;
    }
    return false;
  }

  private static void error(Context ctx, int status, String error, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("message", message);
    ctx.status(status).json(body);
  }

  // ---- handlers ----

  private void health(Context ctx) {
    var esHealth = EsClients.health(es);
    boolean kafka = LocalKafka.reachable(config, 2);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", esHealth != null && kafka ? "ok" : "degraded");
    body.put("elasticsearch", esHealth == null ? "unreachable" : esHealth.jsonValue());
    body.put("kafka", kafka ? "ok" : "unreachable");
    body.put("model", models.current().version());
    ctx.status(esHealth != null && kafka ? 200 : 503).json(body);
  }

  private void recommendations(Context ctx) throws IOException {
    long userId = Params.id(ctx, "userId");
    int k = Params.intQuery(ctx, "k", 10, 1, 100);
    Integer minYear = Params.optionalInt(ctx, "minYear", 1800, 2100);
    Integer maxYear = Params.optionalInt(ctx, "maxYear", 1800, 2100);
    if (minYear != null && maxYear != null && minYear > maxYear) throw ApiError.badRequest("minYear must not be after maxYear");
    var filters = new Filters(Params.optionalText(ctx, "genre", 50), minYear, maxYear);
    ctx.json(Map.of("userId", userId, "items", personal.forUser(userId, k, filters)));
  }

  private void user(Context ctx) throws IOException {
    long userId = Params.id(ctx, "userId");
    UserProfiles.Profile p = users.profile(userId);
    if (p == null) throw ApiError.notFound("user " + userId + " has no ratings yet");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("userId", userId);
    body.put("ratingCount", p.doc().get("rating_count"));
    body.put("ratingAvg", p.doc().get("rating_avg"));
    body.put("topGenres", p.topGenres());
    body.put("hasVector", p.vector() != null);
    List<Map<String, Object>> recent = new java.util.ArrayList<>();
    int n = 0;
    for (UserProfiles.Rating r : users.ratings(userId)) {
      if (n++ >= 20) break;
      Map<String, Object> m = new LinkedHashMap<>();
      Map<String, Object> movie = movies.get(r.movieId());
      m.put("movieId", r.movieId());
      m.put("title", movie == null ? null : movie.get("title"));
      m.put("rating", r.rating());
      m.put("timestamp", r.timestamp());
      recent.add(m);
    }
    body.put("recentRatings", recent);
    ctx.json(body);
  }

  private void rate(Context ctx) throws Exception {
    long userId = Params.id(ctx, "userId");
    JsonNode body = jsonBody(ctx);
    JsonNode movieNode = body.get("movieId");
    JsonNode ratingNode = body.get("rating");
    if (movieNode == null || !movieNode.isIntegralNumber() || !movieNode.canConvertToLong() || movieNode.asLong() <= 0
        || movieNode.asLong() > Integer.MAX_VALUE) {
      throw ApiError.badRequest("movieId must be a positive integer");
    }
    if (ratingNode == null || !ratingNode.isNumber()) throw ApiError.badRequest("rating must be a number from 0.5 to 5.0 in steps of 0.5");
    String invalid = Events.validateRating(ratingNode.asDouble());
    if (invalid != null) throw ApiError.badRequest(invalid);
    long movieId = movieNode.asLong();
    if (movies.get(movieId) == null) throw ApiError.notFound("movie " + movieId + " not found");
    // The key's name is the rating's source (and a Kafka header): every rating says which client wrote it.
    String client = ApiAuth.key(ctx).name();
    RatingEvent event = RatingEvent.of(userId, movieId, ratingNode.asDouble(), System.currentTimeMillis(), client);
    send(() -> producer.sendRating(event, client));
    ctx.status(202).json(Map.of("eventId", event.eventId(), "status", "accepted"));
  }

  private void unrate(Context ctx) throws Exception {
    long userId = Params.id(ctx, "userId");
    long movieId = Params.id(ctx, "movieId");
    if (movies.get(movieId) == null) throw ApiError.notFound("movie " + movieId + " not found");
    String client = ApiAuth.key(ctx).name();
    RatingEvent event = RatingEvent.retraction(userId, movieId, System.currentTimeMillis(), client);
    send(() -> producer.sendRating(event, client));
    ctx.status(202).json(Map.of("eventId", event.eventId(), "status", "accepted"));
  }

  private void send(java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> send) {
    try {
      send.get().get(6, TimeUnit.SECONDS);
    } catch (ApiError e) {
      throw e;
    } catch (Exception e) {
      throw ApiError.unavailable("Kafka is unavailable: the rating was not accepted; try again shortly");
    }
  }

  private void because(Context ctx) throws IOException {
    long userId = Params.id(ctx, "userId");
    long movieId = Params.id(ctx, "movieId");
    int k = Params.intQuery(ctx, "k", 5, 1, 100);
    if (movies.get(movieId) == null) throw ApiError.notFound("movie " + movieId + " not found");
    ctx.json(Map.of("userId", userId, "movieId", movieId, "items", explanations.because(userId, movieId, k)));
  }

  private void anonymous(Context ctx) throws IOException {
    JsonNode body = jsonBody(ctx);
    JsonNode ratings = body.get("ratings");
    if (ratings == null || !ratings.isArray() || ratings.isEmpty() || ratings.size() > 100) {
      throw ApiError.badRequest("ratings must be an array of 1 to 100 {movieId, rating} objects");
    }
    int k = 10;
    if (body.has("k")) {
      JsonNode kn = body.get("k");
      if (!kn.isIntegralNumber() || !kn.canConvertToInt() || kn.asInt() < 1 || kn.asInt() > 100) throw ApiError.badRequest("k must be an integer from 1 to 100");
      k = kn.asInt();
    }
    Map<Long, Double> given = new LinkedHashMap<>();
    for (JsonNode r : ratings) {
      JsonNode m = r.get("movieId");
      JsonNode v = r.get("rating");
      if (m == null || !m.isIntegralNumber() || !m.canConvertToLong() || m.asLong() <= 0 || m.asLong() > Integer.MAX_VALUE) {
        throw ApiError.badRequest("each rating needs a movieId that is a positive integer up to " + Integer.MAX_VALUE);
      }
      if (v == null || !v.isNumber()) throw ApiError.badRequest("each rating needs a numeric rating");
      String invalid = Events.validateRating(v.asDouble());
      if (invalid != null) throw ApiError.badRequest(invalid);
      given.put(m.asLong(), v.asDouble());
    }
    ctx.json(Map.of("items", personal.forRatings(given, k)));
  }

  private void popular(Context ctx) throws IOException {
    int k = Params.intQuery(ctx, "k", 10, 1, 100);
    ctx.json(Map.of("items", popular.popular(Params.optionalText(ctx, "genre", 50), k)));
  }

  private void search(Context ctx) throws IOException {
    String q = Params.optionalText(ctx, "q", 200);
    if (q == null) throw ApiError.badRequest("q is required: the text to search for");
    int page = Params.intQuery(ctx, "page", 1, 1, 500);
    int size = Params.intQuery(ctx, "size", 10, 1, 100);
    if ((long) page * size > 10_000) throw ApiError.badRequest("page × size must not exceed 10000 (Elasticsearch's result window)");
    ctx.json(search.search(q, Params.optionalText(ctx, "genre", 50), page, size));
  }

  private void movie(Context ctx) throws IOException {
    long movieId = Params.id(ctx, "movieId");
    Map<String, Object> m = movies.get(movieId);
    if (m == null) throw ApiError.notFound("movie " + movieId + " not found");
    ctx.json(m);
  }

  private void similar(Context ctx) throws IOException {
    long movieId = Params.id(ctx, "movieId");
    int k = Params.intQuery(ctx, "k", 10, 1, 100);
    var items = similar.similar(movieId, k);
    if (items == null) throw ApiError.notFound("movie " + movieId + " not found");
    ctx.json(Map.of("movieId", movieId, "items", items));
  }

  private static JsonNode jsonBody(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    // Content-Length is checked by Jetty; a chunked body has none, so check what actually arrived.
    if (bytes.length > MAX_BODY_BYTES) throw new ApiError(413, "payload_too_large", "request body is larger than " + MAX_BODY_BYTES + " bytes");
    String raw = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    if (raw.isBlank()) throw ApiError.badRequest("request body must be a JSON object");
    try {
      JsonNode n = JSON.readerFor(JsonNode.class).with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(raw);
      if (n == null || !n.isObject()) throw ApiError.badRequest("request body must be a JSON object");
      return n;
    } catch (IOException e) {
      throw ApiError.badRequest("request body is not valid JSON");
    }
  }

  static String resource(String path) {
    try (var in = ApiServer.class.getResourceAsStream(path)) {
      if (in == null) throw ApiError.notFound("no such resource: " + path);
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (app != null) app.stop();
    producer.close();
    try {
      es.close();
    } catch (IOException ignored) {
      // shutting down
    }
  }
}
