package movierec.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The passwords of the local stack's own identities, one per component and system ({@code es.stream.password},
 * {@code kafka.api.password}, ...), generated once into {@code <data.dir>/credentials.properties} (mode 600, inside
 * the git-ignored data directory). The local Elasticsearch and Kafka are configured from this file at start-up and
 * every local client reads its own entry, so no password is ever typed, committed or passed on a command line.
 * External clusters never use it: their credentials come from {@code es.username}/{@code es.password},
 * {@code es.api.key} and {@code kafka.security.*}.
 */
public final class LocalCredentials {
    /** Components with their own identity: what each may do is set by the roles (ES) and ACLs (Kafka). */
    public static final List<String> COMPONENTS = List.of("stream", "api", "cli");
    /** Kafka's own identity for broker-to-broker and broker-to-controller traffic. */
    public static final String KAFKA_BROKER = "broker";
    /** The Elasticsearch user a Kibana server connects with (Elasticsearch's built-in {@code kibana_system} role). */
    public static final String ES_KIBANA = "kibana";

    static final String FILE = "credentials.properties";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Properties values;

    private LocalCredentials(Properties values) {
        this.values = values;
    }

    /** The file's credentials, created with fresh random passwords when missing. Safe for concurrent processes. */
    public static LocalCredentials ensure(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            try (FileChannel lock = FileChannel.open(
                            dataDir.resolve(FILE + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    var ignored = lock.lock()) {
                Properties p = read(dataDir).map(c -> c.values).orElseGet(Properties::new);
                // a file from an older version keeps its passwords and gets the identities it lacks
                boolean added = false;
                for (String key : allKeys()) {
                    if (p.getProperty(key) == null) {
                        p.setProperty(key, newPassword());
                        added = true;
                    }
                }
                if (!added) return new LocalCredentials(p);
                Path tmp = dataDir.resolve(FILE + ".tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    p.store(out, "movierec local credentials: generated, never commit or share");
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                return new LocalCredentials(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": check that the data directory is writable", e);
        }
    }

    /** The file's credentials, or empty when the local stack has not created them. */
    public static Optional<LocalCredentials> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) return Optional.empty();
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return Optional.of(new LocalCredentials(p));
    }

    /** The password of {@code identity} (a component, {@link #KAFKA_BROKER}, {@link #ES_KIBANA}) in {@code system}. */
    public String password(String system, String identity) {
        String v = values.getProperty(key(system, identity));
        if (!COMPONENTS.contains(identity) && !identity.equals(KAFKA_BROKER) && !identity.equals(ES_KIBANA)) {
            throw new IllegalArgumentException(
                    "unknown local identity '" + identity + "': identity must be one of " + COMPONENTS);
        }
        if (v == null) {
            throw new IllegalStateException("no " + system + " password for '" + identity + "' in the local " + FILE
                    + ": delete the data directory's " + FILE + " and restart with ./movierec up");
        }
        return v;
    }

    /** Every password in the file: what a test greps the logs for. */
    public List<String> passwords() {
        return values.stringPropertyNames().stream().map(values::getProperty).toList();
    }

    private static List<String> allKeys() {
        List<String> keys = new ArrayList<>();
        for (String c : COMPONENTS) {
            keys.add(key("es", c));
            keys.add(key("kafka", c));
        }
        keys.add(key("kafka", KAFKA_BROKER));
        keys.add(key("es", ES_KIBANA));
        return keys;
    }

    private static String key(String system, String identity) {
        return system + "." + identity + ".password";
    }

    private static String newPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
