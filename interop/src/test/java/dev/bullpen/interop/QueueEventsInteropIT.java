package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.QueueEvents;
import dev.bullpen.event.QueueEvent;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Acceptance (d): each side's events listener hears the other side's worker, live. A Bullpen
 * {@link QueueEvents} follows a BullMQ worker; a BullMQ QueueEvents (events.js) follows a
 * Bullpen worker and must parse every returnvalue and progress payload without error.
 */
class QueueEventsInteropIT extends InteropTestBase {

  static Scenario scenario() {
    return new Scenario()
        .add("ok", Map.of("a", 1), Map.of())
        .add("progress", Map.of(), Map.of())
        .add("boom", Map.of(), Map.of("attempts", 2,
            "backoff", Map.of("type", "fixed", "delay", 100)))
        .add("ok", Map.of("later", true), Map.of("delay", 150))
        .add("nothing", Map.of(), Map.of())
        .behave("ok", Map.of("returns", Map.of("result", 1, "arr", List.of(1, 2))))
        .behave("progress", Map.of("progress", List.of(42, Map.of("step", 2)),
            "returns", "done"))
        .behave("boom", Map.of("fail", "boom"))
        .behave("nothing", Map.of());
  }

  @Test
  void bullpenQueueEventsHearsABullmqWorker() {
    String q = TestNames.uniqueQueue("events-node-worker");
    List<QueueEvent> seen = Collections.synchronizedList(new ArrayList<>());
    try (QueueEvents events = bullpen.queueEvents(q)) {
      events.addListener(seen::add);
      Scenario s = scenario();
      List<String> ids = nodeProduce(q, s);
      assertThat(ids).containsExactly("1", "2", "3", "4", "5");
      nodeWork(q, s, ids.size(), "node-w");
      await().atMost(Duration.ofSeconds(10)).until(() -> has(seen, "retries-exhausted", "3")
          && count(seen, "completed") == 4);
    }
    List<QueueEvent> events = List.copyOf(seen);
    assertThat(names(events, "1")).containsExactly("added", "waiting", "active", "completed");
    assertThat(names(events, "2")).containsExactly("added", "waiting", "active", "progress",
        "progress", "completed");
    assertThat(names(events, "3")).containsExactly("added", "waiting", "active", "delayed",
        "waiting", "active", "failed", "retries-exhausted");
    assertThat(names(events, "4")).containsExactly("added", "delayed", "waiting", "active",
        "completed");

    QueueEvent completed = find(events, "completed", "1");
    assertThat(Parity.parse(completed.field("returnvalue")))
        .isEqualTo(NodeHelpers.JSON.valueToTree(Map.of("result", 1, "arr", List.of(1, 2))));
    assertThat(completed.prev()).isEqualTo("active");
    assertThat(find(events, "completed", "2").field("returnvalue")).isEqualTo("\"done\"");
    // BullMQ stores an undefined result as null.
    assertThat(find(events, "completed", "5").field("returnvalue")).isEqualTo("null");
    List<String> progress = events.stream()
        .filter(e -> e.event().equals("progress")).map(e -> e.field("data")).toList();
    assertThat(progress).containsExactly("42", "{\"step\":2}");
    assertThat(find(events, "failed", "3").field("failedReason")).isEqualTo("boom");
    assertThat(find(events, "retries-exhausted", "3").field("attemptsMade")).isEqualTo("2");
    assertThat(find(events, "delayed", "4").field("delay")).matches("\\d{13}");
    assertThat(find(events, "active", "1").prev()).isEqualTo("waiting");
    assertThat(events.stream().map(QueueEvent::event)).contains("drained");
  }

  @Test
  void bullmqQueueEventsHearsABullpenWorker() {
    String q = TestNames.uniqueQueue("events-bullpen-worker");
    Scenario s = scenario();
    NodeHelpers.Running listener = NodeHelpers.start(redis, "events.js", q, Map.of(
        "lastEventId", probe.lastEventId(q),
        "until", List.of(Map.of("event", "completed", "count", 4),
            Map.of("event", "retries-exhausted", "jobId", "3"))));
    try {
      listener.awaitLine(n -> n.has("ready"), Duration.ofSeconds(20));
      assertThat(s.addWithBullpen(bullpen.queue(q))).containsExactly("1", "2", "3", "4", "5");
      s.runBullpenWorker(bullpen, q, 5, "java-w", Duration.ofSeconds(20));
    } catch (RuntimeException | Error e) {
      listener.kill();
      throw e;
    }
    NodeHelpers.Result result = listener.await(Duration.ofSeconds(20));
    List<JsonNode> lines = result.jsonLines();
    assertThat(lines).as("no QueueEvents error\n%s", result.describe())
        .noneMatch(n -> n.has("error"));
    List<JsonNode> events = lines.stream().filter(n -> n.has("event")).toList();

    assertThat(nodeNames(events, "1")).as(result.describe())
        .containsExactly("added", "waiting", "active", "completed");
    assertThat(nodeNames(events, "2")).containsExactly("added", "waiting", "active", "progress",
        "progress", "completed");
    assertThat(nodeNames(events, "3")).containsExactly("added", "waiting", "active", "delayed",
        "waiting", "active", "failed", "retries-exhausted");
    assertThat(nodeNames(events, "4")).containsExactly("added", "delayed", "waiting", "active",
        "completed");

    // BullMQ's QueueEvents JSON-parsed these: Bullpen wrote valid JSON.
    assertThat(nodeArgs(events, "completed", "1").get("returnvalue"))
        .isEqualTo(NodeHelpers.JSON.valueToTree(Map.of("result", 1, "arr", List.of(1, 2))));
    assertThat(nodeArgs(events, "completed", "1").get("prev").asText()).isEqualTo("active");
    assertThat(nodeArgs(events, "completed", "2").get("returnvalue").asText()).isEqualTo("done");
    assertThat(nodeArgs(events, "completed", "5").get("returnvalue").isNull()).isTrue();
    List<String> progress = events.stream().filter(n -> n.get("event").asText()
        .equals("progress")).map(n -> n.get("args").get("data").toString()).toList();
    assertThat(progress).containsExactly("42", "{\"step\":2}");
    assertThat(nodeArgs(events, "failed", "3").get("failedReason").asText()).isEqualTo("boom");
    assertThat(nodeArgs(events, "retries-exhausted", "3").get("attemptsMade").asText())
        .isEqualTo("2");
    assertThat(nodeArgs(events, "delayed", "4").get("delay").isNumber()).isTrue();
  }

  private static boolean has(List<QueueEvent> events, String name, String jobId) {
    synchronized (events) {
      return events.stream().anyMatch(e -> e.event().equals(name)
          && jobId.equals(e.jobId()));
    }
  }

  private static long count(List<QueueEvent> events, String name) {
    synchronized (events) {
      return events.stream().filter(e -> e.event().equals(name)).count();
    }
  }

  private static List<String> names(List<QueueEvent> events, String jobId) {
    return events.stream().filter(e -> jobId.equals(e.jobId())).map(QueueEvent::event)
        .collect(Collectors.toList());
  }

  private static QueueEvent find(List<QueueEvent> events, String name, String jobId) {
    return events.stream().filter(e -> e.event().equals(name) && jobId.equals(e.jobId()))
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " event for job "
            + jobId + " in " + events));
  }

  private static List<String> nodeNames(List<JsonNode> events, String jobId) {
    return events.stream().filter(n -> jobId.equals(n.get("args").path("jobId").asText(null)))
        .map(n -> n.get("event").asText()).collect(Collectors.toList());
  }

  private static JsonNode nodeArgs(List<JsonNode> events, String name, String jobId) {
    return events.stream().filter(n -> n.get("event").asText().equals(name)
        && jobId.equals(n.get("args").path("jobId").asText(null))).map(n -> n.get("args"))
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " for job " + jobId
            + " in " + events));
  }
}
