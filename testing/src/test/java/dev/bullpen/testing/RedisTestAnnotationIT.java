package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@RedisTest
class RedisTestAnnotationIT {

    @Test
    void getsItsOwnServer(RedisServer redis) {
        assertThat(redis.command("PING")).isEqualTo("PONG");
        SeenServers.perClass(RedisTestAnnotationIT.class, redis);
    }
}
