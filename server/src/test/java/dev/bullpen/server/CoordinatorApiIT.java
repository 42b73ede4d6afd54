package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.JobOptions;
import dev.bullpen.Queue;
import dev.bullpen.admin.CoordinatorOptions;
import dev.bullpen.admin.WorkerPool;
import dev.bullpen.admin.WorkerPoolOptions;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The coordinator's HTTP routes and the Prometheus endpoint, on a real redis-server. */
@RedisTest
class CoordinatorApiIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private RedisServer redis;
  private Bullpen bullpen;
  private BullpenServer server;
  private Http http;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    this.redis = redis;
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .openMode(true).coordinator(CoordinatorOptions.builder()
            .refreshInterval(Duration.ofHours(1)).leaderLockPeriod(Duration.ofSeconds(3))
            .build()).build());
    http = new Http(server.url());
    q = TestNames.uniqueQueue("coord");
  }

  @AfterEach
  void stop() {
    server.close();
    bullpen.close();
  }

  private JsonNode getJson(String path) {
    HttpResponse<String> r = http.get(path);
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/json"));
    return Http.json(r);
  }

  private void assertError(String path, int status, String code) {
    HttpResponse<String> r = http.get(path);
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(status);
    JsonNode body = Http.json(r);
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank();
  }

  @Test
  void performanceReportsTheWorkloadWithHistoryAndTimings() {
    Queue<Object> queue = bullpen.queue(q);
    queue.add("first", Map.of());
    getJson("/api/admin/queues/" + q + "/performance"); // starts watching
    await().atMost(WAIT).until(() -> server.coordinator().isLeader());
    for (int i = 0; i < 9; i++) {
      queue.add("more", Map.of("fail", i == 0), JobOptions.builder().attempts(1).build());
    }
    bullpen.worker(q, Map.class, j -> {
      if (Boolean.TRUE.equals(j.data().get("fail"))) {
        throw new IllegalStateException("boom");
      }
      return null;
    });
    await().atMost(WAIT).until(() -> {
      server.coordinator().refresh();
      JsonNode p = getJson("/api/admin/queues/" + q + "/performance");
      return p.get("completed").asLong() + p.get("failed").asLong() == 10;
    });
    JsonNode p = getJson("/api/admin/queues/" + q + "/performance");
    assertThat(p.get("queue").asText()).isEqualTo(q);
    assertThat(p.get("failureRate").asDouble()).isEqualTo(0.1);
    assertThat(p.get("throughputPerMin").asDouble()).isEqualTo(10.0);
    assertThat(p.get("backlog").asLong()).isZero();
    assertThat(p.get("activeWorkers").asInt()).isEqualTo(1);
    for (String kind : new String[] {"wait", "processing", "total"}) {
      JsonNode t = p.get(kind);
      assertThat(t.get("count").asLong()).as(kind).isEqualTo(10);
      for (String f : new String[] {"avgMs", "p50Ms", "p95Ms", "p99Ms"}) {
        assertThat(t.get(f).isIntegralNumber()).as(kind + "." + f).isTrue();
      }
      assertThat(t.get("p99Ms").asLong()).isGreaterThanOrEqualTo(t.get("p50Ms").asLong());
    }
    JsonNode minutes = p.get("minutes");
    long completed = 0;
    long failed = 0;
    for (JsonNode m : minutes) {
      assertThat(m.get("t").asLong() % 60_000).isZero();
      completed += m.get("completed").asLong();
      failed += m.get("failed").asLong();
    }
    assertThat(completed).isEqualTo(9);
    assertThat(failed).isEqualTo(1);
  }

  @Test
  void healthAndAlertsFollowTheRules() {
    Queue<Object> queue = bullpen.queue(q);
    queue.add("one", Map.of());
    JsonNode h = getJson("/api/admin/queues/" + q + "/health");
    assertThat(h.get("health").asText()).isEqualTo("excellent");
    assertThat(h.get("alerts")).isEmpty();
    for (int i = 0; i < 60; i++) {
      queue.add("more", Map.of());
    }
    server.coordinator().refresh();
    h = getJson("/api/admin/queues/" + q + "/health");
    assertThat(h.get("health").asText()).isEqualTo("warning");
    JsonNode alert = h.get("alerts").get(0);
    assertThat(alert.get("rule").asText()).isEqualTo("backlog");
    assertThat(alert.get("subject").asText()).isEqualTo(q);
    assertThat(alert.get("level").asText()).isEqualTo("warning");
    assertThat(alert.get("value").asDouble()).isEqualTo(61.0);
    assertThat(alert.get("threshold").asDouble()).isEqualTo(50.0);
    assertThat(alert.get("since").asLong()).isPositive();
    assertThat(alert.get("message").asText()).contains("61");
    JsonNode all = getJson("/api/admin/alerts").get("alerts");
    assertThat(all).hasSize(1);
    assertThat(all.get(0)).isEqualTo(alert);

    JsonNode adminStats = getJson("/api/admin/queues/" + q + "/stats");
    assertThat(adminStats.get("health").asText()).isEqualTo("warning");
    assertThat(adminStats.get("metrics").get("backlog").asLong()).isEqualTo(61);
    assertThat(adminStats.get("alerts").get(0)).isEqualTo(alert);

    // What the admin stats route adds.
    com.fasterxml.jackson.databind.node.ObjectNode stats = Json.object();
    CoordinatorRoutes.addToStats(stats, server.coordinator(), q);
    assertThat(stats.get("health").asText()).isEqualTo("warning");
    assertThat(stats.get("alerts").get(0)).isEqualTo(alert);
    assertThat(stats.get("metrics").get("backlog").asLong()).isEqualTo(61);
    com.fasterxml.jackson.databind.node.ObjectNode none = Json.object();
    CoordinatorRoutes.addToStats(none, server.coordinator(), TestNames.uniqueQueue("absent"));
    assertThat(none.isEmpty()).isTrue();
  }

  @Test
  void coordinatorRouteShowsTheLeaderAndThePools() {
    JsonNode idle = getJson("/api/admin/coordinator");
    assertThat(idle.get("leader").asBoolean()).as("no queue watched, no candidate").isFalse();
    assertThat(idle.get("leaderId").isNull()).isTrue();
    bullpen.queue(q).add("one", Map.of());
    getJson("/api/admin/queues/" + q + "/health"); // starts watching, so it runs for leader
    await().atMost(WAIT).until(() -> server.coordinator().isLeader());
    JsonNode c = getJson("/api/admin/coordinator");
    assertThat(c.get("leader").asBoolean()).isTrue();
    assertThat(c.get("leaderId").asText()).isEqualTo(server.coordinator().instanceId());
    assertThat(c.get("fencingToken").asLong()).isPositive();
    assertThat(c.get("pools")).isEmpty();
    WorkerPool<Object> pool = server.coordinator().workerPool(q, Object.class, j -> null,
        WorkerPoolOptions.builder().min(2).max(5).scaleInterval(Duration.ofHours(1)).build());
    JsonNode row = getJson("/api/admin/coordinator").get("pools").get(0);
    assertThat(row.get("queue").asText()).isEqualTo(q);
    assertThat(row.get("min").asInt()).isEqualTo(2);
    assertThat(row.get("max").asInt()).isEqualTo(5);
    assertThat(row.get("current").asInt()).isEqualTo(2);
    assertThat(row.get("target").asInt()).isEqualTo(pool.target());
    assertThat(http.get("/metrics").body()).contains(
        "bullpen_pool_workers{queue=\"" + q + "\"} 2.0");
  }

  @Test
  void aServerThatWatchesNoQueueWritesNothingToRedis() {
    String before = redis.command("DEBUG", "DIGEST");
    getJson("/api/admin/alerts");
    getJson("/api/admin/coordinator");
    assertThat(http.get("/metrics").statusCode()).isEqualTo(200);
    // Lock period 3 s: a candidate would have taken and renewed the lock within this.
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
        .until(() -> redis.command("DEBUG", "DIGEST").equals(before));
  }

  @Test
  void badInputGets4xxJsonAndChangesNothing() {
    String before = redis.command("DBSIZE");
    assertError("/api/admin/queues/a:b/performance", 400, "bad_request");
    assertError("/api/admin/queues/a%01b/health", 400, "bad_request");
    assertError("/api/admin/queues/" + "x".repeat(300) + "/performance", 400, "bad_request");
    String absent = TestNames.uniqueQueue("absent");
    assertError("/api/admin/queues/" + absent + "/performance", 404, "not_found");
    assertError("/api/admin/queues/" + absent + "/health", 404, "not_found");
    assertThat(redis.command("DBSIZE")).isEqualTo(before);
    assertThat(server.coordinator().queues()).doesNotContain(absent);
  }

  @Test
  void prometheusScrapeHasTheMetersAndNoJobIdsOrNames() {
    Queue<Object> queue = bullpen.queue(q);
    queue.add("secret-name-abc", Map.of(), JobOptions.builder().jobId("secret-id-xyz").build());
    getJson("/api/admin/queues/" + q + "/health");
    bullpen.worker(q, Object.class, j -> null);
    await().atMost(WAIT).until(() -> {
      server.coordinator().refresh();
      return server.coordinator().metrics(q).completed() == 1;
    });
    getJson("/api/queues/" + q + "/jobs/secret-id-xyz"); // a status cache answer

    HttpResponse<String> r = http.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/plain"));
    String text = r.body();
    assertThat(text).contains(
        "bullpen_queue_jobs{queue=\"" + q + "\",state=\"completed\"} 1.0",
        "bullpen_queue_finished_total{queue=\"" + q + "\",state=\"completed\"} 1.0",
        "bullpen_queue_wait_seconds_count{queue=\"" + q + "\"} 1",
        "bullpen_queue_processing_seconds{queue=\"" + q + "\",quantile=\"0.95\"}",
        "bullpen_queue_throughput{queue=\"" + q + "\"}",
        "bullpen_queue_health{queue=\"" + q + "\"} 0.0",
        "bullpen_alerts{queue=\"" + q + "\",rule=\"backlog\"} 0.0",
        "bullpen_coordinator_leader",
        "bullpen_status_answers_total{result=\"miss\"}");
    assertThat(text).doesNotContain("secret-id-xyz").doesNotContain("secret-name-abc");
  }

  @Test
  void withoutACoordinatorItsRoutesAnswer503() {
    try (BullpenServer bare = BullpenServer.start(bullpen, ServerOptions.builder()
        .host("127.0.0.1").port(0).openMode(true).coordinator(null).build())) {
      HttpResponse<String> r = new Http(bare.url()).get("/api/admin/coordinator");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(Http.json(r).get("error").asText()).isEqualTo("unavailable");
      assertThat(new Http(bare.url()).get("/metrics").body()).contains("bullpen_status_");
      assertThat(Http.json(new Http(bare.url()).get("/api/admin/alerts")).get("alerts"))
          .as("the Redis monitor's alerts still answer").isNotNull();
    }
  }
}
