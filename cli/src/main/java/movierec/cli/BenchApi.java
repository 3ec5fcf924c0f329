package movierec.cli;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The REST API as the benchmark calls it: as the web page does, with the local write key on every request. */
record BenchApi(String url, String key, HttpClient http) {
    BenchApi(String url, String key) {
        this(url, key, HttpClient.newHttpClient());
    }

    /** The request with the key added. */
    HttpRequest keyed(HttpRequest request) {
        return HttpRequest.newBuilder(request, (name, value) -> true)
                .header("X-API-Key", key)
                .build();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(keyed(LoadGenerator.get(url + path)), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(keyed(LoadGenerator.post(url + path, json)), HttpResponse.BodyHandlers.ofString());
    }
}
