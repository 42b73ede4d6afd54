package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RedisServerBuilderTest {

    @Test
    void refusesPort6379AndInvalidPorts() {
        assertThatThrownBy(() -> RedisServer.builder().port(6379))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6379");
        assertThatThrownBy(() -> RedisServer.builder().port(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisServer.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void explainsHowToInstallAMissingBinary() {
        assertThatThrownBy(() -> RedisServer.builder().binary(Path.of("/nonexistent/redis-server")).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("install redis-server (apt-get install redis-server)");
    }
}
