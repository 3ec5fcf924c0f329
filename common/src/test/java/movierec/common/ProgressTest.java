package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void workDoneBeforeTheStartIsShownButNotCountedInTheRate() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress =
                new Progress("indexing", 279_912, 370_194, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        progress.finish();
        String line = bytes.toString(StandardCharsets.UTF_8);
        assertThat(line).contains(" 75.6% 279,912/370,194 ").contains("  0/s  ");
    }

    @Test
    void aBarFromZeroCountsEverything() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress("ratings", 10, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        progress.step(10);
        progress.finish();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("100.0% 10/10 ")
                .doesNotContain("  0/s  ");
    }
}
