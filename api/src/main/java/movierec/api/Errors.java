package movierec.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import movierec.es.StoreUnavailable;
import movierec.kafka.QueueUnavailable;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error answer: one JSON shape {@code {"error": ..., "message": ...}} written by Jackson, chosen by the type of
 * the failure, which is named where it is known — {@link BadQuery} and the other {@link ApiError}s in the handlers,
 * {@link StoreUnavailable} at each Elasticsearch call, {@link QueueUnavailable} where Kafka's acknowledgement is
 * awaited. Anything else is a bug: 500, logged.
 */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    static void register(Javalin app) {
        app.exception(ApiError.class, (e, ctx) -> write(ctx, e.status(), e.error(), e.getMessage()));
        app.exception(
                StoreUnavailable.class,
                (e, ctx) -> write(ctx, 503, "unavailable", "Elasticsearch is unavailable; try again shortly"));
        app.exception(
                QueueUnavailable.class,
                (e, ctx) -> write(
                        ctx,
                        503,
                        "unavailable",
                        "Kafka is unavailable: the rating was not accepted; try again shortly"));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 413)
                write(
                        ctx,
                        413,
                        "payload_too_large",
                        "request body is larger than " + ApiServer.MAX_BODY_BYTES + " bytes");
            else write(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage());
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            write(ctx, 500, "internal", "unexpected error; see the API log");
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty())
                write(ctx, 404, "not_found", "no such resource: " + ctx.path());
        });
        app.error(405, ctx -> write(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
    }

    static void write(Context ctx, int status, String error, String message) {
        ctx.status(status).json(body(error, message));
    }

    static Map<String, Object> body(String error, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        return body;
    }

    /** Requests Jetty rejects before routing (a malformed URI, bad headers) get the same JSON, not Jetty's HTML page. */
    static final class BeforeRouting extends ErrorHandler {
        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            try {
                return ByteBuffer.wrap(ApiServer.JSON.writeValueAsBytes(body(
                        "bad_request",
                        "malformed request" + (reason == null ? "" : ": " + reason.replace("\"", "'")))));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e); // a map of two strings always serialises
            }
        }
    }
}
