package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Backoff;
import dev.bullpen.Job;
import dev.bullpen.JobCounts;
import dev.bullpen.JobOptions;
import dev.bullpen.JobState;
import dev.bullpen.NewJob;
import dev.bullpen.Queue;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Acceptance (b): jobs added by Bullpen (one by one and in bulk: plain, LIFO, delayed,
 * prioritized, retried with backoff) are processed by a BullMQ worker, and Bullpen's
 * Queue.getJob sees BullMQ's results: return value, finishedOn, attempts, processedBy, progress.
 */
class BullpenProducerNodeWorkerIT extends InteropTestBase {

  @Test
  void bullmqWorkerProcessesBullpenJobsAndBullpenReadsTheResults() {
    String q = TestNames.uniqueQueue("bullpen-to-node");
    Queue<Object> queue = bullpen.queue(q);
    List<String> ids = new ArrayList<>();
    ids.add(queue.add("plain", Map.of("n", 1)).id());
    ids.add(queue.add("plain", Map.of("n", 2)).id());
    ids.add(queue.add("plain", Map.of("n", 3), JobOptions.builder().lifo(true).build()).id());
    ids.add(queue.add("prio", Map.of("p", 10), JobOptions.builder().priority(10).build()).id());
    ids.add(queue.add("prio", Map.of("p", 1), JobOptions.builder().priority(1).build()).id());
    ids.add(queue.add("later", Map.of("d", true),
        JobOptions.builder().delay(Duration.ofMillis(200)).build()).id());
    ids.add(queue.add("flaky", Map.of("f", 1), JobOptions.builder().attempts(3)
        .backoff(Backoff.fixed(Duration.ofMillis(100))).build()).id());
    for (Job<Object> j : queue.addBulk(List.of(
        new NewJob<>("progress", Map.of("bulk", 1), JobOptions.DEFAULT),
        new NewJob<>("plain", "a string", JobOptions.builder().jobId("custom-1").build())))) {
      ids.add(j.id());
    }
    assertThat(ids).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "custom-1");

    Scenario behaviors = new Scenario()
        .behave("plain", Map.of("echo", true))
        .behave("prio", Map.of("echo", true))
        .behave("later", Map.of("returns", List.of("late", 1)))
        .behave("progress", Map.of("progress", List.of(7, Map.of("pct", 50)), "returns", true))
        .behave("flaky", Map.of("fail", "flaky", "failAttempts", 1, "returns", "recovered"));
    JsonNode summary = NodeHelpers.runJson(redis, "work.js", q, Map.of("count", ids.size(),
        "behaviors", behaviors.behaviors, "worker", Map.of("name", "node-w")));
    assertThat(summary.get("errors")).as("worker errors in %s", summary).isEmpty();
    assertThat(summary.get("completed")).as("completed in %s", summary).hasSize(ids.size());

    List<String> order = new ArrayList<>();
    summary.get("order").forEach(n -> order.add(n.asText()));
    assertThat(order.get(0)).as("BullMQ processing order %s", order).isEqualTo("3");
    assertThat(order.indexOf("1")).as("order %s", order).isLessThan(order.indexOf("2"));
    assertThat(order.indexOf("2")).as("order %s", order).isLessThan(order.indexOf("5"));
    assertThat(order.indexOf("5")).as("order %s", order).isLessThan(order.indexOf("4"));

    JobCounts counts = queue.getJobCounts();
    assertThat(counts).isEqualTo(new JobCounts(0, 0, 0, 0, ids.size(), 0, 0, 0));
    for (String id : ids) {
      Job<Object> job = queue.getJob(id).orElseThrow();
      assertThat(job.getState()).as("state of %s", id).isEqualTo(JobState.COMPLETED);
      assertThat(job.finishedOn()).as("finishedOn of %s", id).isNotNull();
      assertThat(job.processedOn()).as("processedOn of %s", id).isNotNull();
      assertThat(job.processedBy()).isEqualTo("node-w");
      assertThat(job.returnValueJson()).as("returnvalue of %s", id).isNotNull();
    }
    Object echo = queue.getJob("1").orElseThrow().returnValue(Object.class);
    assertThat(echo).isEqualTo(Map.of("echo", Map.of("n", 1)));
    assertThat(queue.getJob("custom-1").orElseThrow().returnValueJson())
        .isEqualTo("{\"echo\":\"a string\"}");
    assertThat(queue.getJob("6").orElseThrow().returnValueJson()).isEqualTo("[\"late\",1]");
    assertThat(queue.getJob("6").orElseThrow().delayMs()).isZero();

    Job<Object> one = queue.getJob("1").orElseThrow();
    assertThat(one.attemptsMade()).isEqualTo(1);
    assertThat(one.attemptsStarted()).isEqualTo(1);
    assertThat(one.failedReason()).isNull();

    Job<Object> flaky = queue.getJob("7").orElseThrow();
    assertThat(flaky.returnValue(String.class)).isEqualTo("recovered");
    assertThat(flaky.attemptsMade()).isEqualTo(2);
    assertThat(flaky.attemptsStarted()).isEqualTo(2);
    assertThat(flaky.failedReason()).isEqualTo("flaky");
    assertThat(flaky.stacktrace()).hasSize(1);
    assertThat(flaky.stacktrace().get(0)).startsWith("Error: flaky");
    assertThat(flaky.opts().attempts()).isEqualTo(3);
    assertThat(flaky.opts().backoff()).isEqualTo(Backoff.fixed(Duration.ofMillis(100)));

    Job<Object> progress = queue.getJob("8").orElseThrow();
    assertThat(progress.progressJson()).isEqualTo("{\"pct\":50}");
    assertThat(progress.progress()).isEqualTo(Map.of("pct", 50));
    assertThat(progress.returnValue(Boolean.class)).isTrue();
  }

  @Test
  void bullmqWorkerFailsBullpenJobForGood() {
    String q = TestNames.uniqueQueue("bullpen-to-node-fail");
    Queue<Object> queue = bullpen.queue(q);
    String id = queue.add("boom", Map.of(), JobOptions.builder().attempts(2)
        .backoff(Backoff.exponential(Duration.ofMillis(50))).build()).id();
    JsonNode summary = NodeHelpers.runJson(redis, "work.js", q, Map.of("count", 1,
        "behaviors", Map.of("boom", Map.of("fail", "boom"))));
    assertThat(summary.get("failed")).as("%s", summary).hasSize(2);

    Job<Object> job = queue.getJob(id).orElseThrow();
    assertThat(job.getState()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).isEqualTo("boom");
    assertThat(job.attemptsMade()).isEqualTo(2);
    assertThat(job.stacktrace()).hasSize(2);
    assertThat(job.finishedOn()).isNotNull();
    assertThat(job.returnValueJson()).isNull();
    assertThat(queue.getJobCounts().failed()).isEqualTo(1);
  }
}
