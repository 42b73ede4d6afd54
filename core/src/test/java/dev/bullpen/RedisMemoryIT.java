package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bullpen.admin.Alert;
import dev.bullpen.admin.HealthLevel;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redis memory limits: OOM under noeviction is a typed error; evicting policies are refused. */
class RedisMemoryIT {

  @Test
  void addsFailWithATypedErrorAndWriteNothingWhenRedisIsOutOfMemory() {
    try (RedisServer r = RedisServer.builder().arg("--maxmemory-policy", "noeviction").start();
        Bullpen bp = Bullpen.connect(r.uri())) {
      String name = TestNames.uniqueQueue("oom");
      Queue<Object> queue = bp.queue(name);
      queue.add("before", Map.of("n", 1));
      int fillers = r.fillToOutOfMemory();
      long keys = r.dbSize();
      String id = r.command("GET", "bull:" + name + ":id");
      String events = r.command("XLEN", "bull:" + name + ":events");
      JobCounts counts = queue.getJobCounts();

      assertThatThrownBy(() -> queue.add("refused", Map.of("n", 2)))
          .isInstanceOf(RedisOutOfMemoryException.class)
          .hasMessageContaining("queue " + name).hasMessageContaining("add of 1 job(s)")
          .hasMessageContaining("out of memory").hasMessageContaining("nothing was written")
          .hasMessageContaining("maxmemory");
      List<NewJob<Object>> bulk = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        bulk.add(new NewJob<>("bulk", Map.of("i", i), JobOptions.builder().jobId("b" + i)
            .build()));
      }
      assertThatThrownBy(() -> queue.addBulk(bulk)).isInstanceOf(RedisOutOfMemoryException.class)
          .hasMessageContaining("add of 5 job(s)");

      assertThat(r.dbSize()).isEqualTo(keys);
      assertThat(r.command("GET", "bull:" + name + ":id")).isEqualTo(id);
      assertThat(r.command("XLEN", "bull:" + name + ":events")).isEqualTo(events);
      assertThat(queue.getJobCounts()).isEqualTo(counts);
      assertThat(r.command("EXISTS", "bull:" + name + ":b0")).isEqualTo("0");

      for (int i = 0; i < fillers; i++) {
        r.command("DEL", "filler:" + i);
      }
      assertThat(queue.addBulk(bulk)).hasSize(5);
      assertThat(queue.getJobCounts().waiting()).isEqualTo(counts.waiting() + 5);
    }
  }

  @Test
  void refusesToStartUnderAnEvictingPolicy() {
    try (RedisServer r = RedisServer.builder().arg("--maxmemory-policy", "allkeys-lru").start()) {
      assertThatThrownBy(() -> Bullpen.connect(r.uri()))
          .isInstanceOf(UnsafeRedisConfigException.class)
          .hasMessageContaining("127.0.0.1:" + r.port())
          .hasMessageContaining("maxmemory-policy 'allkeys-lru'")
          .hasMessageContaining("CONFIG SET maxmemory-policy noeviction")
          .hasMessageContaining("tolerateEvictionPolicy(true)");
      r.command("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
      assertThatThrownBy(() -> Bullpen.connect(r.uri()))
          .isInstanceOf(UnsafeRedisConfigException.class).hasMessageContaining("volatile-ttl");
    }
  }

  @Test
  void toleratedEvictingPolicyStartsAndIsReportedAsCritical() {
    try (RedisServer r = RedisServer.builder().arg("--maxmemory-policy", "allkeys-lru").start();
        Bullpen bp = Bullpen.builder().uri(r.uri()).tolerateEvictionPolicy(true).build()) {
      assertThat(bp.evictingPolicy()).contains("allkeys-lru");
      assertThat(bp.redisAlerts()).extracting(Alert::rule, Alert::subject, Alert::level)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("redis-eviction-policy", "redis",
              HealthLevel.CRITICAL));
      assertThat(bp.redisAlerts().get(0).message()).contains("allkeys-lru");
      Queue<Object> q = bp.queue(TestNames.uniqueQueue("lru"));
      q.add("works", Map.of());
      assertThat(q.getJobCounts().waiting()).isEqualTo(1);
    }
  }

  @Test
  void noevictionStartsWithoutAlerts() {
    try (RedisServer r = RedisServer.start(); Bullpen bp = Bullpen.connect(r.uri())) {
      assertThat(r.info("memory")).contains("maxmemory_policy:noeviction");
      assertThat(bp.evictingPolicy()).isEmpty();
      assertThat(bp.redisAlerts()).isEmpty();
    }
  }
}
