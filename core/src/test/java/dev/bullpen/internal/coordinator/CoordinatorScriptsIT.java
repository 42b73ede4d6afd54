package dev.bullpen.internal.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.internal.ClientAccess;
import dev.bullpen.internal.RedisGateway;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The coordinator's scripts on a real server: locks, fencing and the metrics cursor. */
@RedisTest(shared = true)
class CoordinatorScriptsIT {
  private final RedisServer redis;
  private Bullpen bp;
  private RedisGateway gw;
  private CoordinatorScripts s;
  private String base;

  CoordinatorScriptsIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.connect(redis.uri());
    gw = ClientAccess.gateway(bp);
    s = CoordinatorScripts.get();
    base = "bull:" + TestNames.uniqueQueue("scripts") + ":";
  }

  @AfterEach
  void tearDown() {
    bp.close();
  }

  private long eval(dev.bullpen.internal.LuaScript script, String[] keys, String... args) {
    return LeaderElection.toLong(gw.eval(script, keys, args));
  }

  @Test
  void everyScriptLoads() {
    for (String name : CoordinatorScripts.NAMES) {
      String sha = redis.command("SCRIPT", "LOAD", new dev.bullpen.internal.ScriptLoader()
          .load("coordinator/" + name).source());
      assertThat(sha).as(name).hasSize(40);
    }
  }

  @Test
  void leaderLockGivesGrowingTokensAndOnlyItsHolderExtendsOrReleasesIt() {
    String[] keys = {base + "leader", base + "fence"};
    long t1 = eval(s.leaderAcquire, keys, "a", "10000");
    assertThat(t1).isPositive();
    assertThat(eval(s.leaderAcquire, keys, "a", "10000")).as("holder keeps its token")
        .isEqualTo(t1);
    assertThat(eval(s.leaderAcquire, keys, "b", "10000")).as("taken").isZero();
    assertThat(eval(s.lockExtend, new String[] {keys[0]}, "b|" + t1, "10000")).isZero();
    assertThat(eval(s.lockRelease, new String[] {keys[0]}, "b|" + t1)).isZero();
    assertThat(eval(s.lockExtend, new String[] {keys[0]}, "a|" + t1, "10000")).isEqualTo(1);
    assertThat(eval(s.lockRelease, new String[] {keys[0]}, "a|" + t1)).isEqualTo(1);
    long t2 = eval(s.leaderAcquire, keys, "b", "10000");
    assertThat(t2).isGreaterThan(t1);
  }

  @Test
  void aStaleTokenIsRefusedOnceANewerOneWrote() {
    String fence = base + "bullpen:fence";
    assertThat(eval(s.fenceCheck, new String[] {fence}, "5")).isEqualTo(1);
    assertThat(eval(s.fencedTrim, new String[] {fence, base + "events"}, "4", "100"))
        .isEqualTo(-1);
    String[] metricsKeys = {fence, base + "bullpen:metrics-cursor", base + "metrics:completed",
      base + "metrics:completed:data", base + "metrics:failed", base + "metrics:failed:data"};
    assertThat(eval(s.fencedMetrics, metricsKeys, "4", "1440", "1", "0", "60000", "c"))
        .isEqualTo(-1);
    assertThat(redis.command("EXISTS", base + "metrics:completed")).isEqualTo("0");
    assertThat(eval(s.fencedMetrics, metricsKeys, "5", "1440", "1", "0", "60000", "c"))
        .isEqualTo(1);
  }

  @Test
  void metricsCountEachFinishEventOnceAndFillGapsLikeBullMq() {
    String fence = base + "bullpen:fence";
    String[] keys = {fence, base + "bullpen:metrics-cursor", base + "metrics:completed",
      base + "metrics:completed:data", base + "metrics:failed", base + "metrics:failed:data"};
    // Two jobs in minute 0, one in minute 3 (two empty minutes between).
    assertThat(eval(s.fencedMetrics, keys, "1", "1440", "100", "0", "1000", "c", "100", "1",
        "2000", "c")).isEqualTo(2);
    // A new leader resends the second one: skipped.
    assertThat(eval(s.fencedMetrics, keys, "2", "1440", "100", "1", "2000", "c", "200", "0",
        "181000", "c")).isEqualTo(1);
    assertThat(redis.command("HGET", base + "metrics:completed", "count")).isEqualTo("3");
    assertThat(redis.command("LRANGE", base + "metrics:completed:data", "0", "-1"))
        .isEqualTo("0\n0\n2");
    assertThat(redis.command("GET", base + "bullpen:metrics-cursor")).isEqualTo("200-0");
    // Derived keys expire when no leader writes for 30 days.
    assertThat(Long.parseLong(redis.command("PTTL", base + "bullpen:metrics-cursor")))
        .isBetween(2_500_000_000L, 2_592_000_000L);
    assertThat(Long.parseLong(redis.command("PTTL", fence))).isPositive();
    assertThat(redis.command("GET", fence)).isEqualTo("2");
  }

  @Test
  void dataPointsAreCappedAtMaxDataPoints() {
    String[] keys = {base + "bullpen:fence", base + "bullpen:metrics-cursor",
      base + "metrics:completed", base + "metrics:completed:data", base + "metrics:failed",
      base + "metrics:failed:data"};
    eval(s.fencedMetrics, keys, "1", "60", "1", "0", "0", "f");
    eval(s.fencedMetrics, keys, "1", "60", "2", "0", Long.toString(5000L * 60_000), "f");
    assertThat(redis.command("LLEN", base + "metrics:failed:data")).isEqualTo("60");
  }
}
