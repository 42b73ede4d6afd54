package dev.bullpen.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.Bullpen;
import dev.bullpen.admin.Alert;
import dev.bullpen.admin.Finding;
import dev.bullpen.admin.QueueRedisFigures;
import dev.bullpen.admin.RedisDoctor;
import dev.bullpen.admin.RedisClientFigures;
import dev.bullpen.admin.RedisMonitor;
import dev.bullpen.admin.RedisReport;
import dev.bullpen.admin.RedisSnapshot;
import dev.bullpen.status.JobStatusService;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /api/admin/redis}: the {@link RedisMonitor}'s report as JSON (server figures,
 * this process's client figures, per-queue estimates, alerts and doctor findings). Every field
 * is always present ({@code null} when unknown), so the dashboard can rely on the shape. The
 * monitor caches, so any number of requests costs Redis at most one INFO per refresh interval.
 * At start-up the doctor runs once in the background and logs its problems.
 */
final class RedisRoutes {
  private final Bullpen bullpen;
  private final RedisMonitor monitor;

  RedisRoutes(Bullpen bullpen, JobStatusService status) {
    this.bullpen = bullpen;
    this.monitor = RedisMonitor.builder(bullpen).statusService(status).build();
  }

  RedisMonitor monitor() {
    return monitor;
  }

  /**
   * Runs the doctor once in the background so its problems reach the log early (the doctor
   * only: the first report estimates the queues, which can take a while on a big keyspace).
   */
  void checkAtStartup() {
    Thread t = new Thread(() -> RedisDoctor.runAndLog(bullpen), "bullpen-redis-doctor");
    t.setDaemon(true);
    t.start();
  }

  void report(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ServerErrors.json(ctx, 200, json(monitor.report()));
  }

  static ObjectNode json(RedisReport r) {
    ObjectNode n = Json.object();
    n.set("server", server(r.server(), r.serverError()));
    n.set("client", client(r.client()));
    ArrayNode queues = n.putArray("queues");
    for (QueueRedisFigures q : r.queues()) {
      ObjectNode o = queues.addObject();
      o.put("queue", q.queue());
      o.put("memoryBytes", q.memoryBytes());
      o.put("eventsLength", q.eventsLength());
      o.put("jobs", q.jobs());
      o.put("sampledJobs", q.sampledJobs());
    }
    ArrayNode alerts = n.putArray("alerts");
    for (Alert a : r.alerts()) {
      alerts.add(alert(a));
    }
    ArrayNode findings = n.putArray("findings");
    for (Finding f : r.findings()) {
      ObjectNode o = findings.addObject();
      o.put("check", f.check());
      o.put("severity", f.severity().word());
      o.put("message", f.message());
      o.put("advice", f.advice());
    }
    n.put("health", r.health().word());
    n.put("readAt", r.readAt().toEpochMilli());
    return n;
  }

  /** An alert in the contract's shape; NaN value or threshold become null. */
  static ObjectNode alert(Alert a) {
    ObjectNode o = Json.object();
    o.put("rule", a.rule());
    o.put("subject", a.subject());
    o.put("level", a.level().word());
    o.put("message", a.message());
    number(o, "value", a.value());
    number(o, "threshold", a.threshold());
    o.put("since", a.since().toEpochMilli());
    return o;
  }

  private static ObjectNode server(RedisSnapshot s, String error) {
    ObjectNode o = Json.object();
    boolean known = s != null;
    o.put("version", known ? s.version() : null);
    o.put("mode", known ? s.mode() : null);
    o.set("nodes", known ? Json.MAPPER.getNodeFactory().numberNode(s.nodes()) : null);
    millis(o, "uptimeMs", known ? s.uptime() : null);
    count(o, "usedMemoryBytes", known ? s.usedMemoryBytes() : null);
    count(o, "peakMemoryBytes", known ? s.peakMemoryBytes() : null);
    count(o, "rssMemoryBytes", known ? s.rssMemoryBytes() : null);
    number(o, "fragmentationRatio", known ? s.fragmentationRatio() : Double.NaN);
    count(o, "maxmemoryBytes", known ? s.maxmemoryBytes() : null);
    o.put("maxmemoryPolicy", known ? s.maxmemoryPolicy() : null);
    number(o, "memoryRatio", known ? s.memoryRatio() : Double.NaN);
    count(o, "connectedClients", known ? s.connectedClients() : null);
    count(o, "blockedClients", known ? s.blockedClients() : null);
    count(o, "opsPerSec", known ? s.opsPerSecond() : null);
    count(o, "keyspaceHits", known ? s.keyspaceHits() : null);
    count(o, "keyspaceMisses", known ? s.keyspaceMisses() : null);
    number(o, "keyspaceHitRate", known ? s.keyspaceHitRate() : Double.NaN);
    count(o, "evictedKeys", known ? s.evictedKeys() : null);
    count(o, "expiredKeys", known ? s.expiredKeys() : null);
    count(o, "keys", known ? s.keys() : null);
    bool(o, "aofEnabled", known ? s.aofEnabled() : null);
    bool(o, "aofRewriteInProgress", known ? s.aofRewriteInProgress() : null);
    o.put("aofLastWriteStatus", known ? s.aofLastWriteStatus() : null);
    o.put("aofLastRewriteStatus", known ? s.aofLastRewriteStatus() : null);
    bool(o, "rdbSaveInProgress", known ? s.rdbSaveInProgress() : null);
    o.put("rdbLastSaveStatus", known ? s.rdbLastSaveStatus() : null);
    instant(o, "rdbLastSaveAt", known ? s.rdbLastSaveAt() : null);
    count(o, "rdbChangesSinceLastSave", known ? s.rdbChangesSinceLastSave() : null);
    bool(o, "persistenceOk", known ? s.persistenceOk() : null);
    o.put("role", known ? s.role() : null);
    count(o, "connectedReplicas", known ? (long) s.connectedReplicas() : null);
    millis(o, "replicaLagMs", known ? s.replicaLag() : null);
    o.put("masterLinkStatus", known ? s.masterLinkStatus() : null);
    instant(o, "readAt", known ? s.readAt() : null);
    o.put("error", error);
    return o;
  }

  private static ObjectNode client(RedisClientFigures c) {
    ObjectNode o = Json.object();
    o.put("connections", c.connections());
    o.put("commands", c.commands());
    o.put("errors", c.errors());
    o.put("timeouts", c.timeouts());
    o.put("errorsPerMin", c.errorsLastMinute());
    o.put("timeoutsPerMin", c.timeoutsLastMinute());
    o.put("slowPerMin", c.slowLastMinute());
    millis(o, "slowestMs", c.slowestLastMinute());
    millis(o, "meanMs", c.meanLatency());
    millis(o, "p50Ms", c.p50());
    millis(o, "p99Ms", c.p99());
    ArrayNode latency = o.putArray("latency");
    for (RedisClientFigures.LatencyBucket b : c.latency()) {
      ObjectNode l = latency.addObject();
      millis(l, "leMs", b.upTo());
      l.put("count", b.count());
    }
    o.put("circuit", c.circuit() == null ? null : c.circuit().name());
    o.put("statusRequests", c.statusRequests());
    number(o, "statusHitRate", c.statusHitRate());
    millis(o, "statusLoadMs", c.statusLoadTime());
    return o;
  }

  private static void millis(ObjectNode o, String field, Duration d) {
    if (d == null) {
      o.putNull(field);
    } else {
      o.put(field, d.toNanos() / 1e6);
    }
  }

  private static void instant(ObjectNode o, String field, Instant i) {
    if (i == null) {
      o.putNull(field);
    } else {
      o.put(field, i.toEpochMilli());
    }
  }

  private static void count(ObjectNode o, String field, Long v) {
    if (v == null) {
      o.putNull(field);
    } else {
      o.put(field, v.longValue());
    }
  }

  private static void bool(ObjectNode o, String field, Boolean v) {
    if (v == null) {
      o.putNull(field);
    } else {
      o.put(field, v.booleanValue());
    }
  }

  private static void number(ObjectNode o, String field, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.putNull(field);
    } else {
      o.put(field, v);
    }
  }
}
