package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalKeyTest {
    @Test
    void aBrowserOnThisMachineGetsTheKey() {
        assertThat(LocalKey.fromThisMachine("127.0.0.1", "127.0.0.1:8080", false))
                .isTrue();
        assertThat(LocalKey.fromThisMachine("127.0.0.1", "localhost:8080", false))
                .isTrue();
        assertThat(LocalKey.fromThisMachine("127.0.0.1", "LOCALHOST", false)).isTrue();
        assertThat(LocalKey.fromThisMachine("0:0:0:0:0:0:0:1", "[::1]:8080", false))
                .isTrue();
        assertThat(LocalKey.fromThisMachine("[0:0:0:0:0:0:0:1]", "[::1]", false))
                .isTrue();
        assertThat(LocalKey.fromThisMachine("127.0.0.5", "127.0.0.1:8080", false))
                .isTrue();
    }

    @Test
    void anyoneElseDoesNot() {
        assertThat(LocalKey.fromThisMachine("192.168.1.20", "127.0.0.1:8080", false))
                .as("another machine")
                .isFalse();
        assertThat(LocalKey.fromThisMachine("127.0.0.1", "evil.example:8080", false))
                .as("a rebound DNS name")
                .isFalse();
        assertThat(LocalKey.fromThisMachine("127.0.0.1", "localhost.evil.example", false))
                .isFalse();
        assertThat(LocalKey.fromThisMachine("127.0.0.1", "192.168.1.5:8080", false))
                .as("the machine's LAN address")
                .isFalse();
        assertThat(LocalKey.fromThisMachine("127.0.0.1", "127.0.0.1:8080", true))
                .as("through a local proxy")
                .isFalse();
        assertThat(LocalKey.fromThisMachine("127.0.0.1", null, false))
                .as("no Host header")
                .isFalse();
        assertThat(LocalKey.fromThisMachine("localhost", "localhost", false))
                .as("a name, not an address")
                .isFalse();
        assertThat(LocalKey.fromThisMachine("::ffff:10.0.0.1", "[::1]", false)).isFalse();
    }
}
