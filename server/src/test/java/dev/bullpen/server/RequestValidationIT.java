package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input answers 4xx in the one error shape, and nothing reaches Redis; who may write. */
@RedisTest
class RequestValidationIT {
  private static final String TOKEN = "s3cret-token-for-tests";
  private RedisServer redis;
  private Bullpen bullpen;
  private BullpenServer open;
  private BullpenServer guarded;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    this.redis = redis;
    bullpen = Bullpen.connect(redis.uri());
    ServerOptions local = ServerOptions.builder().host("127.0.0.1").port(0)
        .maxRequestBytes(4096).build();
    open = BullpenServer.start(bullpen, local.toBuilder().openMode(true).build());
    guarded = BullpenServer.start(bullpen, local.toBuilder().apiToken(TOKEN).build());
    q = TestNames.uniqueQueue("valid");
  }

  @AfterEach
  void stop() {
    open.close();
    guarded.close();
    bullpen.close();
  }

  private void assertError(HttpResponse<String> r, int status, String code, String text) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    JsonNode body = Http.json(r);
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).contains(text);
    assertThat(body.size()).isEqualTo(2);
  }

  @Test
  void badJobsAreRefusedAndNothingIsWritten() {
    Http http = new Http(open.url());
    String jobs = "/api/queues/" + q + "/jobs";
    assertError(http.post(jobs, "{not json"), 400, "bad_request", "not valid JSON");
    assertError(http.post(jobs, "[1,2]"), 400, "bad_request", "JSON object");
    assertError(http.post(jobs, "{\"data\":1}"), 400, "bad_request", "name");
    assertError(http.post(jobs, "{\"name\":\"x\",\"colour\":1}"), 400, "bad_request",
        "unknown field colour");
    assertError(http.post(jobs, "{\"name\":\"x\",\"options\":{\"priority\":-1}}"), 400,
        "bad_request", "priority");
    assertError(http.post(jobs, "{\"name\":\"x\",\"options\":{\"delay\":\"soon\"}}"), 400,
        "bad_request", "options.delay");
    assertError(http.post(jobs, "{\"name\":\"x\",\"options\":{\"jobId\":\"42\"}}"), 400,
        "bad_request", "jobId");
    assertError(http.post(jobs, "{\"name\":\"x\",\"options\":{\"backoff\":{\"type\":\"x\"}}}"),
        400, "bad_request", "backoff.type");
    assertError(http.post(jobs, "{\"name\":\"x\",\"options\":{\"removeOnFail\":\"no\"}}"), 400,
        "bad_request", "removeOnFail");
    assertError(http.post(jobs, "{\"name\":\"x\",\"data\":\"" + "a".repeat(5000) + "\"}"), 413,
        "payload_too_large", "4096");
    assertError(http.send(http.request(jobs).header("Content-Type", "text/plain")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")).build()),
        415, "unsupported_media_type", "application/json");
    assertError(http.post("/api/queues/bad%3Aname/jobs", "{\"name\":\"x\"}"), 400,
        "bad_request", "queue name");
    assertThat(redis.command("KEYS", "bull:" + q + "*")).isEmpty();
  }

  @Test
  void badParametersAreRefused() {
    Http http = new Http(open.url());
    String job = "/api/queues/" + q + "/jobs/1";
    assertError(http.get(job + "?waitForChange=soon"), 400, "bad_request", "waitForChange");
    assertError(http.get(job + "?waitForChange=5m"), 400, "bad_request", "at most 60s");
    assertError(http.get("/api/queues/" + q + "/jobs?state=done"), 400, "bad_request",
        "unknown job state");
    assertError(http.get("/api/queues/" + q + "/jobs"), 400, "bad_request", "state is required");
    assertError(http.get("/api/queues/" + q + "/jobs?state=waiting&start=5&end=1"), 400,
        "bad_request", "end must be at least start");
    assertError(http.get("/api/queues/" + q + "/jobs?state=waiting&end=5000"), 400,
        "bad_request", "at most 1000");
    assertError(http.get("/api/queues/" + q + "/jobs?state=waiting&start=-1"), 400,
        "bad_request", "start");
    assertThat(redis.command("KEYS", "bull:" + q + "*")).isEmpty();
  }

  @Test
  void writesNeedTheTokenOrOpenModeAndComeFromThisSite() {
    String body = "{\"name\":\"x\"}";
    String jobs = "/api/queues/" + q + "/jobs";
    Http g = new Http(guarded.url());
    assertError(g.post(jobs, body), 401, "unauthorized", "Bearer");
    assertError(g.post(jobs, body, "Authorization", "Bearer wrong-token-wrong-token"), 401,
        "unauthorized", "not valid");
    assertThat(g.post(jobs, body, "Authorization", "Bearer " + TOKEN).statusCode())
        .isEqualTo(201);
    assertError(g.get(jobs.replace("/jobs", "")), 401, "unauthorized", "Bearer");
    assertThat(g.get(jobs.replace("/jobs", ""), "Authorization", "Bearer " + TOKEN)
        .statusCode()).as("the API token is an admin token").isEqualTo(200);

    Http o = new Http(open.url());
    assertError(o.post(jobs, body, "Origin", "https://evil.example"), 403, "forbidden",
        "another site");
    assertError(g.post(jobs, body, "Origin", "https://evil.example", "Authorization",
        "Bearer " + TOKEN), 403, "forbidden", "another site");
    assertError(o.post(jobs + "/1/retry", "", "Sec-Fetch-Site", "cross-site"), 403,
        "forbidden", "another site");
    assertThat(o.post(jobs, body, "Origin", open.url()).statusCode()).isEqualTo(201);
    assertThat(bullpen.queue(q).getJobCounts().waiting()).isEqualTo(2);
  }
}
