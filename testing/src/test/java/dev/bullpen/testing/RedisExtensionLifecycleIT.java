package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes in a nested JUnit engine to watch servers being created and closed. */
class RedisExtensionLifecycleIT {

    static final Map<String, RedisServer> SEEN = new ConcurrentHashMap<>();

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    @Test
    void perClassServersAreIsolatedAndClosedAfterTheirClass() {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(KillsItsServer.class), selectClass(UsesItsServer.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(2).succeeded(2));

        RedisServer killer = SEEN.get("killer");
        RedisServer user = SEEN.get("user");
        assertThat(killer).isNotNull().isNotSameAs(user);
        assertThat(user).isNotNull();
        assertThat(user.isRunning()).isFalse();
        assertThat(Files.exists(user.dir())).isFalse();
        assertThat(Files.exists(killer.dir())).isFalse();
    }

    @Test
    void sharedServerIsOnePerRunAndClosedAtTheEnd() {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SharedA.class), selectClass(SharedB.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN.get("sharedA")).isNotNull().isSameAs(SEEN.get("sharedB"));
        assertThat(SEEN.get("sharedA").isRunning()).isFalse();
    }

    /** Fixture: kills its own server. */
    @RedisTest
    static class KillsItsServer {
        @Test
        void kill(RedisServer redis) {
            SEEN.put("killer", redis);
            redis.kill();
        }
    }

    /** Fixture: must not notice the other class's fault. */
    @RedisTest
    static class UsesItsServer {
        @Test
        void use(RedisServer redis) {
            SEEN.put("user", redis);
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    /** Fixture: shared server, first user. */
    @RedisTest(shared = true)
    static class SharedA {
        @Test
        void use(RedisServer redis) {
            SEEN.put("sharedA", redis);
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    /** Fixture: shared server, second user. */
    @RedisTest(shared = true)
    static class SharedB {
        @Test
        void use(RedisServer redis) {
            SEEN.put("sharedB", redis);
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }
}
