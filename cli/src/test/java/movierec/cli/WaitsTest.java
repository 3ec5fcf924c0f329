package movierec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import movierec.common.MovierecConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaitsTest {
    @TempDir
    Path home;

    @Test
    void theRunningJobsTriggerWinsOverThisProcesssConfiguration() throws Exception {
        MovierecConfig c = MovierecConfig.load(home, Map.of("MOVIEREC_SPARK_TRIGGER_MS", "100"), new Properties());
        assertThat(Waits.jobTriggerMs(c, "ratings", "spark.trigger.ms")).isEqualTo(100); // no job: the configuration

        Path status = c.dataDir().resolve("run/" + c.get("namespace") + "stream-status.json");
        Files.createDirectories(status.getParent());
        Files.writeString(
                status, "{\"queries\": {\"ratings\": {\"triggerMs\": 50}, \"impressions\": {\"batchId\": 3}}}");
        assertThat(Waits.jobTriggerMs(c, "ratings", "spark.trigger.ms")).isEqualTo(50);
        // a job from before triggers were reported
        assertThat(Waits.jobTriggerMs(c, "impressions", "stream.impressions.trigger.ms"))
                .isEqualTo(c.getInt("stream.impressions.trigger.ms"));
    }
}
