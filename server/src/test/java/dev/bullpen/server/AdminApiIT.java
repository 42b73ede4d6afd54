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
import dev.bullpen.admin.Admin;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoints of CONTRACT.md on a real redis-server: shapes, actions, roles, bad input. */
@RedisTest
class AdminApiIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String TOKEN = "admin-test-token";
  private RedisServer redis;
  private Bullpen bullpen;
  private BullpenServer server;
  private Http http;
  private String q;
  private Queue<Object> queue;

  @BeforeEach
  void start(RedisServer redis) {
    this.redis = redis;
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .apiToken(TOKEN).build());
    http = new Http(server.url(), "Authorization", "Bearer " + TOKEN);
    q = TestNames.uniqueQueue("adminapi");
    queue = bullpen.queue(q);
  }

  @AfterEach
  void stop() {
    server.close();
    bullpen.close();
  }

  private String path(String rest) {
    return "/api/admin/queues/" + q + rest;
  }

  private HttpResponse<String> post(String p, String body) {
    return http.post(p, body, "Authorization", "Bearer " + TOKEN);
  }

  private HttpResponse<String> delete(String p) {
    return http.delete(p, "Authorization", "Bearer " + TOKEN);
  }

  private static JsonNode ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/json"));
    return Http.json(r);
  }

  private String digest() {
    return redis.command("DEBUG", "DIGEST") + "/" + redis.dbSize();
  }

  /** Three jobs that fail for good (attempts 2), two that complete, one waiting, one delayed. */
  private Map<String, String> workload() {
    Map<String, String> ids = new LinkedHashMap<>();
    for (String n : List.of("bad-a", "bad-b", "bad-a", "good", "good")) {
      Job<Object> j = queue.add(n, Map.of("n", n), JobOptions.builder().attempts(2).build());
      ids.put(n + "#" + ids.size(), j.id());
    }
    Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      j.log("run " + j.attemptsMade());
      if (j.name().startsWith("bad")) {
        throw new IllegalStateException("nope " + j.name());
      }
      return Map.of("done", true);
    });
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 3
        && queue.getJobCounts().completed() == 2);
    w.close();
    ids.put("waiting", queue.add("idle", Map.of()).id());
    ids.put("delayed", queue.add("later", Map.of(), JobOptions.builder()
        .delay(Duration.ofHours(1)).build()).id());
    return ids;
  }

  @Test
  void theQueueListIsPagedAndSearchedOnTheServer() {
    for (int i = 0; i < 30; i++) {
      bullpen.queue(q + "-" + (100 + i)).add("x", i);
    }
    bullpen.queue(q + "-105").pause();
    String search = (q + "-1").toUpperCase(java.util.Locale.ROOT);

    JsonNode first = ok(http.get("/api/admin/queues?start=0&end=24&search=" + search));
    assertThat(first.get("total").asLong()).isEqualTo(30);
    assertThat(first.get("start").asLong()).isZero();
    assertThat(first.get("end").asLong()).isEqualTo(24);
    JsonNode rows = first.get("queues");
    assertThat(rows).hasSize(25);
    assertThat(rows.get(0).get("name").asText()).isEqualTo(q + "-100");
    assertThat(rows.get(5).get("name").asText()).isEqualTo(q + "-105");
    assertThat(rows.get(5).get("paused").asBoolean()).isTrue();
    assertThat(rows.get(0).get("paused").asBoolean()).isFalse();
    assertThat(rows.get(0).get("counts").get("waiting").asLong()).isEqualTo(1);

    JsonNode second = ok(http.get("/api/admin/queues?start=25&end=49&search=" + search));
    assertThat(second.get("total").asLong()).isEqualTo(30);
    List<String> names = new ArrayList<>();
    second.get("queues").forEach(n -> names.add(n.get("name").asText()));
    assertThat(names).containsExactly(q + "-125", q + "-126", q + "-127", q + "-128",
        q + "-129");

    JsonNode one = ok(http.get("/api/admin/queues?start=0&end=0&search=" + q + "-117"));
    assertThat(one.get("total").asLong()).isEqualTo(1);
    assertThat(one.get("queues").get(0).get("name").asText()).isEqualTo(q + "-117");
    JsonNode none = ok(http.get("/api/admin/queues?search=" + q + "-nothing"));
    assertThat(none.get("total").asLong()).isZero();
    assertThat(none.get("queues")).isEmpty();
    JsonNode whole = ok(http.get("/api/admin/queues"));
    assertThat(whole.get("start").asLong()).isZero();
    assertThat(whole.get("end").asLong()).isEqualTo(Admin.MAX_QUEUE_PAGE - 1);
  }

  @Test
  void readsAnswerInTheContractShapes() {
    Map<String, String> ids = workload();
    bullpen.queue(q).pause();

    JsonNode queues = ok(http.get("/api/admin/queues"));
    JsonNode mine = null;
    for (JsonNode n : queues.get("queues")) {
      if (n.get("name").asText().equals(q)) {
        mine = n;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.get("paused").asBoolean()).isTrue();
    assertThat(mine.get("counts").get("failed").asLong()).isEqualTo(3);

    JsonNode stats = ok(http.get(path("/stats")));
    assertThat(stats.get("queue").asText()).isEqualTo(q);
    assertThat(stats.get("paused").asBoolean()).isTrue();
    assertThat(stats.get("counts").get("completed").asLong()).isEqualTo(2);
    assertThat(stats.get("counts").get("delayed").asLong()).isEqualTo(1);

    JsonNode timings = ok(http.get(path("/timings?limit=4")));
    assertThat(timings.get("jobs")).hasSize(4);
    JsonNode t = timings.get("jobs").get(0);
    assertThat(t.get("state").asText()).isIn("completed", "failed");
    assertThat(t.get("totalMs").asLong()).isEqualTo(t.get("waitMs").asLong()
        + t.get("processingMs").asLong());
    assertThat(t.get("finishedOn").asLong() - t.get("timestamp").asLong())
        .isEqualTo(t.get("totalMs").asLong());

    JsonNode failed = ok(http.get(path("/jobs?state=failed&start=0&end=1")));
    assertThat(failed.get("total").asLong()).isEqualTo(3);
    assertThat(failed.get("start").asLong()).isZero();
    assertThat(failed.get("end").asLong()).isEqualTo(1);
    assertThat(failed.get("jobs")).hasSize(2);
    JsonNode row = failed.get("jobs").get(0);
    assertThat(row.get("state").asText()).isEqualTo("failed");
    assertThat(row.get("attemptsMade").asInt()).isEqualTo(2);
    assertThat(row.get("failedReason").asText()).startsWith("nope bad-");
    assertThat(row.get("finishedOn").isNumber()).isTrue();
    assertThat(row.has("progress")).isTrue();
    JsonNode search = ok(http.get(path("/jobs?state=failed&search=BAD-B")));
    assertThat(search.get("total").asLong()).isEqualTo(1);
    assertThat(search.get("jobs").get(0).get("id").asText()).isEqualTo(ids.get("bad-b#1"));
    JsonNode byId = ok(http.get(path("/jobs?state=waiting&search=" + ids.get("waiting"))));
    assertThat(byId.get("jobs").get(0).get("name").asText()).isEqualTo("idle");

    JsonNode detail = ok(http.get(path("/jobs/" + ids.get("bad-b#1"))));
    assertThat(detail.get("state").asText()).isEqualTo("failed");
    assertThat(detail.get("data").get("n").asText()).isEqualTo("bad-b");
    assertThat(detail.get("opts").get("attempts").asInt()).isEqualTo(2);
    assertThat(detail.get("stacktrace")).hasSize(2);
    assertThat(detail.get("logs")).hasSize(2);
    assertThat(detail.get("logs").get(0).asText()).isEqualTo("run 0");
    assertThat(detail.get("returnvalue").isNull()).isTrue();
    assertThat(detail.get("waitMs").isNumber()).isTrue();
    assertThat(detail.get("processingMs").isNumber()).isTrue();
    for (String f : List.of("id", "name", "progress", "failedReason", "attemptsMade",
        "timestamp", "processedOn", "finishedOn")) {
      assertThat(detail.has(f)).as(f).isTrue();
    }
    JsonNode done = ok(http.get(path("/jobs/" + ids.get("good#3"))));
    assertThat(done.get("returnvalue").get("done").asBoolean()).isTrue();

    JsonNode dead = ok(http.get(path("/dead-letters?start=0&end=49")));
    assertThat(dead.get("total").asLong()).isEqualTo(3);
    assertThat(dead.get("jobs")).hasSize(3);
    JsonNode letter = dead.get("jobs").get(0);
    assertThat(letter.get("attempts").asInt()).isEqualTo(2);
    assertThat(letter.get("attemptsMade").asInt()).isEqualTo(2);
    assertThat(letter.get("stacktrace")).hasSize(2);
    assertThat(letter.get("data").get("n").asText()).startsWith("bad-");
    assertThat(letter.get("finishedOn").isNumber()).isTrue();
  }

  @Test
  void actionsChangeTheQueueAsTheContractSays() {
    Map<String, String> ids = workload();

    JsonNode retried = ok(post(path("/jobs/" + ids.get("bad-a#0") + "/retry"), ""));
    assertThat(retried.get("id").asText()).isEqualTo(ids.get("bad-a#0"));
    assertThat(retried.get("state").asText()).isEqualTo("waiting");
    JsonNode promoted = ok(post(path("/jobs/" + ids.get("delayed") + "/promote"), ""));
    assertThat(promoted.get("state").asText()).isEqualTo("waiting");
    JsonNode removed = ok(delete(path("/jobs/" + ids.get("waiting"))));
    assertThat(removed.get("removed").asBoolean()).isTrue();
    assertThat(queue.getJob(ids.get("waiting"))).isEmpty();

    assertThat(ok(post(path("/pause"), "")).get("paused").asBoolean()).isTrue();
    assertThat(queue.isPaused()).isTrue();
    assertThat(ok(post(path("/resume"), "{}")).get("paused").asBoolean()).isFalse();
    assertThat(queue.isPaused()).isFalse();

    JsonNode requeued = ok(post(path("/dead-letters/" + ids.get("bad-b#1") + "/requeue"), ""));
    assertThat(requeued.get("state").asText()).isEqualTo("waiting");
    assertThat(queue.getJob(ids.get("bad-b#1")).orElseThrow().attemptsMade()).isZero();

    JsonNode none = ok(post(path("/retry-failed"), "{\"olderThanMs\":3600000}"));
    assertThat(none.get("retried").asLong()).isZero();
    JsonNode all = ok(post(path("/retry-failed"), "{\"name\":\"bad-a\",\"batchSize\":1}"));
    assertThat(all.get("queue").asText()).isEqualTo(q);
    assertThat(all.get("retried").asLong()).isEqualTo(1);
    assertThat(queue.getJobCounts().failed()).isZero();
    assertThat(queue.getJob(ids.get("bad-a#2")).orElseThrow().attemptsMade()).isEqualTo(2);

    JsonNode cleaned = ok(post(path("/clean"), "{\"state\":\"completed\",\"olderThanMs\":0,"
        + "\"limit\":1}"));
    assertThat(cleaned.get("state").asText()).isEqualTo("completed");
    assertThat(cleaned.get("removed").asLong()).isEqualTo(1);
    assertThat(queue.getJobCounts().completed()).isEqualTo(1);
    JsonNode cleanedWaiting = ok(post(path("/clean"), "{\"state\":\"waiting\","
        + "\"olderThanMs\":0}"));
    assertThat(cleanedWaiting.get("removed").asLong()).isEqualTo(4);
    assertThat(queue.getJobCounts().waiting()).isZero();
  }

  @Test
  void requeueAllTakesNameAndAgeFilters() {
    Map<String, String> ids = workload();

    JsonNode young = ok(post(path("/dead-letters/requeue"), "{\"olderThanMs\":3600000}"));
    assertThat(young.get("requeued").asLong()).isZero();
    JsonNode named = ok(post(path("/dead-letters/requeue"), "{\"name\":\"bad-a\"}"));
    assertThat(named.get("queue").asText()).isEqualTo(q);
    assertThat(named.get("requeued").asLong()).isEqualTo(2);
    assertThat(queue.getState(ids.get("bad-b#1"))).isEqualTo(JobState.FAILED);
    assertThat(queue.getJob(ids.get("bad-a#2")).orElseThrow().attemptsMade()).isZero();
  }

  @Test
  void routesDeclareTheContractRoles() {
    Map<String, Role> expected = new LinkedHashMap<>();
    String aq = "/api/admin/queues/{queue}";
    expected.put("GET /api/admin/queues", Role.VIEWER);
    expected.put("GET " + aq + "/stats", Role.VIEWER);
    expected.put("GET " + aq + "/timings", Role.VIEWER);
    expected.put("GET " + aq + "/jobs", Role.VIEWER);
    expected.put("GET " + aq + "/jobs/{id}", Role.VIEWER);
    expected.put("POST " + aq + "/jobs/{id}/retry", Role.OPERATOR);
    expected.put("POST " + aq + "/jobs/{id}/promote", Role.OPERATOR);
    expected.put("DELETE " + aq + "/jobs/{id}", Role.ADMIN);
    expected.put("POST " + aq + "/pause", Role.OPERATOR);
    expected.put("POST " + aq + "/resume", Role.OPERATOR);
    expected.put("POST " + aq + "/retry-failed", Role.ADMIN);
    expected.put("POST " + aq + "/clean", Role.ADMIN);
    expected.put("GET " + aq + "/dead-letters", Role.VIEWER);
    expected.put("POST " + aq + "/dead-letters/{id}/requeue", Role.OPERATOR);
    expected.put("POST " + aq + "/dead-letters/requeue", Role.ADMIN);

    Map<String, Role> actual = server.routes().stream()
        .filter(r -> r.path().startsWith("/api/admin/queues") && !isOtherBranch(r.path()))
        .collect(Collectors.toMap(r -> r.method() + " " + r.path(), RouteTable.Route::role));

    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
  }

  /** Routes of the coordinator branch share the prefix once merged; they are not ours. */
  private static boolean isOtherBranch(String path) {
    return path.endsWith("/performance") || path.endsWith("/health");
  }

  @Test
  void writesAndReadsNeedTheToken() {
    Http anonymous = new Http(server.url());
    Map<String, String> ids = workload();
    String failedId = ids.get("bad-a#0");
    String before = digest();
    List<String[]> writes = List.of(
        new String[] {"POST", path("/jobs/" + failedId + "/retry"), ""},
        new String[] {"POST", path("/jobs/" + ids.get("delayed") + "/promote"), ""},
        new String[] {"DELETE", path("/jobs/" + failedId), null},
        new String[] {"POST", path("/pause"), ""},
        new String[] {"POST", path("/resume"), ""},
        new String[] {"POST", path("/retry-failed"), "{}"},
        new String[] {"POST", path("/clean"), "{\"state\":\"failed\",\"olderThanMs\":0}"},
        new String[] {"POST", path("/dead-letters/" + failedId + "/requeue"), ""},
        new String[] {"POST", path("/dead-letters/requeue"), "{}"});

    for (String[] w : writes) {
      for (String[] auth : List.of(new String[0],
          new String[] {"Authorization", "Bearer wrong"})) {
        HttpResponse<String> r = w[0].equals("DELETE") ? anonymous.delete(w[1], auth)
            : anonymous.post(w[1], w[2], auth);
        assertThat(r.statusCode()).as(w[0] + " " + w[1]).isEqualTo(401);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("unauthorized");
      }
    }
    for (String read : List.of("/api/admin/queues", path("/stats"), path("/timings"),
        path("/jobs?state=failed"), path("/jobs/" + failedId), path("/dead-letters"))) {
      assertThat(anonymous.get(read).statusCode()).as(read).isEqualTo(401);
      assertThat(http.get(read).statusCode()).as(read).isEqualTo(200);
    }
    assertThat(digest()).isEqualTo(before);

    assertThat(post(path("/pause"), "").statusCode()).isEqualTo(200);
    assertThat(queue.isPaused()).isTrue();
  }

  @Test
  void badInputAnswers4xxJsonAndChangesNothing() {
    Map<String, String> ids = workload();
    String waiting = ids.get("waiting");
    String failed = ids.get("bad-a#0");
    String missing = TestNames.uniqueQueue("adminapi-missing");
    String mq = "/api/admin/queues/" + missing;
    String before = digest();
    List<Object[]> cases = new ArrayList<>();
    // Unknown queue: 404 for reads and writes alike.
    for (String p : List.of("/stats", "/timings", "/jobs?state=failed", "/jobs/1",
        "/dead-letters")) {
      cases.add(new Object[] {"GET", mq + p, null, 404});
    }
    for (String p : List.of("/pause", "/resume", "/jobs/1/retry", "/jobs/1/promote",
        "/retry-failed", "/dead-letters/1/requeue", "/dead-letters/requeue")) {
      cases.add(new Object[] {"POST", mq + p, "", 404});
    }
    cases.add(new Object[] {"POST", mq + "/clean", "{\"state\":\"failed\",\"olderThanMs\":0}",
        404});
    cases.add(new Object[] {"DELETE", mq + "/jobs/1", null, 404});
    // Hostile or malformed names and ids.
    cases.add(new Object[] {"GET", "/api/admin/queues/a:b/stats", null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues/%0A/stats", null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues/" + "x".repeat(300) + "/stats", null,
        400});
    cases.add(new Object[] {"GET", path("/jobs/1%3Alogs"), null, 400});
    cases.add(new Object[] {"GET", path("/jobs/meta"), null, 404});
    cases.add(new Object[] {"DELETE", path("/jobs/meta"), null, 404});
    cases.add(new Object[] {"DELETE", path("/jobs/events"), null, 404});
    cases.add(new Object[] {"POST", path("/dead-letters/id/requeue"), "", 404});
    cases.add(new Object[] {"GET", path("/jobs/999999"), null, 404});
    // Paging and query values.
    cases.add(new Object[] {"GET", path("/jobs"), null, 400});
    cases.add(new Object[] {"GET", path("/jobs?state=bogus"), null, 400});
    cases.add(new Object[] {"GET", path("/jobs?state=failed&start=-1"), null, 400});
    cases.add(new Object[] {"GET", path("/jobs?state=failed&start=5&end=2"), null, 400});
    cases.add(new Object[] {"GET", path("/jobs?state=failed&start=0&end=99999999999999999999"),
        null, 400});
    cases.add(new Object[] {"GET", path("/jobs?state=failed&end=9223372036854775807"), null,
        400});
    cases.add(new Object[] {"GET", path("/jobs?state=failed&search=%01x"), null, 400});
    cases.add(new Object[] {"GET", path("/timings?limit=0"), null, 400});
    cases.add(new Object[] {"GET", path("/timings?limit=1001"), null, 400});
    cases.add(new Object[] {"GET", path("/timings?limit=ten"), null, 400});
    cases.add(new Object[] {"GET", path("/dead-letters?start=0&end=5000"), null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues?start=-1", null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues?start=5&end=2", null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues?start=0&end=500", null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues?start=ten", null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues?start=99999999999999999999", null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues?start=0&end=9223372036854775807", null,
        400});
    cases.add(new Object[] {"GET", "/api/admin/queues?search=%01x", null, 400});
    cases.add(new Object[] {"GET", "/api/admin/queues?search=" + "x".repeat(1025), null, 400});
    // Wrong state for the action.
    cases.add(new Object[] {"POST", path("/jobs/" + waiting + "/retry"), "", 409});
    cases.add(new Object[] {"POST", path("/jobs/" + waiting + "/promote"), "", 409});
    cases.add(new Object[] {"POST", path("/dead-letters/" + waiting + "/requeue"), "", 409});
    // Bodies.
    cases.add(new Object[] {"POST", path("/retry-failed"), "{\"olderThan\":5}", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "{\"olderThanMs\":-5}", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "{\"olderThanMs\":\"5\"}", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "{\"olderThanMs\":1.5}", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "{\"batchSize\":0}", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "{\"batchSize\":100000}", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "{\"name\":\"\"}", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "{\"name\":42}", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "[1]", 400});
    cases.add(new Object[] {"POST", path("/retry-failed"), "{oops", 400});
    cases.add(new Object[] {"POST", path("/dead-letters/requeue"), "{\"batchSize\":5}", 400});
    cases.add(new Object[] {"POST", path("/clean"), "", 400});
    cases.add(new Object[] {"POST", path("/clean"), "{\"state\":\"failed\"}", 400});
    cases.add(new Object[] {"POST", path("/clean"), "{\"state\":\"active\",\"olderThanMs\":0}",
        400});
    cases.add(new Object[] {"POST", path("/clean"), "{\"state\":\"nope\",\"olderThanMs\":0}",
        400});
    cases.add(new Object[] {"POST", path("/clean"),
        "{\"state\":\"failed\",\"olderThanMs\":0,\"limit\":-1}", 400});
    cases.add(new Object[] {"POST", path("/clean"),
        "{\"state\":\"failed\",\"olderThanMs\":0,\"grace\":1}", 400});

    for (Object[] c : cases) {
      String method = (String) c[0];
      String p = (String) c[1];
      HttpResponse<String> r = method.equals("GET") ? http.get(p)
          : method.equals("DELETE") ? delete(p) : post(p, (String) c[2]);
      assertThat(r.statusCode()).as(method + " " + p + " " + c[2] + " -> " + r.body())
          .isEqualTo((int) c[3]);
      JsonNode body = Http.json(r);
      assertThat(body.get("error").asText()).as(p).isNotEmpty();
      assertThat(body.get("message").asText()).as(p).isNotEmpty();
    }
    HttpResponse<String> text = http.send(http.request(path("/retry-failed"),
        "Authorization", "Bearer " + TOKEN).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("olderThanMs=5")).build());
    assertThat(text.statusCode()).isEqualTo(415);

    assertThat(digest()).isEqualTo(before);
    assertThat(queue.getState(failed)).isEqualTo(JobState.FAILED);
    assertThat(redis.command("EXISTS", "bull:" + missing + ":meta")).isEqualTo("0");
  }
}
