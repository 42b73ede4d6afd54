package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.testing.RedisSentinelSet;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sentinel failover under load: the master dies (SIGKILL) or freezes (SIGSTOP) while producers
 * add and a worker processes; clients must follow the promoted replica by themselves. Prints one
 * FAILOVER line per run (the README's numbers come from these lines).
 *
 * <p>On loopback a replica receives each write within microseconds, so a plain kill loses
 * nothing. The first two runs therefore let the replica fall 300 ms behind before the kill (see
 * {@link #lagReplicas}): acknowledged adds of those 300 ms are what asynchronous replication
 * loses, and what {@code durableAdd} keeps. The worker pauses for those 300 ms (a backlog): a
 * job that already ran before the master died is not counted as lost, even if its record was.
 */
class SentinelFailoverIT {
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  @Test
  void clientsFollowThePromotedReplicaAndDurableAddsLoseNothing() throws Exception {
    try (RedisSentinelSet set = RedisSentinelSet.builder()
        .failoverTimeout(Duration.ofSeconds(2)).start()) {
      FailoverLoad.Result plain = run(set, "sentinel kill, lag 300ms", false, false, 300);
      assertThat(plain.acknowledged()).isGreaterThan(500);
      assertThat(plain.lost()).as("acknowledged adds lost with lagging replicas").isPositive();

      FailoverLoad.Result durable = run(set, "sentinel kill, lag 300ms, durable", true, false,
          300);
      assertThat(durable.lost()).as("acknowledged durable adds lost").isZero();
      assertThat(durable.unconfirmed())
          .as("durable adds with no replica to acknowledge them throw NotReplicated")
          .isPositive();

      FailoverLoad.Result frozen = run(set, "sentinel freeze", false, true, 0);
      assertThat(frozen.acknowledged()).isGreaterThan(500);
    }
  }

  private static FailoverLoad.Result run(RedisSentinelSet set, String label, boolean durable,
      boolean freeze, long lagMs) throws Exception {
    Bullpen.Builder b = Bullpen.builder().uri(set.uri()).commandTimeout(Duration.ofSeconds(1));
    if (durable) {
      b.durableAdd(1, Duration.ofMillis(500));
    }
    RedisServer old = set.master();
    List<RedisServer> replicas = set.replicas();
    FailoverLoad.Result result;
    try (Bullpen bp = b.build();
        FailoverLoad load = new FailoverLoad(bp, "{" + TestNames.uniqueQueue("failover") + "}",
            2)) {
      load.start();
      Thread.sleep(1500);
      if (lagMs > 0) {
        lagReplicas(old, replicas, load, lagMs);
      }
      if (freeze) {
        old.pause();
      } else {
        old.kill();
      }
      load.killed();
      replicas.forEach(RedisServer::resume);
      set.awaitFailover(old, RECOVERY);
      load.awaitRecovery(RECOVERY);
      set.restart(old);
      load.awaitAcks(RECOVERY);
      Thread.sleep(500);
      result = load.finish(label, RECOVERY);
      assertThat(load.addErrors()).allSatisfy(e -> assertThat(e)
          .isInstanceOf(RedisUnavailableException.class));
    } finally {
      replicas.forEach(RedisServer::resume);
      if (freeze) {
        old.resume();
      }
    }
    System.out.println(result);
    return result;
  }

  /**
   * Makes the replicas fall behind, deterministically: they freeze, and 16 MB of filler goes into
   * the replication stream, more than the kernel buffers on loopback take while a reader sleeps,
   * so every later write waits in the master's own output buffer and dies with the master. Then
   * the worker pauses (a backlog builds) and {@code lagMs} pass.
   */
  static void lagReplicas(RedisServer master, List<RedisServer> replicas, FailoverLoad load,
      long lagMs) throws InterruptedException {
    replicas.forEach(RedisServer::pause);
    master.command("SET", "failover-test-filler", "x".repeat(16 << 20));
    load.pauseWorker();
    Thread.sleep(lagMs);
  }
}
