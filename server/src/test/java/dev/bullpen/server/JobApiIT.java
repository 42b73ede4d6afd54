package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import dev.bullpen.JobState;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST job API on a real redis-server: add, read with ETag, long poll, list, retry, delete. */
@RedisTest
class JobApiIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private Bullpen bullpen;
  private BullpenServer server;
  private Http http;
  private String q;
  private RedisServer redis;

  @BeforeEach
  void start(RedisServer redis) {
    this.redis = redis;
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .openMode(true).build());
    http = new Http(server.url());
    q = TestNames.uniqueQueue("api");
  }

  @AfterEach
  void stop() {
    server.close();
    bullpen.close();
  }

  private String jobPath(String id) {
    return "/api/queues/" + q + "/jobs/" + id;
  }

  @Test
  void addAnswers201WithIdAndLocationThenTheJobReads() {
    HttpResponse<String> r = http.post("/api/queues/" + q + "/jobs",
        "{\"name\":\"render\",\"data\":{\"file\":\"a.mp4\"},\"options\":{\"attempts\":3,"
            + "\"backoff\":{\"type\":\"exponential\",\"delay\":1000},\"priority\":2,"
            + "\"removeOnComplete\":{\"count\":10}}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode body = Http.json(r);
    String id = body.get("id").asText();
    assertThat(r.headers().firstValue("Location")).hasValue(jobPath(id));
    assertThat(body.get("location").asText()).isEqualTo(jobPath(id));
    assertThat(body.get("page").asText()).isEqualTo("/jobs/" + q + "/" + id);

    JsonNode view = Http.json(http.get(jobPath(id)));
    assertThat(view.get("state").asText()).isEqualTo("prioritized");
    assertThat(view.get("name").asText()).isEqualTo("render");
    assertThat(view.get("maxAttempts").asInt()).isEqualTo(3);
    assertThat(view.get("stale").asBoolean()).isFalse();
    Job<Object> stored = bullpen.queue(q).getJob(id).orElseThrow();
    assertThat(stored.dataJson()).isEqualTo("{\"file\":\"a.mp4\"}");
    assertThat(stored.opts().attempts()).isEqualTo(3);
  }

  @Test
  void etagGives304AndCacheControlFollowsTheState() throws Exception {
    Queue<Object> queue = bullpen.queue(q);
    String id = queue.add("render", 1).id();
    HttpResponse<String> first = http.get(jobPath(id));
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).startsWith("\"").endsWith("\"");
    assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");

    HttpResponse<String> again = http.get(jobPath(id), "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers().firstValue("ETag")).hasValue(etag);

    CountDownLatch done = new CountDownLatch(1);
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> "ok")) {
      await().atMost(WAIT).until(() -> Http.json(http.get(jobPath(id))).get("state").asText()
          .equals("completed"));
      done.countDown();
    }
    HttpResponse<String> finished = http.get(jobPath(id), "If-None-Match", etag);
    assertThat(finished.statusCode()).isEqualTo(200);
    assertThat(finished.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
    assertThat(Http.json(finished).get("returnValue").asText()).isEqualTo("ok");
    String finalTag = finished.headers().firstValue("ETag").orElseThrow();
    assertThat(finalTag).isNotEqualTo(etag);
    assertThat(http.get(jobPath(id), "If-None-Match", "W/" + finalTag + ", \"other\"")
        .statusCode()).isEqualTo(304);
  }

  @Test
  void longPollAnswersAsSoonAsTheJobChangesOr304AtTheDeadline() throws Exception {
    Job<Object> job = bullpen.queue(q).add("render", 1);
    String etag = http.get(jobPath(job.id())).headers().firstValue("ETag").orElseThrow();

    long t0 = System.nanoTime();
    HttpResponse<String> unchanged = http.get(jobPath(job.id()) + "?waitForChange=700ms",
        "If-None-Match", etag);
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(took).isBetween(650L, 5000L);

    CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(
        () -> http.get(jobPath(job.id()) + "?waitForChange=30s", "If-None-Match", etag));
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    long changedAt = System.nanoTime();
    job.updateProgress(42);
    HttpResponse<String> changed = waiting.get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changedAt)).isLessThan(3000);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(Http.json(changed).get("progress").asInt()).isEqualTo(42);
    assertThat(changed.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);

    HttpResponse<String> noTag = http.get(jobPath(job.id()) + "?waitForChange=30s");
    assertThat(noTag.statusCode()).as("nothing to compare: answers at once").isEqualTo(200);
  }

  @Test
  void listsJobsByStateAndQueuesWithCounts() {
    Queue<Object> queue = bullpen.queue(q);
    queue.add("a", 1);
    queue.add("b", 2);
    queue.add("later", 3, JobOptions.builder().delay(Duration.ofHours(1)).build());
    JsonNode page = Http.json(http.get("/api/queues/" + q + "/jobs?state=waiting&start=0&end=9"
        + "&order=asc"));
    assertThat(page.get("jobs")).hasSize(2);
    assertThat(page.get("jobs").get(0).get("name").asText()).isEqualTo("a");
    assertThat(page.get("jobs").get(0).get("state").asText()).isEqualTo("waiting");

    JsonNode one = Http.json(http.get("/api/queues/" + q));
    assertThat(one.get("counts").get("waiting").asInt()).isEqualTo(2);
    assertThat(one.get("counts").get("delayed").asInt()).isEqualTo(1);
    assertThat(one.get("paused").asBoolean()).isFalse();

    JsonNode all = Http.json(http.get("/api/queues"));
    assertThat(all.get("queues").findValuesAsText("name")).contains(q);
  }

  @Test
  void retryAndDeleteFollowTheJobsState() {
    Queue<Object> queue = bullpen.queue(q);
    String failing = queue.add("bad", 1).id();
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      throw new IllegalStateException("boom");
    })) {
      await().atMost(WAIT).until(() -> queue.getState(failing) == JobState.FAILED);
    }
    assertThat(http.post(jobPath(failing) + "/retry", "").statusCode()).isEqualTo(200);
    assertThat(queue.getState(failing)).isEqualTo(JobState.WAITING);
    HttpResponse<String> again = http.post(jobPath(failing) + "/retry", "");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(Http.json(again).get("error").asText()).isEqualTo("conflict");
    assertThat(http.post(jobPath("nope") + "/retry", "").statusCode()).isEqualTo(404);

    assertThat(http.delete(jobPath(failing)).statusCode()).isEqualTo(204);
    assertThat(queue.getJob(failing)).isEmpty();
    assertThat(http.delete(jobPath(failing)).statusCode()).isEqualTo(404);
    await().atMost(WAIT).until(() -> http.get(jobPath(failing)).statusCode() == 404);

    CountDownLatch hold = new CountDownLatch(1);
    String held = queue.add("held", 1).id();
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      hold.await(10, TimeUnit.SECONDS);
      return null;
    }, WorkerOptions.builder().shutdownTimeout(Duration.ofSeconds(5)).build())) {
      await().atMost(WAIT).until(() -> queue.getState(held) == JobState.ACTIVE);
      HttpResponse<String> locked = http.delete(jobPath(held));
      assertThat(locked.statusCode()).isEqualTo(409);
      hold.countDown();
    }
  }

  @Test
  void healthIsLiveAndReadyWithRedis() {
    assertThat(http.get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = http.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(Http.json(ready).get("redis").get("status").asText()).isEqualTo("UP");
    assertThat(Http.json(ready).get("circuit").asText()).isEqualTo("CLOSED");
    assertThat(Http.json(http.get("/api/status-cache")).has("hits")).isTrue();
  }

  @Test
  void jobPageIsServedWithAStrictContentSecurityPolicy() {
    HttpResponse<String> page = http.get("/jobs/" + q + "/1");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'").doesNotContain("unsafe-inline");
    assertThat(page.body()).contains("/assets/job.js");
    assertThat(http.get("/assets/job.js").statusCode()).isEqualTo(200);
    assertThat(http.get("/jobs/bad:queue/1").statusCode()).isEqualTo(400);
  }

  @Test
  void unknownJobsAndRoutesAnswer404InTheErrorShape() {
    HttpResponse<String> job = http.get(jobPath("missing"));
    assertThat(job.statusCode()).isEqualTo(404);
    assertThat(Http.json(job).get("error").asText()).isEqualTo("not_found");
    assertThat(Http.json(job).get("message").asText()).contains("missing", q);
    HttpResponse<String> route = http.get("/api/nothing-here");
    assertThat(route.statusCode()).isEqualTo(404);
    assertThat(Http.json(route).get("error").asText()).isEqualTo("not_found");
    assertThat(redis.command("KEYS", "bull:" + q + ":*")).isEmpty();
  }
}
