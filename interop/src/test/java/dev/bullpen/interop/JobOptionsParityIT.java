package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Job options that a worker must honour, set by BullMQ's producer and applied once by a BullMQ
 * worker and once by a Bullpen worker: {@code stackTraceLimit} (0 = keep no trace, n = keep the
 * last n), {@code keepLogs} (keep the last n log rows), immediate retries without backoff, and
 * unusual data (unicode, line separators, nested arrays).
 */
class JobOptionsParityIT extends InteropTestBase {
  static final List<String> IDS = List.of("1", "2", "3", "4");
  static String viaNode;
  static String viaBullpen;

  static Scenario scenario() {
    return new Scenario()
        .add("boom", Map.of(), Map.of("stackTraceLimit", 0))
        .add("boom", Map.of(), Map.of("attempts", 3, "stackTraceLimit", 1))
        .add("logs", Map.of(), Map.of("keepLogs", 2))
        .add("echo", Map.of("s", "h\u00e9llo \u2713 \ud83d\ude00 \u2028 </script> \\ \"q\"",
            "n", List.of(List.of(1.5, -2), Map.of())), Map.of())
        .behave("boom", Map.of("fail", "boom"))
        .behave("logs", Map.of("logs", List.of("a", "b", "c"), "returns", 3))
        .behave("echo", Map.of("echo", true));
  }

  @BeforeAll
  static void runOnBothWorkers() {
    viaNode = TestNames.uniqueQueue("opts-bullmq");
    viaBullpen = TestNames.uniqueQueue("opts-bullpen");
    assertThat(nodeProduce(viaNode, scenario())).isEqualTo(IDS);
    assertThat(nodeProduce(viaBullpen, scenario())).isEqualTo(IDS);
    nodeWork(viaNode, scenario(), IDS.size(), "w");
    scenario().runBullpenWorker(bullpen, viaBullpen, IDS.size(), "w", Duration.ofSeconds(20));
  }

  /** BullMQ: {@code stackTraceLimit: 0} stores an empty trace list. */
  @Test
  void stackTraceLimitZeroKeepsNoTrace() {
    assertThat(probe.job(viaNode, "1")).containsEntry("stacktrace", "[]");
    assertThat(Parity.jobHash("job 1 (stackTraceLimit 0)", probe.job(viaNode, "1"),
        probe.job(viaBullpen, "1"))).isEmpty();
  }

  @Test
  void stackTraceLimitKeepsTheLastTraces() {
    assertThat(probe.job(viaNode, "2")).containsEntry("atm", "3");
    assertThat(Parity.jobHash("job 2 (stackTraceLimit 1)", probe.job(viaNode, "2"),
        probe.job(viaBullpen, "2"))).isEmpty();
    assertThat(Parity.events(probe.events(viaNode), probe.events(viaBullpen))).isEmpty();
  }

  @Test
  void keepLogsKeepsTheLastRows() {
    assertThat(probe.redis.lrange(RedisProbe.key(viaNode, "3:logs"), 0, -1))
        .containsExactly("b", "c");
    assertThat(probe.redis.lrange(RedisProbe.key(viaBullpen, "3:logs"), 0, -1))
        .containsExactly("b", "c");
  }

  @Test
  void unusualDataRoundTrips() {
    assertThat(Parity.jobHash("job 4", probe.job(viaNode, "4"), probe.job(viaBullpen, "4")))
        .isEmpty();
    assertThat(probe.job(viaBullpen, "4").get("returnvalue"))
        .contains("\u2713").contains("\ud83d\ude00");
  }
}
