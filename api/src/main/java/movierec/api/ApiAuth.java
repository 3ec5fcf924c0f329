package movierec.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Locale;
import movierec.common.MovierecConfig;

/**
 * The before-handler of every request: who is calling (an API key in {@code Authorization: Bearer} or
 * {@code X-API-Key}), whether their bucket has a token, whether their key's scope covers the request ({@link Access}).
 * A presented key that does not verify is refused everywhere, so a client never runs with a broken key unnoticed.
 * Messages name the key's name at most, never the key.
 */
final class ApiAuth implements Handler {
    private static final String KEY = "movierec.apiKey";
    private static final String REFUSED = "movierec.refused";

    private final ApiKeys keys;
    private final RateLimits limits;
    private final Metrics metrics;
    private final boolean readsClosed;

    ApiAuth(ApiKeys keys, MovierecConfig config, Metrics metrics) {
        this.keys = keys;
        this.limits = new RateLimits(config);
        this.metrics = metrics;
        this.readsClosed = Boolean.parseBoolean(config.get("api.auth.read"));
    }

    /** True when this handler answered the request (401, 403 or 429). */
    static boolean refused(Context ctx) {
        return ctx.attribute(REFUSED) != null;
    }

    /** The verified key of this request, or null when it came without one. */
    static ApiKey key(Context ctx) {
        return ctx.attribute(KEY);
    }

    @Override
    public void handle(Context ctx) throws Exception {
        String presented = presentedKey(ctx);
        ApiKey key = presented == null ? null : keys.verify(presented);
        if (presented != null && key == null) {
            // Failed attempts spend the address's tokens: guessing is rate limited, and so are the lookups it causes.
            limit(ctx, limits.takeForAddress(ctx.ip()), "address");
            refuse(
                    ctx,
                    401,
                    "unauthorized",
                    "unknown or revoked API key: send a valid key as 'Authorization: Bearer KEY' or"
                            + " 'X-API-Key: KEY' (./movierec keys list shows the keys, ./movierec keys create makes one)");
        }
        if (key != null) limit(ctx, limits.takeForKey(key.id()), "key");
        else limit(ctx, limits.takeForAddress(ctx.ip()), "address");
        Scope needed = Access.required(ctx.method().name(), ctx.path(), readsClosed);
        if (needed != null && key == null) {
            refuse(
                    ctx,
                    401,
                    "unauthorized",
                    "this request needs an API key with scope " + needed.label()
                            + ": send it as 'Authorization: Bearer KEY'"
                            + " or 'X-API-Key: KEY' (create one with ./movierec keys create --name NAME --scope "
                            + needed.label() + ")");
        }
        if (needed != null && !key.scope().allows(needed)) {
            refuse(
                    ctx,
                    403,
                    "forbidden",
                    "API key '" + key.name() + "' has scope " + key.scope().label() + "; this request needs "
                            + needed.label() + ": use a key with scope " + needed.label()
                            + (needed == Scope.ADMIN ? "" : " or higher"));
        }
        if (key != null) ctx.attribute(KEY, key);
    }

    /** The key from the headers; "" (never verifies) for an Authorization header of another scheme. */
    private static String presentedKey(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && !auth.isBlank()) {
            return auth.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? auth.substring(7).trim()
                    : "";
        }
        String header = ctx.header("X-API-Key");
        return header == null || header.isBlank() ? null : header.trim();
    }

    private void limit(Context ctx, long retryAfterSeconds, String bucket) {
        if (retryAfterSeconds == 0) return;
        metrics.rateLimited(bucket);
        ctx.attribute(REFUSED, true);
        RateLimits.Limit l = bucket.equals("key") ? limits.perKey() : limits.perAddress();
        ctx.header("Retry-After", String.valueOf(retryAfterSeconds));
        throw new ApiError(
                429,
                "rate_limited",
                String.format(
                        Locale.ROOT,
                        "too many requests for this %s (%d a second, bursts of %d): retry after %d s",
                        bucket.equals("key") ? "API key" : "client address",
                        l.perSecond(),
                        l.burst(),
                        retryAfterSeconds));
    }

    private void refuse(Context ctx, int status, String error, String message) {
        metrics.authRefused(status);
        ctx.attribute(REFUSED, true);
        if (status == 401) ctx.header("WWW-Authenticate", "Bearer realm=\"movierec\"");
        throw new ApiError(status, error, message);
    }
}
