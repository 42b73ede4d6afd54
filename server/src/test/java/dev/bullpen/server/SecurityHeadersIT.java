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

/**
 * Every answer carries the security headers (pages, API, static files, refusals, errors Jetty
 * makes itself), and Jetty's own refusals are JSON too.
 */
@RedisTest
class SecurityHeadersIT {
  private Bullpen bullpen;
  private BullpenServer server;
  private Http http;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, Secured.options().maxRequestHeaderBytes(2048)
        .build());
    http = new Http(server.url());
    q = TestNames.uniqueQueue("headers");
  }

  @AfterEach
  void stop() {
    server.close();
    bullpen.close();
  }

  private static void assertSecurityHeaders(HttpResponse<String> r, String what) {
    assertThat(r.headers().firstValue("Content-Security-Policy")).as(what)
        .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'",
            "default-src 'none'", "script-src 'self'").doesNotContain("unsafe-inline"));
    assertThat(r.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
  }

  private static JsonNode assertJsonError(HttpResponse<String> r, int status, String what) {
    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(t ->
        assertThat(t).startsWith("application/json"));
    JsonNode n = Http.json(r);
    assertThat(n.get("error").asText()).as(what).isNotBlank();
    assertThat(n.get("message").asText()).as(what).isNotBlank();
    return n;
  }

  @Test
  void everyKindOfAnswerCarriesTheSecurityHeaders() {
    String admin = "Bearer " + Secured.ADMIN;
    String token = server.jobTokens().mint(q, "1", java.time.Duration.ofMinutes(1));
    assertSecurityHeaders(http.get("/health"), "health");
    assertSecurityHeaders(http.get("/"), "index page");
    assertSecurityHeaders(http.get("/jobs/" + q + "/1?token=" + token), "job page");
    assertSecurityHeaders(http.get("/assets/job.js"), "static file");
    assertSecurityHeaders(http.get("/api/queues", "Authorization", admin), "API answer");
    assertSecurityHeaders(http.get("/api/queues"), "401");
    assertSecurityHeaders(http.get("/api/queues/" + q + "/jobs/1", "Authorization", admin),
        "404 of a missing job");
    assertSecurityHeaders(http.get("/no/such/route"), "404 of no route");
    assertSecurityHeaders(http.post("/api/queues/" + q + "/jobs", "{", "Authorization", admin),
        "400");
  }

  @Test
  void jettysOwnRefusalsAreJsonErrors() {
    assertJsonError(http.get("/health", "X-Big", "x".repeat(4000)), 431, "headers too large");
    HttpResponse<String> r = http.get("/api/queues/a%2F..%2Fb/jobs/1", "Authorization",
        "Bearer " + Secured.ADMIN);
    assertJsonError(r, 400, "encoded slash");
    assertSecurityHeaders(r, "encoded slash");
  }
}
