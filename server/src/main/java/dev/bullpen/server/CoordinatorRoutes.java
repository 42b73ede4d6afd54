package dev.bullpen.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.admin.Alert;
import dev.bullpen.admin.Coordinator;
import dev.bullpen.admin.QueueHealth;
import dev.bullpen.admin.QueueMetrics;
import dev.bullpen.admin.ThroughputMinute;
import dev.bullpen.admin.TimingStats;
import dev.bullpen.admin.WorkerPool;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The coordinator's routes: {@code GET /api/admin/queues/{queue}/performance}, {@code …/health},
 * {@code GET /api/admin/alerts} (queue and Redis alerts together), {@code GET
 * /api/admin/coordinator} and {@code GET /metrics} (Prometheus text). A queue is watched from its first request on, if it exists in Redis;
 * otherwise 404.
 */
final class CoordinatorRoutes {
  private final Coordinator coordinator;
  private final PrometheusMeterRegistry registry;
  private final Supplier<List<Alert>> redisAlerts;

  CoordinatorRoutes(Coordinator coordinator, PrometheusMeterRegistry registry,
      Supplier<List<Alert>> redisAlerts) {
    this.coordinator = coordinator;
    this.registry = registry;
    this.redisAlerts = redisAlerts;
  }

  private Coordinator coordinator() {
    if (coordinator == null) {
      throw ApiError.unavailable("this server runs no coordinator (ServerOptions.coordinator)");
    }
    return coordinator;
  }

  /** The path's queue, watched (a first watch refreshes once so the figures are current). */
  private String watched(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    Coordinator c = coordinator();
    if (!c.watches(q)) {
      boolean exists;
      try {
        exists = c.watch(q);
      } catch (IllegalStateException e) {
        throw ApiError.unavailable(e.getMessage()); // maxQueues reached
      }
      if (!exists) {
        throw ApiError.notFound("no queue named '" + q + "'");
      }
      c.refresh();
    }
    return q;
  }

  void performance(Context ctx) {
    String q = watched(ctx);
    ObjectNode n = Json.object();
    n.put("queue", q);
    ArrayNode minutes = n.putArray("minutes");
    for (ThroughputMinute t : coordinator().throughputHistory(q)) {
      ObjectNode row = minutes.addObject();
      row.put("t", t.minute().toEpochMilli());
      row.put("completed", t.completed());
      row.put("failed", t.failed());
    }
    n.setAll(metrics(coordinator().metrics(q)));
    noStore(ctx);
    ServerErrors.json(ctx, 200, n);
  }

  /**
   * Adds {@code "metrics"}, {@code "health"} and {@code "alerts"} for {@code queue} to the admin
   * stats answer when the coordinator already watches the queue (a read must not start a watch:
   * watching makes this process a leader candidate, which writes its lock); adds nothing
   * otherwise.
   */
  static void addToStats(ObjectNode stats, Coordinator c, String queue) {
    if (c == null || !c.watches(queue)) {
      return;
    }
    stats.set("metrics", metrics(c.metrics(queue)));
    QueueHealth h = c.health(queue);
    stats.put("health", h.level().word());
    ArrayNode alerts = stats.putArray("alerts");
    for (Alert a : h.alerts()) {
      alerts.add(alert(a));
    }
  }

  /** The performance figures of one snapshot (everything but the per-minute history). */
  static ObjectNode metrics(QueueMetrics m) {
    ObjectNode n = Json.object();
    n.put("throughputPerMin", m.throughputPerMinute());
    n.put("failureRate", m.failureRate());
    n.put("completed", m.completed());
    n.put("failed", m.failed());
    n.put("windowMs", m.window().toMillis());
    n.set("wait", timing(m.waitTime()));
    n.set("processing", timing(m.processingTime()));
    n.set("total", timing(m.totalTime()));
    n.put("backlog", m.backlog());
    n.put("activeWorkers", m.activeWorkers());
    n.put("computedAt", m.at().toEpochMilli());
    return n;
  }

  void health(Context ctx) {
    String q = watched(ctx);
    QueueHealth h = coordinator().health(q);
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("health", h.level().word());
    ArrayNode alerts = n.putArray("alerts");
    for (Alert a : h.alerts()) {
      alerts.add(alert(a));
    }
    noStore(ctx);
    ServerErrors.json(ctx, 200, n);
  }

  /** Queue alerts (when a coordinator runs) and the Redis monitor's alerts, together. */
  void alerts(Context ctx) {
    ObjectNode n = Json.object();
    ArrayNode alerts = n.putArray("alerts");
    List<Alert> all = new ArrayList<>(coordinator == null ? List.of() : coordinator.alerts());
    all.addAll(redisAlerts.get());
    for (Alert a : all) {
      alerts.add(alert(a));
    }
    noStore(ctx);
    ServerErrors.json(ctx, 200, n);
  }

  void status(Context ctx) {
    Coordinator c = coordinator();
    ObjectNode n = Json.object();
    boolean leader = c.isLeader();
    n.put("leader", leader);
    n.put("leaderId", c.leaderId());
    n.put("instanceId", c.instanceId());
    if (leader) {
      n.put("fencingToken", c.fencingToken());
    } else {
      n.putNull("fencingToken");
    }
    ArrayNode queues = n.putArray("queues");
    c.queues().forEach(queues::add);
    ArrayNode pools = n.putArray("pools");
    for (WorkerPool<?> p : c.pools()) {
      ObjectNode row = pools.addObject();
      row.put("queue", p.queue());
      row.put("min", p.min());
      row.put("max", p.max());
      row.put("target", p.target());
      row.put("current", p.current());
    }
    noStore(ctx);
    ServerErrors.json(ctx, 200, n);
  }

  void metrics(Context ctx) {
    noStore(ctx);
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
    ctx.result(registry.scrape());
  }

  static ObjectNode alert(Alert a) {
    ObjectNode n = Json.object();
    n.put("rule", a.rule());
    n.put("subject", a.subject());
    n.put("level", a.level().word());
    n.put("message", a.message());
    number(n, "value", a.value());
    number(n, "threshold", a.threshold());
    n.put("since", a.since().toEpochMilli());
    return n;
  }

  private static void number(ObjectNode n, String field, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      n.putNull(field);
    } else {
      n.put(field, v);
    }
  }

  private static ObjectNode timing(TimingStats t) {
    ObjectNode n = Json.object();
    n.put("count", t.count());
    n.put("avgMs", t.average().toMillis());
    n.put("p50Ms", t.p50().toMillis());
    n.put("p95Ms", t.p95().toMillis());
    n.put("p99Ms", t.p99().toMillis());
    return n;
  }

  private static void noStore(Context ctx) {
    ctx.header("Cache-Control", "no-store");
  }
}
