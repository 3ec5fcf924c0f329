package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.ModelCache;
import movierec.kafka.EventProducer;
import movierec.kafka.LocalKafka;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API and the web page. Every route is declared in {@link #routes}; the handlers ({@link UserRoutes},
 * {@link MovieRoutes}) are small and call one recommendation unit each ({@link PersonalRecommendations},
 * {@link SimilarMovies}, ...: Elasticsearch) or the {@link EventProducer} (Kafka). {@link Errors} maps failures to
 * JSON errors: 4xx for bad input, 503 when Elasticsearch or Kafka is down. {@link ApiAuth} runs before every handler:
 * API keys, rate limits, scopes.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final long MAX_BODY_BYTES = 64 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();

    private final MovierecConfig config;
    private final ElasticsearchClient es;
    private final EventProducer producer;
    private final ModelCache models;
    private final UserRoutes users;
    private final StreamProgress progress;
    private final MovieRoutes movies;
    private final DashboardCharts charts;
    private final ImpressionLog impressions;
    private final Metrics metrics = new Metrics();
    private final ApiAuth auth;
    private Javalin app;

    public ApiServer(MovierecConfig configured) {
        MovierecConfig config = configured.with(Map.of("identity", "api"));
        this.config = config;
        this.es = EsClients.create(config);
        // Short Kafka timeouts: a POST waits for the broker's acknowledgement, and an outage must answer 503 quickly.
        this.producer = new EventProducer(
                config,
                Map.of(
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        "3000",
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        "3000",
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        "5000",
                        ProducerConfig.LINGER_MS_CONFIG,
                        "0"));
        this.models = new ModelCache(es, config);
        models.current(); // load the model (if any) before the first request
        Movies movieLookup = new Movies(es, config);
        UserProfiles profiles = new UserProfiles(es, config);
        PopularMovies popular = new PopularMovies(es, config);
        Explanations explanations = new Explanations(profiles, models);
        PersonalRecommendations personal =
                new PersonalRecommendations(es, config, models, profiles, popular, explanations);
        this.progress = new StreamProgress(es, config);
        this.impressions = new ImpressionLog(config);
        this.users = new UserRoutes(
                personal,
                profiles,
                movieLookup,
                explanations,
                producer,
                progress,
                impressions,
                new Serving(es, config),
                config.getInt("api.after.wait.ms"));
        this.movies = new MovieRoutes(
                popular,
                new MovieSearch(es, config),
                movieLookup,
                new SimilarMovies(es, config, models),
                profiles,
                impressions,
                models);
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
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new Errors.BeforeRouting()));
            // With a keystore the API listens on HTTPS only: Javalin adds its plain connector only when none is set.
            if (!config.get("api.tls.keystore").isEmpty()) {
                cfg.jetty.addConnector((server, http) -> httpsConnector(server, http, host, port));
            }
            cfg.useVirtualThreads = false;
            cfg.jsonMapper(new JavalinJackson(JSON, false));
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
            });
            cfg.requestLogger.http(
                    (ctx, ms) -> metrics.record(ctx.method().name(), route(ctx), ctx.statusCode(), ms / 1000.0));
        });
        // before, not beforeMatched: Javalin 6.7's beforeMatched stage asks Jetty's resource handler about every path
        // that
        // matches no route, and that throws (a 500) on alias paths such as /api/users/../ratings.
        app.before(auth);
        routes(app);
        Errors.register(app);
        app.start(port);
        return this;
    }

    /** An HTTPS connector with the certificate in {@code api.tls.keystore} (PKCS#12 or JKS). */
    private ServerConnector httpsConnector(Server server, HttpConfiguration http, String host, int port) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(
                config.home().resolve(config.get("api.tls.keystore")).toString());
        tls.setKeyStorePassword(config.get("api.tls.keystore.password"));
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector c = new ServerConnector(
                server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
        c.setHost(host);
        c.setPort(port);
        return c;
    }

    public int port() {
        return app.port();
    }

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
        app.get(
                "/api/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4")
                        .result(metrics.render() + progress.renderPrometheus() + impressions.renderPrometheus()));
        app.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(resource("/web/openapi.json")));
        app.get("/api/docs", ctx -> ctx.redirect("/docs.html"));
        app.get("/api/local-key", ctx -> LocalKey.serve(ctx, config));
        app.get("/dashboard", ctx -> ctx.contentType("text/html").result(resource("/web/dashboard.html")));
        app.get("/api/dashboard/charts", ctx -> ctx.json(charts.all()));

        app.get("/api/users/{userId}/recommendations", users::recommendations);
        app.get("/api/users/{userId}", users::user);
        app.delete("/api/users/{userId}", users::erase);
        app.get("/api/users/{userId}/erasure", users::erasure);
        app.post("/api/users/{userId}/ratings", users::rate);
        app.delete("/api/users/{userId}/ratings/{movieId}", users::unrate);
        app.post("/api/users/{userId}/dismissals", users::dismiss);
        app.delete("/api/users/{userId}/dismissals/movies/{movieId}", users::undismissMovie);
        app.delete("/api/users/{userId}/dismissals/genres/{genre}", users::undismissGenre);
        app.get("/api/users/{userId}/because/{movieId}", users::because);
        app.post("/api/recommendations", users::anonymous);

        app.get("/api/movies/popular", movies::popular);
        app.get("/api/movies/search", movies::search);
        app.get("/api/movies/{movieId}", movies::movie);
        app.get("/api/movies/{movieId}/similar", movies::similar);
    }

    /** 200 when Elasticsearch and Kafka answer, else 503; the model served, and why the last check for a newer one failed. */
    private void health(Context ctx) {
        var esHealth = EsClients.health(es);
        boolean kafka = LocalKafka.reachable(config, 2);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", esHealth != null && kafka ? "ok" : "degraded");
        body.put("elasticsearch", esHealth == null ? "unreachable" : esHealth.jsonValue());
        body.put("kafka", kafka ? "ok" : "unreachable");
        body.put("model", models.current().version());
        if (models.lastFailure() != null) body.put("modelError", models.lastFailure());
        ctx.status(esHealth != null && kafka ? 200 : 503).json(body);
    }

    static String resource(String path) {
        try (var in = ApiServer.class.getResourceAsStream(path)) {
            if (in == null) throw ApiError.notFound("no such resource: " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (app != null) app.stop();
        models.close();
        producer.close();
        impressions.close();
        try {
            es.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }
}
