package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Records which server each extension test class got, to check isolation and sharing. */
final class SeenServers {

    private static final Map<Class<?>, RedisServer> PER_CLASS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, RedisServer> SHARED = new ConcurrentHashMap<>();

    private SeenServers() {
    }

    static void perClass(Class<?> testClass, RedisServer server) {
        RedisServer previous = PER_CLASS.putIfAbsent(testClass, server);
        assertThat(previous == null || previous == server).as("one server per class").isTrue();
        PER_CLASS.forEach((other, otherServer) -> {
            if (other != testClass) {
                assertThat(otherServer).as("server of " + other.getSimpleName()).isNotSameAs(server);
            }
        });
        SHARED.values().forEach(shared -> assertThat(shared).isNotSameAs(server));
    }

    static void shared(Class<?> testClass, RedisServer server) {
        SHARED.put(testClass, server);
        SHARED.values().forEach(shared -> assertThat(shared).as("the shared server").isSameAs(server));
        PER_CLASS.values().forEach(own -> assertThat(own).isNotSameAs(server));
    }
}
