package movierec.kibana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * movierec.ndjson is generated from charts/*.json and committed (people import it without building). This test keeps
 * the two in step: it fails when the file is stale, and rewrites it when run with -Dkibana.regenerate=true:
 * {@code mvn -B -q -o -pl kibana test -Dkibana.regenerate=true}.
 */
class NdjsonIsUpToDateTest {

    @Test
    void committedExportEqualsTheOneGeneratedFromTheCharts() throws IOException {
        Path module = NdjsonGenerator.moduleDir();
        Path file = module.resolve(NdjsonGenerator.NDJSON_FILE);
        if (Boolean.getBoolean("kibana.regenerate")) {
            boolean changed = NdjsonGenerator.write(module);
            System.out.println((changed ? "rewrote " : "already up to date: ") + file);
        }
        String generated = NdjsonGenerator.generate(module);
        assertThat(Files.exists(file))
                .as(file + " exists (generate it with -Dkibana.regenerate=true)")
                .isTrue();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as(file + " is stale: regenerate it with 'mvn -B -q -o -pl kibana test -Dkibana.regenerate=true'")
                .isEqualTo(generated);
    }
}
