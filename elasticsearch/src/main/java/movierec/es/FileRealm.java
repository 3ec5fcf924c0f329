package movierec.es;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import movierec.common.LocalCredentials;
import movierec.common.MovierecConfig;

/**
 * The local Elasticsearch's users and roles, as the files of its built-in file realm ({@code users},
 * {@code users_roles}, {@code roles.yml} in each node's config directory), written before every start from
 * {@link LocalCredentials}. The file realm needs no running cluster and no security index, and every node of a
 * local cluster reads the same files. Each component gets only what it does:
 * <ul>
 *   <li>{@code movierec-stream}: reads and writes documents (the stream job never creates or deletes an index);
 *   <li>{@code movierec-api}: reads, and writes only the API keys index (last use, keys created over the API);
 *   <li>{@code movierec-cli}: everything on the non-system indices (load, train, evaluate, bench create and delete
 *       them), and cluster monitoring; also Kibana's {@code kibana_admin}, so a person can sign in to Kibana with it;
 *   <li>{@code movierec-kibana}: what a Kibana server connects with (the built-in {@code kibana_system} role).
 * </ul>
 * System indices such as {@code .security} match no pattern: none of them can read or change users.
 */
final class FileRealm {
    private static final int PBKDF2_ITERATIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    static final String ROLES = """
            movierec_stream:
              cluster: [monitor]
              indices:
                - names: ['*']
                  privileges: [read, write, view_index_metadata, maintenance]
            movierec_api:
              cluster: [monitor]
              indices:
                - names: ['*']
                  privileges: [read, view_index_metadata]
                - names: ['*api_keys']
                  privileges: [read, write, view_index_metadata]
            movierec_cli:
              cluster: [monitor, manage_index_templates]
              indices:
                - names: ['*']
                  privileges: [all]
            """;

    private FileRealm() {}

    /** Writes users, users_roles and roles.yml into {@code conf} (replacing them: the credentials file is the truth). */
    static void write(Path conf, LocalCredentials credentials) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        StringBuilder usersRoles = new StringBuilder();
        for (String c : LocalCredentials.COMPONENTS) {
            String user = MovierecConfig.LOCAL_USER_PREFIX + c;
            hashes.put(user, pbkdf2(credentials.password("es", c)));
            usersRoles.append("movierec_").append(c).append(':').append(user).append('\n');
        }
        String kibana = MovierecConfig.LOCAL_USER_PREFIX + LocalCredentials.ES_KIBANA;
        hashes.put(kibana, pbkdf2(credentials.password("es", LocalCredentials.ES_KIBANA)));
        // built-in roles: Kibana's server connects as movierec-kibana; a person signs in to Kibana as movierec-cli
        usersRoles.append("kibana_system:").append(kibana).append('\n');
        usersRoles
                .append("kibana_admin:")
                .append(MovierecConfig.LOCAL_USER_PREFIX)
                .append("cli\n");
        StringBuilder users = new StringBuilder();
        hashes.forEach((u, h) -> users.append(u).append(':').append(h).append('\n'));
        Files.writeString(conf.resolve("users"), users);
        Files.writeString(conf.resolve("users_roles"), usersRoles);
        Files.writeString(conf.resolve("roles.yml"), ROLES);
    }

    /**
     * A password hash in the form Elasticsearch's file realm verifies: {@code {PBKDF2}<iterations>$<salt>$<key>},
     * PBKDF2 with HMAC-SHA512, a 32-byte salt and a 256-bit key, both Base64. The JDK computes it, so no
     * {@code elasticsearch-users} run (a JVM start per user) is needed.
     */
    static String pbkdf2(String password) {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        return pbkdf2(password, salt, PBKDF2_ITERATIONS);
    }

    static String pbkdf2(String password, byte[] salt, int iterations) {
        try {
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                    .getEncoded();
            Base64.Encoder b64 = Base64.getEncoder();
            return "{PBKDF2}" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks PBKDF2WithHmacSHA512", e);
        }
    }
}
