package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.status.StatusOptions;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With Redis stopped, known jobs answer stale, unknown ones 503, and readiness fails. */
class RedisOutageIT {
  @Test
  void stoppedRedisGivesStaleViewsAnd503NeverAHang() {
    String q = TestNames.uniqueQueue("outage");
    try (RedisServer redis = RedisServer.builder().arg("--appendonly", "yes").start();
        Bullpen bullpen = Bullpen.builder().uri(redis.uri())
            .commandTimeout(Duration.ofMillis(800)).build();
        BullpenServer server = BullpenServer.start(bullpen, ServerOptions.builder()
            .host("127.0.0.1").port(0).openMode(true).status(StatusOptions.builder()
                .readTimeout(Duration.ofMillis(500)).build()).build())) {
      Http http = new Http(server.url());
      String id = bullpen.queue(q).add("render", 1).id();
      String path = "/api/queues/" + q + "/jobs/" + id;
      String etag = http.get(path).headers().firstValue("ETag").orElseThrow();

      redis.stop();
      await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).until(() -> {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.get(path, "If-None-Match", etag);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        return r.statusCode() == 200 && Http.json(r).get("stale").asBoolean();
      });
      HttpResponse<String> stale = http.get(path, "If-None-Match", etag);
      assertThat(stale.statusCode()).as("a stale view is never a 304").isEqualTo(200);
      assertThat(stale.headers().firstValue("ETag")).isEmpty();
      assertThat(stale.headers().firstValue("Cache-Control")).hasValue("no-store");
      JsonNode body = Http.json(stale);
      assertThat(body.get("ageMs").asLong()).isPositive();
      assertThat(body.get("state").asText()).isEqualTo("waiting");

      long t0 = System.nanoTime();
      HttpResponse<String> unknown = http.get("/api/queues/" + q + "/jobs/999");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
      assertThat(unknown.statusCode()).isEqualTo(503);
      assertThat(unknown.headers().firstValue("Retry-After")).isPresent();
      assertThat(Http.json(unknown).get("error").asText()).isEqualTo("unavailable");

      assertThat(http.get("/health").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = http.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(Http.json(ready).get("redis").get("status").asText()).isEqualTo("DOWN");

      redis.restart();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> http.get("/health/ready").statusCode() == 200
              && !Http.json(http.get(path)).get("stale").asBoolean());
    }
  }
}
