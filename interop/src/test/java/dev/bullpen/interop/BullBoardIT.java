package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.JobCounts;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.TestNames;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A BullMQ tool reading queues only Bullpen wrote: Bull Board ({@code @bull-board/api} with its
 * BullMQAdapter behind {@code @bull-board/express}, pinned in package.json; node/board.js) is
 * started on a free loopback port and asked through its own HTTP API: the counts, the paused
 * flag, the job lists per state and each job's details (name, data, returnvalue, failedReason,
 * progress, attemptsMade, stack traces, logs) must be what Bullpen wrote; a running Bullpen
 * worker shows up in the board's worker list.
 */
class BullBoardIT extends InteropTestBase {
  static String done;
  static String pending;
  static NodeHelpers.Running board;
  static HttpClient http;
  static URI base;
  static final Map<String, String> ids = new LinkedHashMap<>();

  @BeforeAll
  static void bullpenWritesTheQueuesAndTheBoardServesThem() {
    done = TestNames.uniqueQueue("board-done");
    Scenario s = new Scenario()
        .add("transcode", Map.of("file", "intro.mp4", "sizes", List.of(480, 720)), Map.of())
        .add("thumbnail", "plain text data", Map.of("jobId", "thumb-1"))
        .add("upload", Map.of("to", "s3"), Map.of("attempts", 2,
            "backoff", Map.of("type", "fixed", "delay", 50)))
        .add("report", Map.of(), Map.of())
        .behave("transcode", Map.of("returns", Map.of("url", "https://cdn.example/intro.webm",
            "bytes", 1234)))
        .behave("thumbnail", Map.of("returns", "thumb.png"))
        .behave("upload", Map.of("fail", "bucket not found"))
        .behave("report", Map.of("progress", List.of(10, Map.of("pct", 50, "stage", "encode")),
            "logs", List.of("started", "half way"), "returns", List.of(1, 2, 3)));
    List<String> added = s.addWithBullpen(bullpen.queue(done));
    List.of("transcode", "thumbnail", "upload", "report").forEach(n -> ids.put(n,
        added.get(ids.size())));
    s.runBullpenWorker(bullpen, done, 4, "java-w", Duration.ofSeconds(20));

    pending = TestNames.uniqueQueue("board-pending");
    new Scenario()
        .add("later", Map.of("n", 1), Map.of("delay", 3_600_000))
        .add("urgent", Map.of("n", 2), Map.of("priority", 1))
        .add("plain", Map.of("n", 3), Map.of()).add("plain", Map.of("n", 4), Map.of())
        .before("pause")
        .addWithBullpen(bullpen.queue(pending));

    board = NodeHelpers.start(redis, "board.js", "-", Map.of("names", List.of(done, pending),
        "timeoutMs", 120_000));
    try {
      JsonNode ready = board.awaitLine(n -> n.has("port"), Duration.ofSeconds(30));
      base = URI.create("http://127.0.0.1:" + ready.get("port").asInt() + "/");
    } catch (RuntimeException | Error e) {
      board.kill();
      throw e;
    }
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopTheBoard() {
    if (board != null) {
      board.kill();
      board.await(Duration.ofSeconds(5));
    }
  }

  static JsonNode get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
      return NodeHelpers.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** GET /api/queues with one queue opened at one state; that queue's entry. */
  static JsonNode queue(String name, String status) {
    JsonNode all = get("api/queues?activeQueue=" + enc(name) + "&status=" + status
        + "&page=1&jobsPerPage=50");
    for (JsonNode q : all.get("queues")) {
      if (q.get("name").asText().equals(name)) {
        return q;
      }
    }
    throw new AssertionError("the board does not list " + name + ": " + all);
  }

  static JsonNode job(JsonNode queue, String id) {
    for (JsonNode j : queue.get("jobs")) {
      if (j.get("id").asText().equals(id)) {
        return j;
      }
    }
    throw new AssertionError("job " + id + " not listed: " + queue.get("jobs"));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static Map<String, Integer> bullmqCounts(JobCounts c) {
    Map<String, Integer> m = new HashMap<>();
    m.put("waiting", (int) c.waiting());
    m.put("prioritized", (int) c.prioritized());
    m.put("delayed", (int) c.delayed());
    m.put("active", (int) c.active());
    m.put("completed", (int) c.completed());
    m.put("failed", (int) c.failed());
    m.put("waiting-children", (int) c.waitingChildren());
    return m;
  }

  @Test
  void countsAndPausedFlagAreBullpens() {
    for (String q : List.of(done, pending)) {
      JsonNode entry = queue(q, "latest");
      Map<?, ?> counts = NodeHelpers.JSON.convertValue(entry.get("counts"), Map.class);
      JobCounts mine = bullpen.queue(q).getJobCounts();
      Map<String, Integer> expected = bullmqCounts(mine);
      // BullMQ 6 reports a paused queue's jobs as waiting and has no paused count.
      counts.remove("paused");
      assertThat(counts).as("board counts of %s", q).isEqualTo(expected);
      assertThat(entry.get("isPaused").asBoolean()).as("paused flag of %s", q)
          .isEqualTo(q.equals(pending));
      assertThat(entry.get("type").asText()).isEqualTo("bullmq");
    }
    assertThat(bullmqCounts(bullpen.queue(done).getJobCounts())).containsEntry("completed", 3)
        .containsEntry("failed", 1);
    assertThat(bullmqCounts(bullpen.queue(pending).getJobCounts())).containsEntry("waiting", 2)
        .containsEntry("delayed", 1).containsEntry("prioritized", 1);
  }

  @Test
  void completedJobsShowNameDataReturnValueProgressAndAttempts() {
    JsonNode q = queue(done, "completed");
    assertThat(q.get("jobs")).hasSize(3);
    JsonNode transcode = job(q, ids.get("transcode"));
    assertThat(transcode.get("name").asText()).isEqualTo("transcode");
    assertThat(transcode.get("data")).isEqualTo(NodeHelpers.JSON.valueToTree(
        Map.of("file", "intro.mp4", "sizes", List.of(480, 720))));
    assertThat(transcode.get("returnValue")).isEqualTo(NodeHelpers.JSON.valueToTree(
        Map.of("url", "https://cdn.example/intro.webm", "bytes", 1234)));
    assertThat(transcode.get("attempts").asInt()).isEqualTo(1);
    assertThat(transcode.get("isFailed").asBoolean()).isFalse();
    assertThat(transcode.get("processedBy").asText()).isEqualTo("java-w");
    assertThat(transcode.get("finishedOn").isNumber()).isTrue();
    assertThat(transcode.get("processedOn").isNumber()).isTrue();
    assertThat(transcode.get("timestamp").isNumber()).isTrue();

    JsonNode thumb = job(q, "thumb-1");
    assertThat(thumb.get("data").asText()).isEqualTo("plain text data");
    assertThat(thumb.get("returnValue").asText()).isEqualTo("thumb.png");
    assertThat(thumb.get("opts").get("jobId").asText()).isEqualTo("thumb-1");

    JsonNode report = job(q, ids.get("report"));
    assertThat(report.get("progress")).isEqualTo(NodeHelpers.JSON.valueToTree(
        Map.of("pct", 50, "stage", "encode")));
    assertThat(report.get("returnValue").toString()).isEqualTo("[1,2,3]");
  }

  @Test
  void failedJobShowsReasonAttemptsAndTraces() {
    JsonNode q = queue(done, "failed");
    assertThat(q.get("jobs")).hasSize(1);
    JsonNode upload = job(q, ids.get("upload"));
    assertThat(upload.get("failedReason").asText()).isEqualTo("bucket not found");
    assertThat(upload.get("attempts").asInt()).isEqualTo(2);
    assertThat(upload.get("isFailed").asBoolean()).isTrue();
    assertThat(upload.get("stacktrace")).hasSize(2);
    assertThat(upload.get("stacktrace").get(0).asText()).contains("bucket not found");
    assertThat(upload.get("opts").get("attempts").asInt()).isEqualTo(2);
    assertThat(upload.get("opts").get("backoff")).isEqualTo(NodeHelpers.JSON.valueToTree(
        Map.of("type", "fixed", "delay", 50)));
  }

  @Test
  void jobDetailsStateAndLogs() {
    JsonNode detail = get("api/queues/" + enc(done) + "/" + ids.get("report"));
    assertThat(detail.get("status").asText()).isEqualTo("completed");
    assertThat(detail.get("job").get("name").asText()).isEqualTo("report");
    assertThat(detail.get("job").get("progress").get("pct").asInt()).isEqualTo(50);
    JsonNode failed = get("api/queues/" + enc(done) + "/" + ids.get("upload"));
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.get("job").get("failedReason").asText()).isEqualTo("bucket not found");
    JsonNode logs = get("api/queues/" + enc(done) + "/" + ids.get("report") + "/logs");
    assertThat(logs.toString()).isEqualTo("[\"started\",\"half way\"]");
  }

  @Test
  void pendingJobsAreListedPerState() {
    JsonNode delayed = queue(pending, "delayed");
    assertThat(delayed.get("jobs")).hasSize(1);
    assertThat(delayed.get("jobs").get(0).get("name").asText()).isEqualTo("later");
    assertThat(delayed.get("jobs").get(0).get("delay").asLong()).isEqualTo(3_600_000);
    JsonNode prioritized = queue(pending, "prioritized");
    assertThat(prioritized.get("jobs")).hasSize(1);
    assertThat(prioritized.get("jobs").get(0).get("priority").asInt()).isEqualTo(1);
    JsonNode waiting = queue(pending, "waiting");
    assertThat(waiting.get("jobs")).hasSize(2);
    assertThat(waiting.get("jobs").findValues("name")).allMatch(n -> n.asText().equals("plain"));
    JsonNode detail = get("api/queues/" + enc(pending) + "/" + delayed.get("jobs").get(0)
        .get("id").asText());
    assertThat(detail.get("status").asText()).isEqualTo("delayed");
  }

  @Test
  void aRunningBullpenWorkerIsListed() {
    Queue<Object> q = bullpen.queue(done);
    assertThat(q.name()).isEqualTo(done);
    Worker<Object> w = bullpen.worker(done, Object.class, job -> null,
        WorkerOptions.builder().name("board-watcher").build());
    try {
      JsonNode workers = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        workers = get("api/queues/" + enc(done) + "/workers").get("workers");
        if (workers.findValues("name").stream().anyMatch(n -> n.asText().equals("board-watcher"))) {
          break;
        }
        sleep(100);
      }
      assertThat(workers.findValues("name")).as("workers the board lists: %s", workers)
          .anyMatch(n -> n.asText().equals("board-watcher"));
      assertThat(queue(done, "latest").get("hasWorkers").asBoolean()).isTrue();
    } finally {
      w.close();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
