package dev.bullpen.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.Bullpen;
import dev.bullpen.status.CircuitState;
import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.StatusCounters;
import io.javalin.http.Context;
import java.time.Duration;

/**
 * {@code /health} (liveness: the process serves), {@code /health/ready} (readiness: Redis
 * answers a PING and the status cache's circuit breaker is not open) and
 * {@code /api/status-cache} (the cache's counters).
 */
final class HealthRoutes {
  private final Bullpen bullpen;
  private final JobStatusService status;

  HealthRoutes(Bullpen bullpen, JobStatusService status) {
    this.bullpen = bullpen;
    this.status = status;
  }

  void live(Context ctx) {
    ObjectNode n = Json.object();
    n.put("status", "UP");
    ctx.header("Cache-Control", "no-store");
    ServerErrors.json(ctx, 200, n);
  }

  void ready(Context ctx) {
    ObjectNode n = Json.object();
    ObjectNode redis = n.putObject("redis");
    boolean up;
    try {
      Duration rtt = bullpen.ping();
      redis.put("status", "UP");
      redis.put("latencyMs", rtt.toNanos() / 1e6);
      up = true;
    } catch (RuntimeException e) {
      redis.put("status", "DOWN");
      redis.put("error", e.getMessage());
      up = false;
    }
    CircuitState circuit = status.circuitState();
    n.put("circuit", circuit.name());
    boolean ready = up && circuit != CircuitState.OPEN;
    n.put("status", ready ? "UP" : "DOWN");
    ctx.header("Cache-Control", "no-store");
    ServerErrors.json(ctx, ready ? 200 : 503, n);
  }

  void counters(Context ctx) {
    StatusCounters c = status.counters();
    ObjectNode n = Json.object();
    n.put("hits", c.hits());
    n.put("misses", c.misses());
    n.put("staleAnswers", c.staleAnswers());
    n.put("unavailableAnswers", c.unavailableAnswers());
    n.put("redisReads", c.redisReads());
    n.put("redisReadFailures", c.redisReadFailures());
    n.put("averageLoadMs", c.averageLoadTime().toNanos() / 1e6);
    n.put("eventsApplied", c.eventsApplied());
    n.put("evictions", c.evictions());
    n.put("size", c.size());
    n.put("queuesFollowed", c.queuesFollowed());
    n.put("circuit", c.circuit().name());
    ctx.header("Cache-Control", "no-store");
    ServerErrors.json(ctx, 200, n);
  }
}
