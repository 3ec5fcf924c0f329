package movierec.kafka.collect;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * Sends requests with the retry rules both collectors share: 429 waits for {@code Retry-After}, 5xx and network errors
 * back off exponentially, and after {@link Policy#maxAttempts()} a {@link CollectException} names what was fetched and
 * the last status. Any other status (2xx, 401, 404...) is returned for the caller to interpret.
 *
 * <p>Every message it builds is passed through {@link #redact}: the credentials given to the constructor are replaced
 * and {@code api_key} is stripped from URLs, so a secret cannot leak into a log or a terminal.
 */
public final class RetryingHttp {
    /** Sleeps between attempts; tests pass one that only records the delay. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * @param maxAttempts attempts per request, the first included
     * @param baseDelay   back-off before the 2nd attempt; doubled before each further one
     * @param maxDelay    no single wait is longer, not even one asked for by {@code Retry-After}, so a bad header cannot
     *                    hang a run for hours
     */
    public record Policy(int maxAttempts, Duration baseDelay, Duration maxDelay, Sleeper sleeper) {
        /** 5 attempts, waits 1, 2, 4, 8 s: rides out a short outage or TMDB's ~50 requests/s rate limit. */
        public static final Policy DEFAULT =
                new Policy(5, Duration.ofSeconds(1), Duration.ofSeconds(60), RetryingHttp::sleep);

        public Policy {
            if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
            Objects.requireNonNull(baseDelay);
            Objects.requireNonNull(maxDelay);
            Objects.requireNonNull(sleeper);
        }

        /** The wait before attempt {@code failedAttempt + 1}: base * 2^(failedAttempt-1), capped. No jitter: one client. */
        Duration backoff(int failedAttempt) {
            Duration d = baseDelay.multipliedBy(1L << Math.min(failedAttempt - 1, 30));
            return d.compareTo(maxDelay) > 0 ? maxDelay : d;
        }
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final Policy policy;
    private final List<String> secrets;

    /** @param secrets values that must never appear in a message (API key, token, password, user name); nulls ignored */
    public RetryingHttp(HttpClient client, Policy policy, String... secrets) {
        this.client = client;
        this.policy = policy;
        this.secrets = java.util.Arrays.stream(secrets)
                .filter(s -> s != null && !s.isEmpty())
                .toList();
    }

    /** A GET/POST builder with the timeout and JSON accept header every call uses. */
    public static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
    }

    /**
     * Sends {@code request}, retrying 429, 5xx and network errors.
     *
     * @param what names the request in error messages, e.g. "TMDB page 3"
     * @return the first response that is neither 429 nor 5xx
     */
    public HttpResponse<String> send(HttpRequest request, String what) {
        String last = null;
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<String> response =
                        client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status != 429 && status < 500) return response;
                last = "HTTP " + status;
                // 429 and 503 may say how long to wait; otherwise back off.
                Duration asked = retryAfter(response);
                wait = asked != null ? asked : policy.backoff(attempt);
            } catch (IOException e) {
                // Not chained as a cause: a cause's message is printed with the stack trace and is not redacted.
                last = "network error " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage());
                wait = policy.backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CollectException(redact(what + ": interrupted"));
            }
            if (attempt >= policy.maxAttempts()) {
                throw new CollectException(redact(what + ": giving up after " + attempt + " attempts, last " + last
                        + " (" + request.method() + " " + maskUrl(request.uri()) + ")"));
            }
            if (wait.compareTo(policy.maxDelay()) > 0) wait = policy.maxDelay();
            try {
                policy.sleeper().sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CollectException(redact(what + ": interrupted"));
            }
        }
    }

    /** {@code Retry-After} as seconds or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value == null || value.isBlank()) return null;
        value = value.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(
                        ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }

    /** The URL without its {@code api_key} query parameter. */
    public static String maskUrl(URI uri) {
        String s = uri.toString();
        // Drop "api_key=..." with the '&' before or after it, then a dangling '?'.
        s = s.replaceAll("([?&])api_key=[^&#]*&?", "$1");
        s = s.replaceAll("[?&](#|$)", "$1");
        return s;
    }

    /** {@code text} with every credential replaced by *** and api_key parameters stripped. */
    public String redact(String text) {
        if (text == null) return null;
        String out = text.replaceAll("api_key=[^&#\\s)]*&?", "");
        for (String secret : secrets) out = out.replace(secret, "***");
        return out;
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
