package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bullpen.status.CircuitState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisAlertRulesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  static Map<String, String> healthyInfo() {
    Map<String, String> i = new HashMap<>();
    i.put("redis_version", "7.0.15");
    i.put("uptime_in_seconds", "100");
    i.put("used_memory", "1000000");
    i.put("used_memory_peak", "1200000");
    i.put("used_memory_rss", "3000000");
    i.put("mem_fragmentation_ratio", "3.00");
    i.put("maxmemory", "0");
    i.put("maxmemory_policy", "noeviction");
    i.put("connected_clients", "3");
    i.put("blocked_clients", "1");
    i.put("instantaneous_ops_per_sec", "42");
    i.put("keyspace_hits", "30");
    i.put("keyspace_misses", "10");
    i.put("evicted_keys", "0");
    i.put("expired_keys", "5");
    i.put("db0", "keys=12,expires=1,avg_ttl=0");
    i.put("aof_enabled", "1");
    i.put("aof_last_write_status", "ok");
    i.put("aof_last_bgrewrite_status", "ok");
    i.put("rdb_last_bgsave_status", "ok");
    i.put("rdb_last_save_time", "1764583200");
    i.put("role", "master");
    i.put("connected_slaves", "0");
    return i;
  }

  static RedisClientFigures quietClient() {
    return new RedisClientFigures(2, 10, 0, 0, 0, 0, 0, Duration.ofMillis(3),
        Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(2), List.of(),
        CircuitState.CLOSED, 100, 0.9, Duration.ofMillis(2));
  }

  private static List<String> rules(Map<String, String> info, RedisClientFigures c) {
    RedisSnapshot s = RedisSnapshot.of(List.of(info), false, NOW);
    return RedisAlertRules.DEFAULT.evaluate(s, null, c, NOW).stream().map(Alert::rule).toList();
  }

  @Test
  void healthyFiguresRaiseNothing() {
    assertThat(rules(healthyInfo(), quietClient())).isEmpty();
  }

  @Test
  void snapshotReadsTheInfoFields() {
    RedisSnapshot s = RedisSnapshot.of(List.of(healthyInfo()), false, NOW);
    assertThat(s.version()).isEqualTo("7.0.15");
    assertThat(s.keys()).isEqualTo(12);
    assertThat(s.keyspaceHitRate()).isEqualTo(0.75);
    assertThat(s.memoryRatio()).isNaN();
    assertThat(s.persistenceOk()).isTrue();
    assertThat(s.replicaLag()).isNull();
    assertThat(s.rdbLastSaveAt()).isEqualTo(Instant.ofEpochSecond(1764583200));
  }

  @Test
  void eachServerRuleFiresOnItsCondition() {
    Map<String, String> i = healthyInfo();
    i.put("maxmemory", "1100000");
    assertThat(rules(i, quietClient())).containsExactly("redis-memory");
    i = healthyInfo();
    i.put("evicted_keys", "3");
    assertThat(rules(i, quietClient())).containsExactly("redis-evictions");
    i = healthyInfo();
    i.put("maxmemory_policy", "allkeys-lru");
    assertThat(rules(i, quietClient())).containsExactly("redis-eviction-policy");
    i = healthyInfo();
    i.put("rdb_last_bgsave_status", "err");
    assertThat(rules(i, quietClient())).containsExactly("redis-persistence");
    i = healthyInfo();
    i.put("aof_last_write_status", "err");
    assertThat(rules(i, quietClient())).containsExactly("redis-persistence");
    i = healthyInfo();
    i.put("connected_slaves", "1");
    i.put("slave0", "ip=10.0.0.2,port=6380,state=online,offset=100,lag=11");
    assertThat(rules(i, quietClient())).containsExactly("redis-replica-lag");
    i.put("slave0", "ip=10.0.0.2,port=6380,state=online,offset=100,lag=1");
    assertThat(rules(i, quietClient())).isEmpty();
  }

  @Test
  void memoryIsCriticalNearTheLimit() {
    Map<String, String> i = healthyInfo();
    i.put("maxmemory", "1020000");
    RedisSnapshot s = RedisSnapshot.of(List.of(i), false, NOW);
    assertThat(RedisAlertRules.DEFAULT.evaluate(s, null, quietClient(), NOW).get(0).level())
        .isEqualTo(HealthLevel.CRITICAL);
  }

  @Test
  void eachClientRuleFiresOnItsCondition() {
    RedisClientFigures q = quietClient();
    assertThat(rules(healthyInfo(), with(q, 11, 0, Duration.ZERO, CircuitState.CLOSED, 100,
        0.9, null))).containsExactly("redis-connections");
    assertThat(rules(healthyInfo(), with(q, 2, 6, Duration.ZERO, CircuitState.CLOSED, 100,
        0.9, null))).containsExactly("redis-timeouts");
    assertThat(rules(healthyInfo(), with(q, 2, 5, Duration.ofMillis(501), CircuitState.CLOSED,
        100, 0.9, null))).containsExactly("redis-slow-commands");
    assertThat(rules(healthyInfo(), with(q, 2, 0, Duration.ZERO, CircuitState.OPEN, 100, 0.9,
        null))).containsExactly("redis-circuit-open");
    assertThat(rules(healthyInfo(), with(q, 2, 0, Duration.ZERO, CircuitState.CLOSED, 100,
        0.49, null))).containsExactly("redis-cache-hit-rate");
    // too few requests to judge a hit rate
    assertThat(rules(healthyInfo(), with(q, 2, 0, Duration.ZERO, CircuitState.CLOSED, 19,
        0.0, null))).isEmpty();
    assertThat(rules(healthyInfo(), with(q, 2, 0, Duration.ZERO, CircuitState.CLOSED, 100,
        0.9, Duration.ofMillis(501)))).containsExactly("redis-status-duration");
  }

  @Test
  void anUnreadableServerIsCritical() {
    List<Alert> a = RedisAlertRules.DEFAULT.evaluate(null, "timed out", quietClient(), NOW);
    assertThat(a).extracting(Alert::rule).containsExactly("redis-unreachable");
    assertThat(a.get(0).level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(a.get(0).subject()).isEqualTo("redis");
  }

  @Test
  void thresholdsAreConfigurableAndValidated() {
    RedisAlertRules r = RedisAlertRules.builder().maxConnections(50).maxTimeoutsPerMinute(0)
        .build();
    RedisSnapshot s = RedisSnapshot.of(List.of(healthyInfo()), false, NOW);
    assertThat(r.evaluate(s, null, with(quietClient(), 11, 1, Duration.ZERO,
        CircuitState.CLOSED, 0, Double.NaN, null), NOW)).extracting(Alert::rule)
        .containsExactly("redis-timeouts");
    assertThat(r.toBuilder().build().maxConnections()).isEqualTo(50);
    assertThatThrownBy(() -> RedisAlertRules.builder().maxMemoryRatio(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMemoryRatio");
    assertThatThrownBy(() -> RedisAlertRules.builder().maxReplicaLag(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxReplicaLag");
    assertThatThrownBy(() -> RedisAlertRules.builder().minCacheHitRate(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clusterFiguresAreCombined() {
    Map<String, String> a = healthyInfo();
    Map<String, String> b = healthyInfo();
    b.put("redis_version", "6.2.14");
    b.put("rdb_last_bgsave_status", "err");
    RedisSnapshot s = RedisSnapshot.of(List.of(a, b), true, NOW);
    assertThat(s.version()).isEqualTo("6.2.14");
    assertThat(s.usedMemoryBytes()).isEqualTo(2_000_000);
    assertThat(s.persistenceOk()).isFalse();
    assertThat(s.nodes()).isEqualTo(2);
    assertThat(s.mode()).isEqualTo("cluster");
  }

  @Test
  void hashTagCheckNamesUntaggedQueues() {
    Finding f = RedisDoctor.hashTags("bull", List.of("{video}", "emails"));
    assertThat(f.severity()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(f.message()).contains("emails").doesNotContain("{video}]");
    assertThat(f.advice()).contains("{emails}");
    assertThat(RedisDoctor.hashTags("bull", List.of("{video}")).severity())
        .isEqualTo(HealthLevel.EXCELLENT);
  }

  private static RedisClientFigures with(RedisClientFigures c, int connections,
      long timeouts, Duration slowest, CircuitState circuit, long requests, double hitRate,
      Duration load) {
    return new RedisClientFigures(connections, c.commands(), c.errors(), c.timeouts(),
        c.errorsLastMinute(), timeouts, c.slowLastMinute(), slowest, c.meanLatency(), c.p50(),
        c.p99(), c.latency(), circuit, requests, hitRate, load);
  }
}
