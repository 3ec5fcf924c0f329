package movierec.es;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalElasticsearchTest {
    @TempDir
    Path dir;

    private Path jdk(String name, String version) throws Exception {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n");
        java.toFile().setExecutable(true);
        return home;
    }

    @Test
    void readsTheMajorVersionFromTheReleaseFile() throws Exception {
        assertThat(LocalElasticsearch.javaMajor(jdk("j17", "17.0.15"))).isEqualTo(Optional.of(17));
        assertThat(LocalElasticsearch.javaMajor(jdk("j25", "25"))).isEqualTo(Optional.of(25));
        assertThat(LocalElasticsearch.javaMajor(jdk("j8", "1.8.0_392"))).isEqualTo(Optional.of(8));
        assertThat(LocalElasticsearch.javaMajor(dir.resolve("nothing"))).isEmpty();
    }

    @Test
    void configuredJava21IsPreferred() throws Exception {
        Path j21 = jdk("j21", "21.0.4");
        assertThat(LocalElasticsearch.findJava21(j21.toString())).isEqualTo(j21);
    }

    @Test
    void tooOldConfiguredJavaIsSkipped() throws Exception {
        Path j17 = jdk("old", "17.0.1");
        // falls through to the machine's JDKs; whatever it finds must be 21+
        try {
            Path found = LocalElasticsearch.findJava21(j17.toString());
            assertThat(LocalElasticsearch.javaMajor(found).orElse(0)).isGreaterThanOrEqualTo(21);
        } catch (IllegalStateException e) {
            assertThat(e.getMessage())
                    .startsWith("Elasticsearch 9 needs Java 21 or newer and none was found")
                    .contains("ES_JAVA_HOME");
        }
    }
}
