package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.Worker;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Server-Sent Events of one job: changes, heartbeats, Last-Event-ID resume, closing. */
@RedisTest
class JobEventsIT {
  private Bullpen bullpen;
  private BullpenServer server;
  private Http http;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .openMode(true)
        .sseHeartbeat(Duration.ofMillis(300)).sseIdleTimeout(Duration.ofSeconds(2)).build());
    http = new Http(server.url());
    q = TestNames.uniqueQueue("sse");
  }

  @AfterEach
  void stop() {
    server.close();
    bullpen.close();
  }

  private String events(String id) {
    return "/api/queues/" + q + "/jobs/" + id + "/events";
  }

  /** One SSE message: event name, id and data, skipping comments. */
  record Message(String event, String id, String data) {
    JsonNode json() {
      return Json.parse(data);
    }
  }

  private static Message next(BlockingQueue<String> lines, List<String> comments)
      throws InterruptedException {
    String event = "message";
    String id = null;
    StringBuilder data = new StringBuilder();
    while (true) {
      String line = lines.poll(10, TimeUnit.SECONDS);
      assertThat(line).as("a line within 10 s").isNotNull();
      if (line.equals("<closed>")) {
        return new Message("<closed>", null, null);
      }
      if (line.startsWith(":")) {
        comments.add(line);
      } else if (line.startsWith("event:")) {
        event = line.substring(6).trim();
      } else if (line.startsWith("id:")) {
        id = line.substring(3).trim();
      } else if (line.startsWith("data:")) {
        data.append(line.substring(5).trim());
      } else if (line.isEmpty() && data.length() > 0) {
        return new Message(event, id, data.toString());
      }
    }
  }

  @Test
  void streamsStateAndProgressUntilTheJobFinishesThenEnds() throws Exception {
    Job<Object> job = bullpen.queue(q).add("render", 1);
    Http.Sse sse = http.sse(events(job.id()));
    assertThat(sse.status().get(10, TimeUnit.SECONDS)).isEqualTo(200);
    assertThat(sse.response().get().headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    List<String> comments = new ArrayList<>();
    Message first = next(sse.lines(), comments);
    assertThat(first.event()).isEqualTo("state");
    assertThat(first.json().get("state").asText()).isEqualTo("waiting");
    assertThat(first.id()).isEqualTo(first.json().get("etag").asText());

    CountDownLatch step = new CountDownLatch(1);
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      j.updateProgress(30);
      step.await(10, TimeUnit.SECONDS);
      return "rendered";
    })) {
      Message active = next(sse.lines(), comments);
      assertThat(active.event()).isEqualTo("state");
      assertThat(active.json().get("state").asText()).isEqualTo("active");
      Message progress = active.json().get("progress").asInt() == 30 ? active
          : next(sse.lines(), comments);
      assertThat(progress.json().get("progress").asInt()).isEqualTo(30);
      Thread.sleep(700);
      List<String> seen = new ArrayList<>(comments);
      seen.addAll(sse.lines());
      assertThat(seen).as("heartbeats while nothing changes").anyMatch(l -> l.startsWith(":"));
      step.countDown();
      Message done = next(sse.lines(), comments);
      assertThat(done.event()).isEqualTo("state");
      assertThat(done.json().get("state").asText()).isEqualTo("completed");
      assertThat(done.json().get("returnValue").asText()).isEqualTo("rendered");
      assertThat(next(sse.lines(), comments).event()).isEqualTo("end");
      assertThat(next(sse.lines(), comments).event()).isEqualTo("<closed>");

      // A client that has the final view is told to stop reconnecting.
      Http.Sse again = http.sse(events(job.id()), "Last-Event-ID", done.id());
      assertThat(again.status().get(10, TimeUnit.SECONDS)).isEqualTo(204);
    }
  }

  @Test
  void lastEventIdResumesWithoutRepeatingWhatTheClientHas() throws Exception {
    Job<Object> job = bullpen.queue(q).add("render", 1);
    String etag = Http.json(http.get("/api/queues/" + q + "/jobs/" + job.id())).get("etag")
        .asText();
    Http.Sse sse = http.sse(events(job.id()), "Last-Event-ID", etag);
    assertThat(sse.status().get(10, TimeUnit.SECONDS)).isEqualTo(200);
    List<String> comments = new ArrayList<>();
    Thread.sleep(500);
    assertThat(sse.lines()).as("only heartbeats: the client is up to date")
        .allMatch(l -> l.startsWith(":") || l.isEmpty());
    job.updateProgress(7);
    Message m = next(sse.lines(), comments);
    assertThat(m.json().get("progress").asInt()).isEqualTo(7);
    assertThat(m.id()).isNotEqualTo(etag);
  }

  @Test
  void idleStreamsAreClosedAndMissingJobsAnswer404() throws Exception {
    Job<Object> job = bullpen.queue(q).add("render", 1);
    Http.Sse sse = http.sse(events(job.id()));
    List<String> comments = new ArrayList<>();
    assertThat(next(sse.lines(), comments).event()).isEqualTo("state");
    long t0 = System.nanoTime();
    assertThat(next(sse.lines(), comments).event()).isEqualTo("<closed>");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

    Http.Sse missing = http.sse(events("nope"));
    assertThat(missing.status().get(10, TimeUnit.SECONDS)).isEqualTo(404);
  }

  @Test
  void removedJobEndsItsStream() throws Exception {
    Job<Object> job = bullpen.queue(q).add("render", 1);
    Http.Sse sse = http.sse(events(job.id()));
    List<String> comments = new ArrayList<>();
    assertThat(next(sse.lines(), comments).event()).isEqualTo("state");
    job.remove();
    assertThat(next(sse.lines(), comments).event()).isEqualTo("removed");
    assertThat(next(sse.lines(), comments).event()).isEqualTo("<closed>");
  }
}
