package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rate limits per client and per token (429), and the cap on waiting long polls (503). */
@RedisTest
class LimitsIT {
  private Bullpen bullpen;
  private BullpenServer server;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    bullpen = Bullpen.connect(redis.uri());
    q = TestNames.uniqueQueue("limits");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    bullpen.close();
  }

  private static void assertLimited(HttpResponse<String> r, String who) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    JsonNode n = Http.json(r);
    assertThat(n.get("error").asText()).isEqualTo("too_many_requests");
    assertThat(n.get("message").asText()).contains(who);
    // 0.01 tokens per second: the next one is 100 s away at most.
    assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 100L);
  }

  @Test
  void aClientOverItsRateGets429WithRetryAfter() {
    server = BullpenServer.start(bullpen, Secured.options().ipRateLimit(0.01, 3).build());
    Http http = new Http(server.url());
    for (int i = 0; i < 3; i++) {
      assertThat(http.get("/health").statusCode()).isEqualTo(200);
    }
    assertLimited(http.get("/health"), "this client");
    assertLimited(http.get("/api/queues", Secured.bearer(Secured.ADMIN)), "this client");
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnBucket() {
    server = BullpenServer.start(bullpen, Secured.options().ipRateLimit(0.01, 1)
        .trustForwardedFor(true).build());
    Http http = new Http(server.url());
    assertThat(http.get("/health", "X-Forwarded-For", "198.51.100.7, 10.0.0.1").statusCode())
        .isEqualTo(200);
    assertLimited(http.get("/health", "X-Forwarded-For", "203.0.113.9, 10.0.0.1"),
        "this client");
    assertThat(http.get("/health", "X-Forwarded-For", "10.0.0.2").statusCode())
        .as("the last hop, added by the proxy, is the client").isEqualTo(200);
    String jobs = "/api/queues/" + q + "/jobs";
    assertThat(http.post(jobs, "{\"name\":\"x\"}", "X-Forwarded-For", "10.0.0.3",
        "Authorization", "Bearer " + Secured.OPERATOR, "Origin", "https://jobs.example",
        "X-Forwarded-Host", "jobs.example").statusCode())
        .as("a page of the proxy's public origin may act").isEqualTo(201);
    assertThat(http.post(jobs, "{\"name\":\"x\"}", "X-Forwarded-For", "10.0.0.4",
        "Authorization", "Bearer " + Secured.OPERATOR, "Origin", "https://evil.example",
        "X-Forwarded-Host", "jobs.example").statusCode()).isEqualTo(403);
  }

  @Test
  void aTokenOverItsRateGets429AndOtherTokensDoNot() {
    server = BullpenServer.start(bullpen, Secured.options().tokenRateLimit(0.01, 2).build());
    Http http = new Http(server.url());
    String queues = "/api/queues/" + q;
    assertThat(http.get(queues, Secured.bearer(Secured.VIEWER)).statusCode()).isEqualTo(200);
    assertThat(http.get(queues, Secured.bearer(Secured.VIEWER)).statusCode()).isEqualTo(200);
    assertLimited(http.get(queues, Secured.bearer(Secured.VIEWER)), "token alice");
    assertThat(http.get(queues, Secured.bearer(Secured.ADMIN)).statusCode()).isEqualTo(200);
    String token = server.jobTokens().mint(q, "1", Duration.ofMinutes(5));
    String job = "/api/queues/" + q + "/jobs/1?token=" + token;
    assertThat(http.get(job).statusCode()).isEqualTo(404);
    assertThat(http.get(job).statusCode()).isEqualTo(404);
    assertLimited(http.get(job), "this job's token");
  }

  @Test
  void theDefaultsLetAJobPagePollForLong() {
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .token("t", Role.VIEWER, ApiTokens.hash(Secured.VIEWER)).build());
    Http http = new Http(server.url());
    // A page polls every few seconds; 100 requests at once stay inside the default burst.
    for (int i = 0; i < 100; i++) {
      assertThat(http.get("/api/queues/" + q, Secured.bearer(Secured.VIEWER)).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void longPollsOverTheCapGet503WithRetryAfter() throws Exception {
    server = BullpenServer.start(bullpen, Secured.options().maxLongPolls(1).build());
    Http http = new Http(server.url());
    Job<Object> job = bullpen.queue(q).add("wait", Map.of());
    String path = "/api/queues/" + q + "/jobs/" + job.id();
    String etag = Http.json(http.get(path, Secured.bearer(Secured.VIEWER))).get("etag")
        .asText();
    String[] headers = {"Authorization", "Bearer " + Secured.VIEWER, "If-None-Match",
        "\"" + etag + "\""};
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() ->
        http.get(path + "?waitForChange=30s", headers));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.waitingLongPolls() == 1);
    HttpResponse<String> second = http.get(path + "?waitForChange=30s", headers);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(503);
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
    assertThat(Http.json(second).get("message").asText()).contains("too many long polls");
    job.updateProgress(50);
    assertThat(first.get(20, java.util.concurrent.TimeUnit.SECONDS).statusCode())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.waitingLongPolls() == 0);
    assertThat(http.get(path + "?waitForChange=1s", headers).statusCode())
        .as("the slot is free again; the old etag is outdated, so the new view comes at once")
        .isEqualTo(200);
  }
}
