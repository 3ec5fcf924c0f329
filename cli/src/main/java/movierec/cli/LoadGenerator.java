package movierec.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;

/**
 * A closed-loop HTTP load generator: N connections, each sending its next request as soon as the previous answer
 * arrives, for a fixed time, loopback only. Reports latency percentiles and throughput.
 */
final class LoadGenerator {
    /** Results of one run. */
    record Result(int connections, long requests, long errors, double seconds, double p50Ms, double p99Ms) {
        /** Rounds of the same load as one: requests and time summed, percentiles the mean of the rounds'. */
        static Result merge(Result... rounds) {
            long requests = 0;
            long errors = 0;
            double seconds = 0;
            double p50 = 0;
            double p99 = 0;
            for (Result r : rounds) {
                requests += r.requests;
                errors += r.errors;
                seconds += r.seconds;
                p50 += r.p50Ms / rounds.length;
                p99 += r.p99Ms / rounds.length;
            }
            return new Result(rounds[0].connections, requests, errors, seconds, p50, p99);
        }

        double throughput() {
            return requests / seconds;
        }
    }

    private LoadGenerator() {}

    /** {@code request(i)} builds the i-th request of a connection (vary users, movies, texts with i). */
    static Result run(int connections, double seconds, IntFunction<HttpRequest> request) throws Exception {
        return run(connections, seconds, request, null);
    }

    /** As {@link #run(int, double, IntFunction)}, over TLS with {@code ssl} (null: the JDK's default). */
    static Result run(int connections, double seconds, IntFunction<HttpRequest> request, SSLContext ssl)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Future<long[]>> parts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            final int conn = c;
            parts.add(pool.submit(() -> {
                // one client per connection: HTTP/1.1 keep-alive, so "connections" means real concurrent connections
                HttpClient.Builder builder = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5));
                if (ssl != null) builder.sslContext(ssl);
                HttpClient http = builder.build();
                long[] lat = new long[1 << 16];
                int n = 0;
                long errors = 0;
                for (int i = conn * 7919; System.nanoTime() < end; i++) {
                    long s = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(request.apply(i), HttpResponse.BodyHandlers.ofByteArray());
                    long d = System.nanoTime() - s;
                    if (r.statusCode() >= 300) errors++;
                    if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
                    lat[n++] = d;
                }
                long[] out = Arrays.copyOf(lat, n + 1);
                out[n] = errors;
                return out;
            }));
        }
        List<Long> all = new ArrayList<>();
        long errors = 0;
        for (Future<long[]> f : parts) {
            long[] r = f.get();
            for (int i = 0; i < r.length - 1; i++) all.add(r[i]);
            errors += r[r.length - 1];
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(
                connections, sorted.length, errors, secs, percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6);
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
    }

    static HttpRequest post(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }
}
