package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import movierec.common.MovierecConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code api.tls.keystore} the API answers HTTPS with that certificate, and plain HTTP not at all. */
class ApiTlsTest {
    static final String PASSWORD = "test-keystore-password";

    @Test
    void servesHttpsOnlyWithTheConfiguredCertificate(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("api.p12");
        keytool(List.of(
                "-genkeypair",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-alias",
                "api",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2"));
        int nothing;
        try (ServerSocket s = new ServerSocket(0)) {
            nothing = s.getLocalPort();
        }
        MovierecConfig config = MovierecConfig.load(dir, Map.of(), new Properties())
                .with(Map.of(
                        "es.port", String.valueOf(nothing),
                        "kafka.port", String.valueOf(nothing),
                        "api.tls.keystore", keystore.toString(),
                        "api.tls.keystore.password", PASSWORD));
        assertThat(config.apiUrl()).startsWith("https://");
        ApiServer server = new ApiServer(config).start("127.0.0.1", 0);
        try {
            String hostPort = "127.0.0.1:" + server.port() + "/api/openapi.json";
            HttpClient trusting =
                    HttpClient.newBuilder().sslContext(trusting(keystore)).build();
            var r = trusting.send(
                    HttpRequest.newBuilder(URI.create("https://" + hostPort)).build(), BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"openapi\"");
            assertThatThrownBy(() -> HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create("http://" + hostPort))
                                            .build(),
                                    BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        } finally {
            server.close();
        }
    }

    /** Trusts exactly the keystore's certificate, as a client given the server's certificate would. */
    static SSLContext trusting(Path keystore) throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            server.load(in, PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("api", server.getCertificate("api"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static void keytool(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
