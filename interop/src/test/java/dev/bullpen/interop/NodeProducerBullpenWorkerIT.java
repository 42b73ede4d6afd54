package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Acceptance (a): jobs added by BullMQ's Queue (plain, LIFO, delayed, prioritized, retried
 * with backoff, deduplicated) are processed by a Bullpen worker, and BullMQ's own getJob,
 * getState and getJobCounts read the results.
 */
class NodeProducerBullpenWorkerIT extends InteropTestBase {

  static Scenario scenario() {
    return new Scenario()
        .add("plain", Map.of("n", 1), Map.of())
        .add("plain", Map.of("n", 2), Map.of())
        .add("plain", Map.of("n", 3), Map.of("lifo", true))
        .add("prio", Map.of("p", 10), Map.of("priority", 10))
        .add("prio", Map.of("p", 1), Map.of("priority", 1))
        .add("later", Map.of("d", true), Map.of("delay", 200))
        .add("flaky", Map.of("f", 1), Map.of("attempts", 3,
            "backoff", Map.of("type", "exponential", "delay", 100)))
        .behave("plain", Map.of("echo", true))
        .behave("prio", Map.of("echo", true))
        .behave("later", Map.of("returns", List.of("late", 1)))
        .behave("flaky", Map.of("fail", "flaky", "failAttempts", 1, "returns", "recovered"));
  }

  @Test
  void bullpenWorkerProcessesBullmqJobsAndBullmqReadsTheResults() {
    String q = TestNames.uniqueQueue("node-to-bullpen");
    Scenario s = scenario();
    List<String> ids = nodeProduce(q, s);
    assertThat(ids).containsExactly("1", "2", "3", "4", "5", "6", "7");

    Scenario.WorkerRun run = s.runBullpenWorker(bullpen, q, ids.size(), "java-w",
        Duration.ofSeconds(20));
    assertThat(run.completed).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(run.failed).isEmpty();
    assertThat(run.errors).isEmpty();

    // Order: the LIFO job first, then wait in FIFO order, then priorities (1 before 10).
    List<String> order = run.order;
    assertThat(order.get(0)).as("processing order %s", order).isEqualTo("3");
    assertThat(order.indexOf("1")).as("order %s", order).isLessThan(order.indexOf("2"));
    assertThat(order.indexOf("2")).as("order %s", order).isLessThan(order.indexOf("5"));
    assertThat(order.indexOf("5")).as("order %s", order).isLessThan(order.indexOf("4"));

    JsonNode dump = nodeDump(q, ids);
    JsonNode counts = dump.get("counts");
    assertThat(counts.get("completed").asInt()).as("BullMQ counts %s", counts).isEqualTo(7);
    for (String state : List.of("active", "delayed", "failed", "prioritized", "waiting",
        "waiting-children")) {
      assertThat(counts.get(state).asInt()).as("BullMQ count of %s in %s", state, counts)
          .isZero();
    }

    for (String id : ids) {
      JsonNode entry = dump.get("jobs").get(id);
      JsonNode job = entry.get("job");
      assertThat(entry.get("state").asText()).as("BullMQ getState of %s", id)
          .isEqualTo("completed");
      assertThat(job.get("finishedOn").isNumber()).as("finishedOn of %s: %s", id, job).isTrue();
      assertThat(job.get("processedOn").isNumber()).as("processedOn of %s", id).isTrue();
      assertThat(job.get("processedBy").asText()).isEqualTo("java-w");
    }
    JsonNode jobs = dump.get("jobs");
    assertThat(jobs.get("1").get("job").get("returnvalue"))
        .isEqualTo(NodeHelpers.JSON.valueToTree(Map.of("echo", Map.of("n", 1))));
    assertThat(jobs.get("5").get("job").get("returnvalue"))
        .isEqualTo(NodeHelpers.JSON.valueToTree(Map.of("echo", Map.of("p", 1))));
    assertThat(jobs.get("6").get("job").get("returnvalue").toString()).isEqualTo("[\"late\",1]");
    assertThat(jobs.get("6").get("job").get("delay").asInt()).isZero();
    JsonNode flaky = jobs.get("7").get("job");
    assertThat(flaky.get("returnvalue").asText()).isEqualTo("recovered");
    assertThat(flaky.get("attemptsMade").asInt()).isEqualTo(2);
    assertThat(flaky.get("attemptsStarted").asInt()).isEqualTo(2);
    assertThat(flaky.get("failedReason").asText()).isEqualTo("flaky");
    assertThat(flaky.get("stacktrace")).hasSize(1);
    assertThat(jobs.get("1").get("job").get("attemptsMade").asInt()).isEqualTo(1);
  }

  @Test
  void bullpenWorkerReleasesBullmqDeduplicationKeys() {
    String q = TestNames.uniqueQueue("dedup");
    Scenario s = new Scenario()
        .add("d", Map.of("v", 1), Map.of("deduplication", Map.of("id", "d1")))
        .add("d", Map.of("v", 2), Map.of("deduplication", Map.of("id", "d1")))
        .behave("d", Map.of("echo", true));
    List<String> ids = nodeProduce(q, s);
    assertThat(ids).as("the second add is deduplicated to the first job").containsExactly("1",
        "1");
    assertThat(probe.redis.get(RedisProbe.key(q, "de:d1"))).isEqualTo("1");
    assertThat(probe.job(q, "1")).containsEntry("deid", "d1");

    s.runBullpenWorker(bullpen, q, 1, "java-w", Duration.ofSeconds(20));

    assertThat(probe.redis.exists(RedisProbe.key(q, "de:d1")))
        .as("the deduplication key is released when the job completes").isZero();
    List<String> again = nodeProduce(q, new Scenario()
        .add("d", Map.of("v", 3), Map.of("deduplication", Map.of("id", "d1"))));
    assertThat(again).as("a new job once the first one finished").containsExactly("3");
  }
}
