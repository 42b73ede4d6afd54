package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/admin/redis}: its JSON, its role, and what many readers cost Redis. */
class RedisAdminApiIT {
  private static final String TOKEN = "redis-admin-token";
  private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
  private RedisServer redis;
  private Bullpen bullpen;
  private BullpenServer server;
  private Http http;

  private void start(String queue, String... redisArgs) {
    redis = RedisServer.builder().arg(redisArgs).start();
    bullpen = Bullpen.builder().uri(redis.uri()).tolerateEvictionPolicy(true).build();
    // before the server starts: the monitor's queue list is read with its first report
    bullpen.queue(queue).add("j", Map.of("n", 1));
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .apiToken(TOKEN).build());
    http = new Http(server.url());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (bullpen != null) {
      bullpen.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private long infoCalls() {
    for (String line : redis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_info:")) {
        String calls = line.substring(line.indexOf("calls=") + 6);
        return Long.parseLong(calls.substring(0, calls.indexOf(',')));
      }
    }
    return 0;
  }

  @Test
  void reportsFiguresAlertsAndFindingsToAdminsOnly() {
    String q = TestNames.uniqueQueue("redis-api");
    start(q, "--maxmemory-policy", "allkeys-lru");

    assertThat(http.get("/api/admin/redis").statusCode()).isEqualTo(401);
    HttpResponse<String> r = http.get("/api/admin/redis", AUTH);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = Http.json(r);

    JsonNode s = n.get("server");
    assertThat(s.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(s.get("usedMemoryBytes").asLong()).isPositive();
    assertThat(s.get("maxmemoryPolicy").asText()).isEqualTo("allkeys-lru");
    assertThat(s.get("memoryRatio").isNull()).as("no maxmemory").isTrue();
    assertThat(s.get("role").asText()).isEqualTo("master");
    assertThat(s.get("persistenceOk").asBoolean()).isTrue();
    assertThat(s.get("error").isNull()).isTrue();
    for (String field : List.of("peakMemoryBytes", "fragmentationRatio", "maxmemoryBytes",
        "connectedClients", "blockedClients", "opsPerSec", "keyspaceHits", "keyspaceMisses",
        "evictedKeys", "expiredKeys", "aofEnabled", "aofLastWriteStatus", "rdbLastSaveStatus",
        "rdbLastSaveAt", "connectedReplicas", "replicaLagMs", "uptimeMs", "readAt")) {
      assertThat(s.has(field)).as(field).isTrue();
    }

    JsonNode c = n.get("client");
    assertThat(c.get("connections").asInt()).isPositive();
    assertThat(c.get("commands").asLong()).isPositive();
    assertThat(c.get("timeoutsPerMin").asLong()).isZero();
    assertThat(c.get("latency").size()).isGreaterThan(5);
    assertThat(c.get("latency").get(0).get("leMs").asDouble()).isPositive();
    assertThat(c.get("latency").get(c.get("latency").size() - 1).get("leMs").isNull()).isTrue();
    assertThat(c.get("circuit").asText()).isEqualTo("CLOSED");

    JsonNode queue = null;
    for (JsonNode e : n.get("queues")) {
      if (e.get("queue").asText().equals(q)) {
        queue = e;
      }
    }
    assertThat(queue).as("queue figures for " + q).isNotNull();
    assertThat(queue.get("memoryBytes").asLong()).isPositive();
    assertThat(queue.get("eventsLength").asLong()).isEqualTo(2);

    assertThat(n.get("alerts").size()).isEqualTo(1);
    JsonNode alert = n.get("alerts").get(0);
    assertThat(alert.get("rule").asText()).isEqualTo("redis-eviction-policy");
    assertThat(alert.get("subject").asText()).isEqualTo("redis");
    assertThat(alert.get("level").asText()).isEqualTo("critical");
    assertThat(alert.get("value").isNull()).isTrue();
    assertThat(alert.get("since").asLong()).isPositive();
    assertThat(alert.get("message").asText()).contains("noeviction");

    List<String> checks = new ArrayList<>();
    for (JsonNode f : n.get("findings")) {
      checks.add(f.get("check").asText() + ":" + f.get("severity").asText());
      assertThat(f.get("advice").isTextual()).isTrue();
    }
    assertThat(checks).contains("eviction-policy:critical", "auth:warning", "version:excellent");
    assertThat(n.get("health").asText()).isEqualTo("critical");
    assertThat(n.get("readAt").asLong()).isPositive();
  }

  @Test
  void manyConcurrentRequestsCostABoundedNumberOfInfoCalls() throws Exception {
    start(TestNames.uniqueQueue("redis-api"));
    long before = infoCalls();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Integer>> requests = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        requests.add(pool.submit(() -> http.get("/api/admin/redis", AUTH).statusCode()));
      }
      for (Future<Integer> f : requests) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    long after = infoCalls();
    // One INFO per started 10 s refresh interval (plus the start-up read, which may fall in
    // the window); the INFO commandstats read before counts once too.
    long allowed = elapsedMs / 10_000 + 2;
    assertThat(after - before - 1).isBetween(0L, allowed);
    assertThat(server.redisMonitor().infoCommandsSent()).isBetween(1L, allowed);
  }
}
