package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A full Redis ({@code noeviction}) answers adds with 507 JSON and writes nothing. */
class RedisFullIT {
  @Test
  void addToAFullRedisIs507AndChangesNothing() {
    String q = TestNames.uniqueQueue("full");
    try (RedisServer redis = RedisServer.builder().arg("--maxmemory-policy", "noeviction")
            .start();
        Bullpen bullpen = Bullpen.connect(redis.uri());
        BullpenServer server = BullpenServer.start(bullpen, ServerOptions.builder()
            .host("127.0.0.1").port(0).openMode(true).build())) {
      Http http = new Http(server.url());
      assertThat(http.post("/api/queues/" + q + "/jobs", "{\"name\":\"a\",\"data\":{}}")
          .statusCode()).isEqualTo(201);
      redis.fillToOutOfMemory();
      long keys = redis.dbSize();

      HttpResponse<String> r = http.post("/api/queues/" + q + "/jobs",
          "{\"name\":\"b\",\"data\":{\"n\":1}}");

      assertThat(r.statusCode()).isEqualTo(507);
      assertThat(Http.json(r).get("error").asText()).isEqualTo("redis_full");
      assertThat(Http.json(r).get("message").asText()).contains("queue " + q);
      assertThat(redis.dbSize()).isEqualTo(keys);
      redis.command("CONFIG", "SET", "maxmemory", "0");
    }
  }
}
