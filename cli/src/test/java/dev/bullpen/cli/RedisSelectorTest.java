package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The choice of Redis, with the machine faked: the real 6379 is never probed. */
class RedisSelectorTest {
  private final List<String> calls = new ArrayList<>();
  private final RedisSelector.Starter starter = new RedisSelector.Starter() {
    @Override
    public SelectedRedis startInstalled(Path binary) {
      calls.add("installed " + binary);
      return new SelectedRedis(SelectedRedis.Kind.PRIVATE, "redis://127.0.0.1:4001", "private",
          "", () -> calls.add("stopped"));
    }

    @Override
    public SelectedRedis startEmbedded() {
      calls.add("embedded");
      return new SelectedRedis(SelectedRedis.Kind.PRIVATE, "redis://127.0.0.1:4002", "embedded",
          "", () -> calls.add("stopped"));
    }
  };

  private RedisSelector selector(Map<String, String> env, boolean localAnswers,
      Optional<Path> installed) {
    return new RedisSelector(env::get, () -> {
      calls.add("probed");
      return localAnswers;
    }, () -> installed, starter);
  }

  @Test
  void configuredRedisWinsWithoutProbing() {
    SelectedRedis r = selector(Map.of(), true, Optional.of(Path.of("/x/redis-server")))
        .select("redis://user:secret@example:6380", RedisSelector.Mode.AUTO);

    assertThat(r.kind()).isEqualTo(SelectedRedis.Kind.CONFIGURED);
    assertThat(r.uri()).isEqualTo("redis://user:secret@example:6380");
    assertThat(r.announcement()).isEqualTo("using Redis at redis://user:***@example:6380");
    assertThat(calls).isEmpty();
  }

  @Test
  void usesTheLocalRedisWhenItAnswers() {
    SelectedRedis r = selector(Map.of(), true, Optional.of(Path.of("/x/redis-server")))
        .select(null, RedisSelector.Mode.AUTO);

    assertThat(r.kind()).isEqualTo(SelectedRedis.Kind.LOCAL);
    assertThat(r.uri()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(r.announcement()).contains("using the Redis answering on localhost:6379",
        "nothing is flushed");
    r.close();
    assertThat(calls).containsExactly("probed");
  }

  @Test
  void startsTheInstalledServerWhenNothingAnswers() {
    SelectedRedis r = selector(Map.of(), false, Optional.of(Path.of("/x/redis-server")))
        .select(null, RedisSelector.Mode.AUTO);

    assertThat(r.kind()).isEqualTo(SelectedRedis.Kind.PRIVATE);
    assertThat(r.announcement()).isEqualTo("no Redis configured and none on localhost:6379:"
        + " started a private redis-server (/x/redis-server) on port 4001, it will be removed"
        + " on exit");
    r.close();
    r.close();
    assertThat(calls).containsExactly("probed", "installed /x/redis-server", "stopped");
  }

  @Test
  void startsTheEmbeddedServerWhenNoneIsInstalled() {
    SelectedRedis r = selector(Map.of(), false, Optional.empty())
        .select(null, RedisSelector.Mode.AUTO);

    assertThat(r.uri()).isEqualTo("redis://127.0.0.1:4002");
    assertThat(r.announcement()).contains("Redis 6.2 shipped in the jar; no redis-server"
        + " installed) on port 4002");
    assertThat(calls).containsExactly("probed", "embedded");
  }

  @Test
  void skipLocalEnvironmentVariableSkipsTheProbe() {
    SelectedRedis r = selector(Map.of(RedisSelector.SKIP_LOCAL_ENV, "1"), true,
        Optional.of(Path.of("/x/redis-server"))).select(null, RedisSelector.Mode.AUTO);

    assertThat(r.announcement()).startsWith("no Redis configured ($BULLPEN_DEMO_SKIP_LOCAL is"
        + " set): started a private redis-server");
    assertThat(calls).containsExactly("installed /x/redis-server");
  }

  @Test
  void skipLocalSetToZeroDoesNotSkip() {
    selector(Map.of(RedisSelector.SKIP_LOCAL_ENV, "0"), true, Optional.empty())
        .select(null, RedisSelector.Mode.AUTO);

    assertThat(calls).containsExactly("probed");
  }

  @Test
  void privateAndEmbeddedModesNeverProbe() {
    selector(Map.of(), true, Optional.of(Path.of("/x/redis-server")))
        .select(null, RedisSelector.Mode.PRIVATE);
    selector(Map.of(), true, Optional.of(Path.of("/x/redis-server")))
        .select(null, RedisSelector.Mode.EMBEDDED);

    assertThat(calls).containsExactly("installed /x/redis-server", "embedded");
  }

  @Test
  void findsRedisServerOnThePathOrFromTheEnvironment(@TempDir Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path server = Files.createFile(bin.resolve("redis-server"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path other = Files.createFile(dir.resolve("my-redis"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    assertThat(RedisSelector.findInstalled(Map.of("PATH", dir + ":" + bin)::get)).hasValue(server);
    assertThat(RedisSelector.findInstalled(Map.of("PATH", dir.toString())::get)).isEmpty();
    assertThat(RedisSelector.findInstalled(Map.of("PATH", bin.toString(),
        "BULLPEN_REDIS_SERVER", other.toString())::get)).hasValue(other);
  }
}
