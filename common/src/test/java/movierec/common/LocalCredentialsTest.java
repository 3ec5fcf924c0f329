package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCredentialsTest {
    @Test
    void createdOnceOwnerOnlyAndDistinctPasswords(@TempDir Path dir) throws Exception {
        LocalCredentials first = LocalCredentials.ensure(dir);
        Path file = dir.resolve("credentials.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(new HashSet<>(first.passwords()))
                .hasSize(first.passwords().size())
                .hasSize(8);
        LocalCredentials again = LocalCredentials.ensure(dir);
        assertThat(again.password("es", "api")).isEqualTo(first.password("es", "api"));
        assertThat(again.password("kafka", LocalCredentials.KAFKA_BROKER))
                .isEqualTo(first.password("kafka", LocalCredentials.KAFKA_BROKER));
    }

    @Test
    void anOlderFileKeepsItsPasswordsAndGetsTheMissingOnes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("credentials.properties"), "es.api.password=kept\n");
        LocalCredentials c = LocalCredentials.ensure(dir);
        assertThat(c.password("es", "api")).isEqualTo("kept");
        assertThat(c.passwords()).hasSize(8);
        assertThat(LocalCredentials.read(dir).orElseThrow().password("kafka", "stream"))
                .isEqualTo(c.password("kafka", "stream"));
    }

    @Test
    void configFillsTheComponentsOwnUserUnlessCredentialsAreExplicit(@TempDir Path home) throws Exception {
        MovierecConfig none = MovierecConfig.load(home, Map.of(), new Properties());
        assertThat(none.withLocalCredentials().get("es.username")).isEmpty(); // no file yet: nothing to fill

        LocalCredentials creds = LocalCredentials.ensure(none.dataDir());
        MovierecConfig api = none.with(Map.of("identity", "api")).withLocalCredentials();
        assertThat(api.get("es.username")).isEqualTo("movierec-api");
        assertThat(api.get("es.password")).isEqualTo(creds.password("es", "api"));
        // a child process inherits the parent's filled-in user, and still signs in as itself
        assertThat(api.with(Map.of("identity", "stream")).withLocalCredentials().get("es.username"))
                .isEqualTo("movierec-stream");

        MovierecConfig explicit = none.with(Map.of("es.username", "ops", "es.password", "x"));
        assertThat(explicit.withLocalCredentials().get("es.username")).isEqualTo("ops");
        MovierecConfig apiKey = none.with(Map.of("es.api.key", "k"));
        assertThat(apiKey.withLocalCredentials().get("es.username")).isEmpty();
    }
}
