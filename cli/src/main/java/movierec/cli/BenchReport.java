package movierec.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The benchmark's Markdown report: printed line by line as it grows, written to {@code bench/results/} at the end. */
final class BenchReport {
    private final StringBuilder text = new StringBuilder();

    void md(String line) {
        System.out.println(line);
        text.append(line).append('\n');
    }

    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(
                "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
        Files.writeString(file, text.toString());
        return file;
    }
}
