package movierec.common;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
}
