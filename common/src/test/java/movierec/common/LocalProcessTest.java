package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalProcessTest {
    @Test
    void takenPortGivesOneLineErrorNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> LocalProcess.requireFreePort(port, "Kafka", "kafka.port"))
                    .hasMessage(
                            "port " + port
                                    + " for Kafka is already in use: stop whatever listens there (ss -ltnp 'sport = :"
                                    + port
                                    + "') or choose another port with kafka.port in movierec.properties or MOVIEREC_KAFKA_PORT");
        }
    }

    @Test
    void theJitCompilerThreadsCpuIsReadFromProc() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        double jit = LocalProcess.jitSeconds(ProcessHandle.current().pid());
        double all =
                ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
        // starting this JVM (Maven's test runner, JUnit, AssertJ) compiled code already, on a part of its CPU
        assertThat(jit).isPositive().isLessThan(all);
        assertThat(ManagementFactory.getCompilationMXBean().getTotalCompilationTime())
                .isPositive();
    }
}
