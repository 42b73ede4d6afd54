package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Queue;
import dev.bullpen.admin.Coordinator;
import dev.bullpen.admin.CoordinatorOptions;
import dev.bullpen.admin.ThroughputMinute;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-minute metrics the coordinator leader writes are BullMQ's own: BullMQ's
 * {@code Queue.getMetrics} (node/metrics.js) reads the same counts the coordinator reports.
 */
class CoordinatorMetricsInteropIT extends InteropTestBase {
  @Test
  void bullMqGetMetricsReadsWhatTheLeaderWrote() {
    String name = TestNames.uniqueQueue("metrics");
    try (Coordinator coordinator = Coordinator.start(bullpen, CoordinatorOptions.builder()
            .queues(name).refreshInterval(Duration.ofHours(1)).build());
        Queue<Object> q = bullpen.queue(name)) {
      await().atMost(Duration.ofSeconds(10)).until(coordinator::isLeader);
      bullpen.worker(name, Map.class, j -> {
        if (Boolean.TRUE.equals(j.data().get("fail"))) {
          throw new IllegalStateException("boom");
        }
        return null;
      });
      for (int i = 0; i < 12; i++) {
        q.add("job", Map.of("fail", i % 4 == 0));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        coordinator.refresh();
        return coordinator.metrics(name).completed() == 9
            && coordinator.metrics(name).failed() == 3;
      });

      JsonNode completed = NodeHelpers.runJson(redis, "metrics.js", name,
          Map.of("type", "completed")).get("result");
      JsonNode failed = NodeHelpers.runJson(redis, "metrics.js", name,
          Map.of("type", "failed")).get("result");
      assertThat(completed.get("meta").get("count").asLong()).isEqualTo(9);
      assertThat(failed.get("meta").get("count").asLong()).isEqualTo(3);

      // What BullMQ reads as finished minutes plus the open one is the coordinator's history.
      List<ThroughputMinute> history = coordinator.throughputHistory(name);
      long bullCompleted = completed.get("meta").get("count").asLong()
          - completed.get("meta").get("prevCount").asLong();
      for (JsonNode point : completed.get("data")) {
        bullCompleted += point.asLong();
      }
      assertThat(bullCompleted).isEqualTo(
          history.stream().mapToLong(ThroughputMinute::completed).sum());
      assertThat(history.stream().mapToLong(ThroughputMinute::failed).sum()).isEqualTo(3);
    }
  }
}
