package movierec.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/** Request counters and latency histograms per route, rendered in the Prometheus text format. */
final class Metrics {
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private record Key(String method, String route) {}

    private static final class Series {
        final AtomicLong[] buckets = new AtomicLong[BUCKETS.length];
        final AtomicLong count = new AtomicLong();
        final DoubleAdder sum = new DoubleAdder();
        final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();

        Series() {
            for (int i = 0; i < buckets.length; i++) buckets[i] = new AtomicLong();
        }
    }

    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    /** Refusals by the key check, by status (401, 403). Never labelled with a key or a client address. */
    private final Map<Integer, AtomicLong> authRefused = new ConcurrentHashMap<>();
    /** 429s by the kind of bucket that was empty: "key" or "address". */
    private final Map<String, AtomicLong> rateLimited = new ConcurrentHashMap<>();

    Metrics() {
        // Present from the start at zero, so a dashboard can rate() them before the first refusal.
        for (int status : new int[] {401, 403}) authRefused.put(status, new AtomicLong());
        for (String bucket : new String[] {"key", "address"}) rateLimited.put(bucket, new AtomicLong());
    }

    void authRefused(int status) {
        authRefused.computeIfAbsent(status, x -> new AtomicLong()).incrementAndGet();
    }

    void rateLimited(String bucket) {
        rateLimited.computeIfAbsent(bucket, x -> new AtomicLong()).incrementAndGet();
    }

    void record(String method, String route, int status, double seconds) {
        Series s = series.computeIfAbsent(new Key(method, route), k -> new Series());
        s.count.incrementAndGet();
        s.sum.add(seconds);
        for (int i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) s.buckets[i].incrementAndGet();
        s.byStatus.computeIfAbsent(status, x -> new AtomicLong()).incrementAndGet();
    }

    String render() {
        StringBuilder out = new StringBuilder();
        Map<Key, Series> sorted = new TreeMap<>((a, b) -> (a.route() + a.method()).compareTo(b.route() + b.method()));
        sorted.putAll(series);
        out.append("# HELP movierec_http_requests_total HTTP requests by route and status.\n");
        out.append("# TYPE movierec_http_requests_total counter\n");
        sorted.forEach((k, s) -> s.byStatus.forEach((status, n) -> out.append(String.format(
                "movierec_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %d%n",
                k.method(), k.route(), status, n.get()))));
        out.append("# HELP movierec_http_errors_total HTTP responses with status >= 400.\n");
        out.append("# TYPE movierec_http_errors_total counter\n");
        sorted.forEach((k, s) -> out.append(String.format(
                "movierec_http_errors_total{method=\"%s\",route=\"%s\"} %d%n",
                k.method(),
                k.route(),
                s.byStatus.entrySet().stream()
                        .filter(e -> e.getKey() >= 400)
                        .mapToLong(e -> e.getValue().get())
                        .sum())));
        out.append("# HELP movierec_http_request_duration_seconds Request latency.\n");
        out.append("# TYPE movierec_http_request_duration_seconds histogram\n");
        sorted.forEach((k, s) -> {
            String labels = String.format("method=\"%s\",route=\"%s\"", k.method(), k.route());
            for (int i = 0; i < BUCKETS.length; i++) {
                out.append(String.format(
                        "movierec_http_request_duration_seconds_bucket{%s,le=\"%s\"} %d%n",
                        labels, BUCKETS[i], s.buckets[i].get()));
            }
            out.append(String.format(
                    "movierec_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d%n", labels, s.count.get()));
            out.append(String.format("movierec_http_request_duration_seconds_sum{%s} %.6f%n", labels, s.sum.sum()));
            out.append(String.format("movierec_http_request_duration_seconds_count{%s} %d%n", labels, s.count.get()));
        });
        out.append(
                "# HELP movierec_auth_refused_total Requests refused by the API key check: 401 no or unknown key, 403 scope too small.\n");
        out.append("# TYPE movierec_auth_refused_total counter\n");
        new TreeMap<>(authRefused)
                .forEach((status, n) ->
                        out.append(String.format("movierec_auth_refused_total{status=\"%d\"} %d%n", status, n.get())));
        out.append(
                "# HELP movierec_rate_limited_total Requests answered 429, by the bucket that was empty (per key or per client address).\n");
        out.append("# TYPE movierec_rate_limited_total counter\n");
        new TreeMap<>(rateLimited)
                .forEach((bucket, n) ->
                        out.append(String.format("movierec_rate_limited_total{bucket=\"%s\"} %d%n", bucket, n.get())));
        return out.toString();
    }
}
