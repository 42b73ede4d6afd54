package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bullpen runs under the least-privilege ACL user documented in {@code docs/redis-acl.md} (the
 * rule is read from that file, so the document and the code cannot drift apart), and that user
 * is refused dangerous commands.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeastPrivilegeAclIT {
  static final String USER = "bullpen";
  static final String PASSWORD = "s3cret-Pa55word";

  /** The documented rule, as command arguments, with the test password. */
  static List<String> documentedRule() {
    Path doc = Paths.get("").toAbsolutePath().getParent().resolve("docs/redis-acl.md");
    if (!Files.exists(doc)) {
      doc = Paths.get("docs/redis-acl.md");
    }
    try {
      for (String line : Files.readAllLines(doc)) {
        if (line.startsWith("ACL SETUSER " + USER + " ")) {
          List<String> args = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
          args.replaceAll(a -> a.equals(">CHANGE-ME") ? ">" + PASSWORD : a);
          assertThat(args).contains(">" + PASSWORD, "~bull:*", "-@all");
          return args;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no 'ACL SETUSER " + USER + "' line in " + doc);
  }

  static void createUser(RedisServer redis) {
    redis.command(documentedRule().toArray(new String[0]));
  }

  static String userUri(RedisServer redis) {
    return "redis://" + USER + ":" + PASSWORD + "@127.0.0.1:" + redis.port();
  }

  private RedisServer redis;

  @BeforeAll
  void start() {
    redis = RedisServer.start();
    createUser(redis);
  }

  @AfterAll
  void stop() {
    redis.close();
  }

  @Test
  void dangerousCommandsAndForeignKeysAreRefused() {
    RedisClient client = RedisClient.create(userUri(redis));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> r = c.sync();
      assertThat(r.ping()).isEqualTo("PONG");
      assertThat(r.set("bull:allowed", "1")).isEqualTo("OK");
      assertThatThrownBy(r::flushall).isInstanceOf(RedisCommandExecutionException.class)
          .hasMessageContaining("NOPERM");
      assertThatThrownBy(r::flushdb).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> r.configSet("maxmemory-policy", "allkeys-lru"))
          .hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> r.keys("*")).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> r.debugObject("bull:allowed")).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> r.set("other:key", "1")).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> r.eval("return redis.call('SET', 'other:key', '1')",
          io.lettuce.core.ScriptOutputType.STATUS)).hasMessageContaining("can't access");
      r.del("bull:allowed");
    } finally {
      client.shutdown();
    }
    assertThat(redis.command("EXISTS", "other:key")).isEqualTo("0");
  }

  @Test
  void aClientWithAnotherPrefixIsRefusedClearly() {
    try (Bullpen bp = Bullpen.builder().uri(userUri(redis)).prefix("elsewhere")
        .dataLossCheckInterval(java.time.Duration.ZERO).build()) {
      assertThatThrownBy(() -> bp.queue(TestNames.uniqueQueue("acl")).add("x", Map.of()))
          .isInstanceOf(BullpenException.class).hasMessageContaining("docs/redis-acl.md")
          .hasMessageNotContaining(PASSWORD);
    }
  }

  /** The whole core behaviour suite through the documented user. */
  @Nested
  class UnderTheDocumentedUser extends TopologyBehaviour {
    @Override
    String uri() {
      return userUri(redis);
    }

    @Override
    RedisServer nodeServing(String key) {
      return redis;
    }

    @Override
    List<RedisServer> replicasServing(String key) {
      return List.of();
    }
  }
}
