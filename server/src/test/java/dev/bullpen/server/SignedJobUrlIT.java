package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End users read their job with a signed, expiring token and no role token: the add answer
 * carries the links, and the status, page, logs and (through a short-lived URL) the event stream
 * accept it.
 */
@RedisTest
class SignedJobUrlIT {
  private Bullpen bullpen;
  private BullpenServer server;
  private Http http;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, Secured.options().build());
    http = new Http(server.url());
    q = TestNames.uniqueQueue("signed");
  }

  @AfterEach
  void stop() {
    server.close();
    bullpen.close();
  }

  @Test
  void addReturnsLinksThatOpenTheJobWithoutARoleToken() throws Exception {
    HttpResponse<String> added = http.post("/api/queues/" + q + "/jobs",
        "{\"name\":\"render\",\"data\":{\"n\":1}}", Secured.bearer(Secured.OPERATOR));
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    JsonNode body = Http.json(added);
    String id = body.get("id").asText();
    String token = body.get("token").asText();
    assertThat(body.get("pageUrl").asText()).isEqualTo("/jobs/" + q + "/" + id + "?token="
        + token);
    assertThat(body.get("statusUrl").asText()).isEqualTo("/api/queues/" + q + "/jobs/" + id
        + "?token=" + token);
    long expires = body.get("tokenExpiresAt").asLong();
    assertThat(Instant.ofEpochMilli(expires)).isBetween(Instant.now().plus(Duration.ofHours(23)),
        Instant.now().plus(Duration.ofHours(25)));

    HttpResponse<String> status = http.get(body.get("statusUrl").asText());
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    assertThat(Http.json(status).get("name").asText()).isEqualTo("render");
    assertThat(status.headers().firstValue("Cache-Control")).hasValue("no-cache");
    HttpResponse<String> page = http.get(body.get("pageUrl").asText());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/assets/job.js");
    assertThat(http.get("/api/queues/" + q + "/jobs/" + id + "/logs?token=" + token)
        .statusCode()).isEqualTo(200);
    assertThat(http.get("/jobs/" + q + "/" + id).statusCode()).as("page without a token")
        .isEqualTo(401);
    assertThat(http.get("/api/queues/" + q + "/jobs/" + id).statusCode()).isEqualTo(401);
  }

  @Test
  void theEventStreamOpensWithAShortLivedUrlOnly() throws Exception {
    Job<Object> job = bullpen.queue(q).add("watch", Map.of());
    String token = server.jobTokens().mint(q, job.id(), Duration.ofMinutes(5));
    String events = "/api/queues/" + q + "/jobs/" + job.id() + "/events";
    HttpResponse<String> u = http.get("/api/queues/" + q + "/jobs/" + job.id()
        + "/events-url?token=" + token);
    assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
    String url = Http.json(u).get("url").asText();
    assertThat(url).startsWith(events + "?token=");
    assertThat(Http.json(u).get("expiresAt").asLong()).isLessThanOrEqualTo(
        Instant.now().plus(ServerOptions.DEFAULT_STREAM_TOKEN_TTL).toEpochMilli() + 1000);

    Http.Sse sse = http.sse(url);
    assertThat(sse.status().get(10, TimeUnit.SECONDS)).isEqualTo(200);
    String line;
    do {
      line = sse.lines().poll(10, TimeUnit.SECONDS);
      assertThat(line).as("an event arrives").isNotNull();
    } while (!line.startsWith("data:"));
    assertThat(line).contains("\"state\":\"waiting\"");
    sse.response().cancel(true);

    String streamToken = url.substring(url.indexOf("token=") + 6);
    assertThat(http.get("/api/queues/" + q + "/jobs/" + job.id() + "?token=" + streamToken)
        .statusCode()).as("a stream token opens nothing but the stream").isEqualTo(401);
    assertThat(http.sse(events).status().get(10, TimeUnit.SECONDS)).isEqualTo(401);
  }

  @Test
  void expiredOrForeignTokensAreRefusedAndSignedUrlsWork() throws Exception {
    Job<Object> job = bullpen.queue(q).add("old", Map.of());
    JobTokens past = JobTokens.of(Secured.SECRET.getBytes(StandardCharsets.UTF_8),
        Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
    String expired = past.mint(q, job.id(), Duration.ofHours(1));
    HttpResponse<String> r = http.get("/api/queues/" + q + "/jobs/" + job.id() + "?token="
        + expired);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(Http.json(r).get("message").asText()).contains("expired");
    String foreign = JobTokens.of("another-secret-of-at-least-32-bytes-long")
        .mint(q, job.id(), Duration.ofHours(1));
    assertThat(http.get("/api/queues/" + q + "/jobs/" + job.id() + "?token=" + foreign)
        .statusCode()).isEqualTo(401);

    String signed = server.signedJobUrl(q, job.id(), Duration.ofMinutes(10));
    assertThat(signed).startsWith(server.jobPageUrl(q, job.id()) + "?token=");
    HttpResponse<String> page = http.send(http.request(signed.substring(server.url().length()))
        .GET().build());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(URI.create(signed).getQuery()).startsWith("token=");
  }
}
