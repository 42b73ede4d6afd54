package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionIT {

    private static RedisServer fromBeforeAll;
    private static int port;
    private static String key;

    private final RedisServer fromConstructor;

    RedisExtensionIT(RedisServer redis) {
        this.fromConstructor = redis;
    }

    @BeforeAll
    static void beforeAll(RedisServer redis) {
        fromBeforeAll = redis;
        port = redis.port();
        key = TestNames.uniqueQueue("extension");
        SeenServers.perClass(RedisExtensionIT.class, redis);
    }

    @Test
    @Order(1)
    void injectsARunningServerIntoMethodsConstructorsAndLifecycleMethods(RedisServer redis) {
        assertThat(redis.isRunning()).isTrue();
        assertThat(redis.port()).isNotEqualTo(6379);
        assertThat(redis.command("PING")).isEqualTo("PONG");
        assertThat(redis).isSameAs(fromBeforeAll).isSameAs(fromConstructor);
        redis.command("SET", key, "kept");
    }

    @Test
    @Order(2)
    void reusesTheSameServerWithinTheClass(RedisServer redis) {
        assertThat(redis).isSameAs(fromBeforeAll).isSameAs(fromConstructor);
        assertThat(redis.command("GET", key)).isEqualTo("kept");
        SeenServers.perClass(RedisExtensionIT.class, redis);
    }

    @Test
    @Order(3)
    void aTestMayKillItsServer(RedisServer redis) {
        redis.kill();
        assertThat(redis.isRunning()).isFalse();
    }

    @Test
    @Order(4)
    void theNextTestGetsItRestartedOnTheSamePort(RedisServer redis) {
        assertThat(redis).isSameAs(fromBeforeAll);
        assertThat(redis.isRunning()).isTrue();
        assertThat(redis.port()).isEqualTo(port);
        assertThat(redis.dbSize()).isZero();
    }

    @Test
    @Order(5)
    void aTestMayPauseItsServer(RedisServer redis) {
        redis.pause();
    }

    @Test
    @Order(6)
    void theNextTestGetsItResumed(RedisServer redis) {
        assertThat(redis.isPaused()).isFalse();
        assertThat(redis.command("PING")).isEqualTo("PONG");
    }

    @Nested
    class NestedClass {
        @Test
        void sharesTheServerOfTheTopLevelClass(RedisServer redis) {
            assertThat(redis).isSameAs(fromBeforeAll);
        }
    }
}
