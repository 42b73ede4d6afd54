package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.internal.LuaScript;
import dev.bullpen.internal.ScriptLoader;
import dev.bullpen.internal.Scripts;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import org.junit.jupiter.api.Test;

@RedisTest
class ScriptsIT {
  @Test
  void everyScriptCompilesOnARealServer(RedisServer redis) {
    ScriptLoader loader = new ScriptLoader();
    for (String name : Scripts.NAMES) {
      LuaScript s = loader.load(name);
      String sha = redis.command("SCRIPT", "LOAD", s.source());
      assertThat(sha).as(name).isEqualTo(s.sha());
    }
  }

  @Test
  void scriptsAreReloadedAfterScriptFlush(RedisServer redis) {
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      Queue<Object> q = bp.queue("flush-test");
      q.add("a", 1);
      redis.command("SCRIPT", "FLUSH");
      q.add("b", 2);
      assertThat(q.getJobCounts().waiting()).isEqualTo(2);
    }
  }
}
