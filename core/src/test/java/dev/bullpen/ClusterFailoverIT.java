package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.testing.RedisCluster;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Redis Cluster failover under load: the master serving the queue's slot is killed while
 * producers add and a worker processes; clients must follow the promoted replica (topology
 * refresh, MOVED) by themselves. Prints one FAILOVER line per run for the README.
 */
class ClusterFailoverIT {
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  @Test
  void clientsFollowThePromotedReplicaAndDurableAddsLoseNothing() throws Exception {
    try (RedisCluster cluster = RedisCluster.start()) {
      FailoverLoad.Result plain = run(cluster, "cluster kill", false);
      assertThat(plain.acknowledged()).isGreaterThan(500);
      FailoverLoad.Result durable = run(cluster, "cluster kill, durableAdd(1)", true);
      assertThat(durable.lost()).as("acknowledged durable adds lost").isZero();
    }
  }

  private static FailoverLoad.Result run(RedisCluster cluster, String label, boolean durable)
      throws Exception {
    String q = "{" + TestNames.uniqueQueue("failover") + "}";
    Bullpen.Builder b = Bullpen.builder().uri(cluster.uri())
        .commandTimeout(Duration.ofSeconds(1));
    if (durable) {
      b.durableAdd(1, Duration.ofMillis(500));
    }
    RedisServer old = cluster.masterOf("bull:" + q + ":wait");
    FailoverLoad.Result result;
    try (Bullpen bp = b.build(); FailoverLoad load = new FailoverLoad(bp, q, 2)) {
      load.start();
      Thread.sleep(1500);
      old.kill();
      load.killed();
      cluster.awaitFailover(old, RECOVERY);
      load.awaitRecovery(RECOVERY);
      // The promoted replica has no replica of its own until the old master rejoins.
      cluster.restart(old);
      load.awaitAcks(RECOVERY);
      Thread.sleep(500);
      result = load.finish(label, RECOVERY);
      assertThat(load.addErrors()).allSatisfy(e -> assertThat(e)
          .isInstanceOf(RedisUnavailableException.class));
    }
    System.out.println(result);
    return result;
  }
}
