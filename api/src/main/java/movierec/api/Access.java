package movierec.api;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which scope a request needs, from its method and path alone. Fail-closed: every method that is not a read needs
 * {@code write}, whatever the path (a route added later is protected until it is classified here); the one POST that
 * only reads is the anonymous visitor's recommendations.
 */
final class Access {
    /** Always open, even with {@code api.auth.read=true}: health checks, the API's own description, the local key hand-out. */
    private static final Set<String> OPEN_API_PATHS =
            Set.of("/api/health", "/api/openapi.json", "/api/docs", "/api/local-key");

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** DELETE of a user erases them; GET of their {@code /erasure} reports it. */
    private static final Pattern USER = Pattern.compile("/api/users/[^/]+");

    private static final Pattern ERASURE = Pattern.compile("/api/users/[^/]+/erasure");

    private Access() {}

    /** The scope the request needs, or null when it needs no key. */
    static Scope required(String method, String path, boolean readsClosed) {
        String p = path.length() > 1 && path.endsWith("/")
                ? path.substring(0, path.length() - 1)
                : path; // Javalin ignores a trailing slash
        // a user's erasure, and its progress (which tells whether anything of the user is held): an administrator's
        if ((method.equals("DELETE") && USER.matcher(p).matches())
                || ERASURE.matcher(p).matches()) return Scope.ADMIN;
        boolean read = READ_METHODS.contains(method) || (method.equals("POST") && p.equals("/api/recommendations"));
        if (!read) return Scope.WRITE;
        // The web page, its scripts and the dashboard's HTML are static files: the data they show comes from /api/.
        if (!p.startsWith("/api/") || OPEN_API_PATHS.contains(p)) return null;
        return readsClosed ? Scope.READ : null;
    }
}
