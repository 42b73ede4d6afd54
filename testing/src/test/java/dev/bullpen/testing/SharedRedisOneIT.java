package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@RedisTest(shared = true)
class SharedRedisOneIT {

    @Test
    void usesTheJvmWideServer(RedisServer redis) {
        String queue = TestNames.uniqueQueue("shared");
        assertThat(redis.command("SET", queue, "x")).isEqualTo("OK");
        SeenServers.shared(SharedRedisOneIT.class, redis);
    }
}
