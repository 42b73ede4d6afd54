package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Queue;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins down, with the real bullmq, where Bullpen knowingly behaves differently (see the table
 * in interop/README.md). Each test asserts what both sides actually do today; when Bullpen
 * closes a gap, the matching test fails and is updated together with the README.
 */
class KnownDifferencesIT extends InteropTestBase {

  /**
   * BullMQ's Queue.promoteJobs (moveJobsToWait on delayed) LPUSHes every delayed job to wait,
   * ignoring its priority, and leaves its delay field. Bullpen's promoteJobs puts a job with a
   * priority into prioritized and resets delay to 0, as automatic promotion does on both sides.
   */
  @Test
  void promoteJobsHonoursPriorityInBullpenOnly() {
    Scenario s = new Scenario().add("p", Map.of(), Map.of("delay", 60_000, "priority", 4));
    String viaNode = TestNames.uniqueQueue("promote-bullmq");
    nodeProduce(viaNode, s);
    nodeAdmin(viaNode, "promoteJobs");
    String viaBullpen = TestNames.uniqueQueue("promote-bullpen");
    nodeProduce(viaBullpen, s);
    assertThat(bullpen.queue(viaBullpen).promoteJobs()).isEqualTo(1);

    assertThat(probe.redis.lrange(RedisProbe.key(viaNode, "wait"), 0, -1)).containsExactly("1");
    assertThat(probe.redis.zcard(RedisProbe.key(viaNode, "prioritized"))).isZero();
    assertThat(probe.job(viaNode, "1")).containsEntry("delay", "60000");

    assertThat(probe.redis.llen(RedisProbe.key(viaBullpen, "wait"))).isZero();
    assertThat(probe.redis.zrange(RedisProbe.key(viaBullpen, "prioritized"), 0, -1))
        .containsExactly("1");
    assertThat(probe.job(viaBullpen, "1")).containsEntry("delay", "0");
    // Both emit the same event.
    assertThat(Parity.perJob(probe.events(viaBullpen)))
        .isEqualTo(Parity.perJob(probe.events(viaNode)));
  }

  /**
   * Bullpen may take several jobs in one moveToActive call (up to concurrency): the stream then
   * shows several {@code active} events before the first {@code completed}. Each job's own
   * event sequence and hash are the same as BullMQ's.
   */
  @Test
  void bullpenTakesSeveralJobsPerFetch() {
    String q = TestNames.uniqueQueue("batch-fetch");
    Scenario s = new Scenario().add("a", 1, Map.of()).add("a", 2, Map.of())
        .add("a", 3, Map.of()).behave("a", Map.of("sleepMs", 200, "echo", true));
    nodeProduce(q, s);
    s.runBullpenWorker(bullpen, q, 3, Duration.ofSeconds(20),
        WorkerOptions.builder().concurrency(3).build());
    List<String> names = probe.events(q).stream().map(RedisProbe.Event::name).toList();
    int firstCompleted = names.indexOf("completed");
    assertThat(names.subList(0, firstCompleted)).as("events %s", names)
        .filteredOn("active"::equals).hasSize(3);
    for (List<String> perJob : Parity.perJob(probe.events(q)).values()) {
      assertThat(perJob).hasSize(4);
      assertThat(perJob.get(2)).isEqualTo("active{prev=waiting}");
    }
    JsonNode counts = nodeDump(q, List.of()).get("counts");
    assertThat(counts.get("completed").asInt()).isEqualTo(3);
  }

  /**
   * A BullMQ Queue object writes {@code meta.version = bullmq:<version>} when constructed;
   * Bullpen writes only {@code opts.maxLenEvents} (from its scripts), so a queue only Bullpen
   * touched has no version tag. No script reads it (FORMAT.md 2.5).
   */
  @Test
  void bullpenWritesNoVersionTagInMeta() {
    String q = TestNames.uniqueQueue("meta");
    Queue<Object> queue = bullpen.queue(q);
    queue.add("x", Map.of());
    assertThat(probe.redis.hgetall(RedisProbe.key(q, "meta")))
        .containsEntry("opts.maxLenEvents", "10000").doesNotContainKey("version");
    String nq = TestNames.uniqueQueue("meta-node");
    nodeProduce(nq, new Scenario().add("x", Map.of(), Map.of()));
    assertThat(probe.redis.hget(RedisProbe.key(nq, "meta"), "version"))
        .startsWith("bullmq:6.");
  }

  /**
   * Flows are not supported: when a Bullpen worker completes the child of a BullMQ flow, the
   * parent is not released (it stays in waiting-children, the child stays in its
   * dependencies and no :processed entry is written). A BullMQ worker releases it.
   */
  @Test
  void bullpenWorkerDoesNotReleaseFlowParents() {
    String q = TestNames.uniqueQueue("flow-bullpen");
    JsonNode tree = nodeAdmin(q, "addFlow", flow(q));
    String parent = tree.get("id").asText();
    String child = tree.get("children").get(0).get("id").asText();
    new Scenario().behave("child", Map.of("returns", 7))
        .runBullpenWorker(bullpen, q, 1, "java-w", Duration.ofSeconds(20));
    assertThat(probe.job(q, child)).containsEntry("returnvalue", "7");
    assertThat(probe.redis.zrange(RedisProbe.key(q, "waiting-children"), 0, -1))
        .as("Bullpen leaves the parent waiting").containsExactly(parent);
    assertThat(probe.redis.exists(RedisProbe.key(q, parent + ":processed"))).isZero();

    String nq = TestNames.uniqueQueue("flow-bullmq");
    JsonNode ntree = nodeAdmin(nq, "addFlow", flow(nq));
    String nparent = ntree.get("id").asText();
    NodeHelpers.runJson(redis, "work.js", nq, Map.of("count", 2, "behaviors",
        Map.of("child", Map.of("returns", 7), "parent", Map.of("returns", "p"))));
    assertThat(probe.job(nq, nparent)).containsEntry("returnvalue", "\"p\"");
    assertThat(probe.redis.hgetall(RedisProbe.key(nq, nparent + ":processed"))).hasSize(1);
  }

  private static Map<String, Object> flow(String queue) {
    return Map.of("name", "parent", "queueName", queue, "data", Map.of(),
        "children", List.of(Map.of("name", "child", "queueName", queue, "data", Map.of())));
  }

  /**
   * Job schedulers are not supported: a Bullpen worker that processes a scheduler's iteration
   * does not create the next one (BullMQ's worker does, right after fetching it), so the
   * schedule stops.
   */
  @Test
  void bullpenWorkerDoesNotScheduleTheNextIteration() {
    String q = TestNames.uniqueQueue("scheduler-bullpen");
    String first = nodeAdmin(q, "upsertJobScheduler", "tick",
        Map.of("every", 60_000, "immediately", true), Map.of("name", "tick")).asText();
    assertThat(first).startsWith("repeat:tick:");
    new Scenario().behave("tick", Map.of("returns", 1))
        .runBullpenWorker(bullpen, q, 1, "java-w", Duration.ofSeconds(20));
    assertThat(probe.job(q, first)).containsEntry("returnvalue", "1");
    assertThat(probe.redis.zcard(RedisProbe.key(q, "delayed")))
        .as("no next iteration after a Bullpen worker").isZero();

    String nq = TestNames.uniqueQueue("scheduler-bullmq");
    nodeAdmin(nq, "upsertJobScheduler", "tick", Map.of("every", 60_000, "immediately", true),
        Map.of("name", "tick"));
    NodeHelpers.runJson(redis, "work.js", nq, Map.of("count", 1, "behaviors",
        Map.of("tick", Map.of("returns", 1))));
    assertThat(probe.redis.zcard(RedisProbe.key(nq, "delayed")))
        .as("BullMQ's worker adds the next iteration").isEqualTo(1);
  }
}
