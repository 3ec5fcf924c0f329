package movierec.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import movierec.common.MovierecConfig;

/**
 * The {@code local} write key that {@code up} creates so the web page and the bundled tools work out of the box. It
 * lives in {@code <data.dir>/keys/local.key} (git-ignored, readable by its owner only). The page gets it from
 * {@code GET /api/local-key}, which hands it only to a browser on this machine: a loopback client address, a loopback
 * Host (so a web site that rebinds its DNS name to 127.0.0.1 does not qualify) and no proxy headers (a reverse proxy
 * on this machine would make every client look local). Anyone who can already use this machine's loopback could read
 * the file as well; nobody else gets the key. Revoke it ({@code keys revoke local}) and the next {@code up} makes a new one.
 */
public final class LocalKey {
    public static final String NAME = "local";
    private static final List<String> PROXY_HEADERS =
            List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private LocalKey() {}

    public static Path file(MovierecConfig config) {
        return config.dataDir().resolve("keys/local.key");
    }

    /** The stored local key, or null when there is none. */
    public static String read(MovierecConfig config) throws IOException {
        Path f = file(config);
        return Files.isRegularFile(f) ? Files.readString(f).trim() : null;
    }

    /**
     * Keeps the stored local key when it still verifies; otherwise revokes any key named {@code local} (its secret is
     * lost) and stores a new one. Returns the new key, or null when the stored one was kept.
     */
    public static String ensure(MovierecConfig config, ApiKeys keys) throws IOException {
        String stored = read(config);
        if (stored != null && keys.verify(stored) != null) return null;
        keys.revoke(NAME);
        String key = keys.create(NAME, Scope.WRITE).key();
        Path f = file(config);
        Files.createDirectories(f.getParent());
        Path tmp = Files.createTempFile(
                f.getParent(),
                "local",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, key + "\n");
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return key;
    }

    /** {@code GET /api/local-key}. */
    static void serve(Context ctx, MovierecConfig config) throws IOException {
        boolean proxied = PROXY_HEADERS.stream().anyMatch(h -> ctx.header(h) != null);
        if (!fromThisMachine(ctx.req().getRemoteAddr(), ctx.header("Host"), proxied)) {
            throw new ApiError(
                    403,
                    "forbidden",
                    "the local key is given only to a browser on the machine the API runs on;"
                            + " other clients need their own key: ./movierec keys create --name NAME --scope write");
        }
        String key = read(config);
        if (key == null) throw ApiError.notFound("no local key: ./movierec up creates one");
        ctx.header("Cache-Control", "no-store");
        ctx.json(Map.of("name", NAME, "scope", Scope.WRITE.label(), "key", key));
    }

    /** Loopback client, loopback Host header, no proxy in between. Never a DNS lookup. */
    static boolean fromThisMachine(String remoteAddr, String host, boolean proxied) {
        if (proxied || host == null || !loopbackLiteral(remoteAddr)) return false;
        String name = host.startsWith("[")
                ? host.substring(0, Math.max(1, host.indexOf(']') + 1))
                : host.replaceFirst(":\\d*$", "");
        return name.equalsIgnoreCase("localhost") || loopbackLiteral(name);
    }

    private static boolean loopbackLiteral(String address) {
        if (address == null) return false;
        String a =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!IPV4.matcher(a).matches() && !a.contains(":"))
            return false; // only literals (IPv6 has colons): never a DNS lookup
        try {
            return InetAddress.getByName(a).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
