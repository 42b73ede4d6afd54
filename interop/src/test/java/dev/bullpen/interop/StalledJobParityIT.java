package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stall recovery across clients (FORMAT.md 4.6): a BullMQ worker takes a job and dies (SIGKILL,
 * lock left to expire); then either a Bullpen worker or a BullMQ worker runs the stalled check
 * and recovers it. With maxStalledCount 1 the job runs again and completes ({@code stc = 1});
 * with maxStalledCount 0 it gets {@code defa} and the next worker fails it without running it
 * ("job stalled more than allowable limit"). The Bullpen-recovered queues must end exactly as
 * the BullMQ-recovered ones: job hash and events.
 */
class StalledJobParityIT extends InteropTestBase {
  static final Duration CHECK = Duration.ofMillis(300);
  static final Map<String, String> queues = new LinkedHashMap<>();

  static Scenario scenario() {
    return new Scenario().add("s", Map.of("x", 1), Map.of())
        .behave("s", Map.of("returns", "second life"));
  }

  @BeforeAll
  static void crashBullmqWorkersMidJob() {
    List<NodeHelpers.Running> dying = new ArrayList<>();
    for (String name : List.of("bullpen-1", "bullmq-1", "bullpen-0", "bullmq-0")) {
      String q = TestNames.uniqueQueue("stall-" + name);
      queues.put(name, q);
      nodeProduce(q, scenario());
      // A worker that holds the job with a short lock, never renews it and never checks stalls.
      dying.add(NodeHelpers.start(redis, "work.js", q, Map.of("count", 1,
          "behaviors", Map.of("s", Map.of("sleepMs", 60_000)),
          "worker", Map.of("lockDuration", 800, "skipLockRenewal", true,
              "skipStalledCheck", true))));
    }
    try {
      for (String q : queues.values()) {
        await().atMost(Duration.ofSeconds(20))
            .until(() -> probe.redis.llen(RedisProbe.key(q, "active")) == 1);
      }
    } finally {
      dying.forEach(NodeHelpers.Running::kill);
    }
    for (String maxStalled : List.of("1", "0")) {
      int max = Integer.parseInt(maxStalled);
      scenario().runBullpenWorker(bullpen, queues.get("bullpen-" + maxStalled), 1,
          Duration.ofSeconds(20), WorkerOptions.builder().name("w").stalledInterval(CHECK)
              .maxStalledCount(max).build());
      NodeHelpers.runJson(redis, "work.js", queues.get("bullmq-" + maxStalled), Map.of(
          "count", 1, "behaviors", scenario().behaviors,
          "worker", Map.of("name", "w", "stalledInterval", CHECK.toMillis(),
              "maxStalledCount", max)));
    }
  }

  @Test
  void stalledJobRunsAgainAndCompletes() {
    Map<String, String> ref = probe.job(queues.get("bullmq-1"), "1");
    assertThat(ref).containsEntry("stc", "1").containsEntry("ats", "2")
        .containsEntry("atm", "1").containsEntry("returnvalue", "\"second life\"");
    Map<String, String> mine = probe.job(queues.get("bullpen-1"), "1");
    assertThat(Parity.jobHash("stalled job", ref, mine)).isEmpty();
    assertThat(Parity.events(probe.events(queues.get("bullmq-1")),
        probe.events(queues.get("bullpen-1")))).isEmpty();
    assertThat(Parity.perJob(probe.events(queues.get("bullpen-1"))).get("1"))
        .containsSubsequence("waiting{prev=active}", "stalled{}", "active{prev=waiting}",
            "completed{returnvalue=\"second life\", prev=active}");
  }

  @Test
  void jobStalledTooOftenIsFailedWithoutRunning() {
    Map<String, String> ref = probe.job(queues.get("bullmq-0"), "1");
    assertThat(ref).containsEntry("stc", "1")
        .containsEntry("failedReason", "job stalled more than allowable limit")
        .doesNotContainKey("defa").doesNotContainKey("returnvalue");
    Map<String, String> mine = probe.job(queues.get("bullpen-0"), "1");
    assertThat(Parity.jobHash("job stalled too often", ref, mine)).isEmpty();
    assertThat(Parity.events(probe.events(queues.get("bullmq-0")),
        probe.events(queues.get("bullpen-0")))).isEmpty();
    assertThat(probe.redis.zrange(RedisProbe.key(queues.get("bullpen-0"), "failed"), 0, -1))
        .containsExactly("1");
  }
}
