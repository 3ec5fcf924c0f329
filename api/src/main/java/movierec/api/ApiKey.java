package movierec.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A stored API key: everything but the secret, which exists only in the key given to its client. A key reads
 * {@code mrk_<id>_<secret>}: the id (16 hex digits) finds the stored record without a search, the secret (32 random
 * bytes, base64url) is checked against the record's salted hash.
 * <p>The hash is SHA-256 over salt and secret rather than a slow password hash (bcrypt, PBKDF2): a secret has 256
 * random bits, so there is no dictionary to slow down, and the check runs on every request.
 */
public record ApiKey(
        String id,
        String name,
        Scope scope,
        String salt,
        String hash,
        long createdAt,
        Long lastUsedAt,
        Long revokedAt) {
    static final String PREFIX = "mrk_";
    private static final int ID_HEX = 16;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public boolean revoked() {
        return revokedAt != null;
    }

    /** A new key's id, secret and the record to store (hash of the secret, never the secret itself). */
    public record Issued(String key, ApiKey record) {}

    public static Issued issue(String name, Scope scope, long now) {
        checkName(name);
        String id = HexFormat.of().formatHex(random(ID_HEX / 2));
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
        String salt = Base64.getEncoder().encodeToString(random(16));
        return new Issued(
                PREFIX + id + "_" + secret, new ApiKey(id, name, scope, salt, hash(salt, secret), now, null, null));
    }

    /** Key names travel as the rating's {@code source} and a Kafka header: short, plain characters. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a key name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** The id part of a presented key, or null when it is not shaped like one of ours. */
    public static String idOf(String key) {
        if (key == null
                || key.length() < PREFIX.length() + ID_HEX + 2
                || !key.startsWith(PREFIX)
                || key.charAt(PREFIX.length() + ID_HEX) != '_') return null;
        String id = key.substring(PREFIX.length(), PREFIX.length() + ID_HEX);
        for (int i = 0; i < id.length(); i++)
            if (Character.digit(id.charAt(i), 16) < 0 || Character.isUpperCase(id.charAt(i))) return null;
        return id;
    }

    /** True when {@code key} is this record's key: same id and the secret's salted hash matches, compared in constant time. */
    public boolean matches(String key) {
        if (!id.equals(idOf(key))) return false;
        String secret = key.substring(PREFIX.length() + ID_HEX + 1);
        return MessageDigest.isEqual(
                Base64.getDecoder().decode(hash), Base64.getDecoder().decode(hash(salt, secret)));
    }

    static String hash(String salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Base64.getDecoder().decode(salt));
            return Base64.getEncoder().encodeToString(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Never the salt or hash in a printed record (toString ends up in logs and assertion messages). */
    @Override
    public String toString() {
        return "ApiKey[" + name + ", " + scope.label() + (revoked() ? ", revoked" : "") + "]";
    }
}
