package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisCluster;
import dev.bullpen.testing.TestNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The monitor and the doctor on a Redis Cluster: every master read, hash tags judged. */
class RedisClusterMonitorIT {
  @Test
  void figuresCoverEveryMasterAndUntaggedQueuesAreCritical() {
    try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(0).start();
        Bullpen bp = Bullpen.connect(cluster.uri())) {
      String tagged = "{" + TestNames.uniqueQueue("video") + "}";
      bp.queue(tagged).add("j", Map.of("n", 1));
      // a queue written by a client that ignored hash tags
      String untagged = TestNames.uniqueQueue("emails");
      String meta = "bull:" + untagged + ":meta";
      cluster.masterOf(meta).command("HSET", meta, "version", "bullmq:5.0.0");

      RedisReport report = RedisMonitor.create(bp).report();
      assertThat(report.serverError()).isNull();
      assertThat(report.server().mode()).isEqualTo("cluster");
      assertThat(report.server().nodes()).isEqualTo(3);
      assertThat(report.server().keys()).isGreaterThanOrEqualTo(3);
      assertThat(report.queues()).extracting(QueueRedisFigures::queue)
          .contains(tagged, untagged);
      QueueRedisFigures q = report.queues().stream().filter(x -> x.queue().equals(tagged))
          .findFirst().orElseThrow();
      assertThat(q.jobs()).isEqualTo(1);
      assertThat(q.eventsLength()).isEqualTo(2);

      Finding tags = report.findings().stream()
          .filter(f -> f.check().equals("cluster-hash-tags")).findFirst().orElseThrow();
      assertThat(tags.severity()).isEqualTo(HealthLevel.CRITICAL);
      assertThat(tags.message()).contains(untagged).doesNotContain(tagged);

      Finding onlyTagged = RedisDoctor.run(bp, List.of(tagged)).stream()
          .filter(f -> f.check().equals("cluster-hash-tags")).findFirst().orElseThrow();
      assertThat(onlyTagged.severity()).isEqualTo(HealthLevel.EXCELLENT);
    }
  }
}
