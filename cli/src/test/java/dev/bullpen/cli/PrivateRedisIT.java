package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bullpen.Bullpen;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The private servers the demo starts: they come up, serve Bullpen, and go away on close. */
class PrivateRedisIT {
  private final RedisSelector.RealStarter starter = new RedisSelector.RealStarter();

  @Test
  void installedRedisServerStartsInItsOwnSessionAndStopsOnClose() {
    Optional<Path> binary = RedisSelector.findInstalled(System::getenv);
    assumeTrue(binary.isPresent(), "no redis-server installed");

    checkServes(starter.startInstalled(binary.get()));
  }

  @Test
  void redisShippedInTheJarStartsAndStopsOnClose() {
    checkServes(starter.startEmbedded());
  }

  @Test
  void embeddedServerPicksAFreePortNot6379() throws Exception {
    try (EmbeddedRedisServer server = EmbeddedRedisServer.start()) {
      assertThat(server.port()).isNotEqualTo(6379);
      assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
    }
  }

  private static void checkServes(SelectedRedis redis) {
    int port;
    try (redis) {
      assertThat(redis.kind()).isEqualTo(SelectedRedis.Kind.PRIVATE);
      port = Integer.parseInt(redis.uri().substring(redis.uri().lastIndexOf(':') + 1));
      assertThat(port).isNotEqualTo(6379);
      try (Bullpen bullpen = Bullpen.connect(redis.uri())) {
        bullpen.queue("private").add("hello", Map.of("n", 1));
        assertThat(bullpen.queue("private").getJobCounts().waiting()).isEqualTo(1);
      }
    }
    assertThat(LocalRedisProbe.answersPing("127.0.0.1", port, Duration.ofMillis(500)))
        .as("stopped on close").isFalse();
  }
}
