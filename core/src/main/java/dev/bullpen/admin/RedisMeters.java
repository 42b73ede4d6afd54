package dev.bullpen.admin;

import dev.bullpen.internal.CommandStats;
import dev.bullpen.status.CircuitState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * The {@code bullpen.redis.*} meters of a {@link RedisMonitor}. Gauges read the monitor's cache
 * (a scrape triggers at most the refresh the interval allows). Per-queue gauges are registered
 * when a refresh finds a new queue (bounded by the monitor's {@code maxQueues}); a queue that
 * disappears keeps its gauges, which then read NaN.
 */
final class RedisMeters {
  private final RedisMonitor monitor;
  private final Set<String> queuesBound = ConcurrentHashMap.newKeySet();
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

  RedisMeters(RedisMonitor monitor) {
    this.monitor = monitor;
  }

  void bindTo(MeterRegistry registry, CommandStats stats) {
    server(registry, "bullpen.redis.memory.used", "bytes", RedisSnapshot::usedMemoryBytes);
    server(registry, "bullpen.redis.memory.peak", "bytes", RedisSnapshot::peakMemoryBytes);
    server(registry, "bullpen.redis.memory.rss", "bytes", RedisSnapshot::rssMemoryBytes);
    server(registry, "bullpen.redis.memory.max", "bytes", RedisSnapshot::maxmemoryBytes);
    server(registry, "bullpen.redis.memory.fragmentation", null,
        RedisSnapshot::fragmentationRatio);
    server(registry, "bullpen.redis.clients.connected", null, RedisSnapshot::connectedClients);
    server(registry, "bullpen.redis.clients.blocked", null, RedisSnapshot::blockedClients);
    server(registry, "bullpen.redis.ops", "operations/s", RedisSnapshot::opsPerSecond);
    server(registry, "bullpen.redis.keys", null, RedisSnapshot::keys);
    server(registry, "bullpen.redis.persistence.ok", null, s -> s.persistenceOk() ? 1 : 0);
    server(registry, "bullpen.redis.persistence.aof.enabled", null, s -> s.aofEnabled() ? 1 : 0);
    server(registry, "bullpen.redis.persistence.changes.unsaved", null,
        RedisSnapshot::rdbChangesSinceLastSave);
    server(registry, "bullpen.redis.replicas.connected", null,
        RedisSnapshot::connectedReplicas);
    server(registry, "bullpen.redis.replica.lag", "seconds",
        s -> s.replicaLag() == null ? Double.NaN : s.replicaLag().toSeconds());
    server(registry, "bullpen.redis.uptime", "seconds", s -> s.uptime().toSeconds());
    serverCounter(registry, "bullpen.redis.keyspace.hits", RedisSnapshot::keyspaceHits);
    serverCounter(registry, "bullpen.redis.keyspace.misses", RedisSnapshot::keyspaceMisses);
    serverCounter(registry, "bullpen.redis.keys.evicted", RedisSnapshot::evictedKeys);
    serverCounter(registry, "bullpen.redis.keys.expired", RedisSnapshot::expiredKeys);
    Gauge.builder("bullpen.redis.up", monitor, m -> m.report().serverError() == null ? 1 : 0)
        .description("1 when the last INFO succeeded").register(registry);
    Gauge.builder("bullpen.redis.health", monitor, m -> m.report().health().ordinal())
        .description("worst Redis alert or finding: 0 excellent, 1 good, 2 warning, 3 critical")
        .register(registry);
    Gauge.builder("bullpen.redis.alerts", monitor, m -> m.report().alerts().size())
        .description("Redis alert rules firing now").register(registry);

    Gauge.builder("bullpen.redis.client.connections", stats, s -> s.figures().connections())
        .description("Redis connections held by this client").register(registry);
    FunctionCounter.builder("bullpen.redis.client.commands", stats,
        s -> s.figures().commands()).register(registry);
    FunctionCounter.builder("bullpen.redis.client.errors", stats, s -> s.figures().errors())
        .register(registry);
    FunctionCounter.builder("bullpen.redis.client.timeouts", stats,
        s -> s.figures().timeouts()).register(registry);
    FunctionCounter.builder("bullpen.redis.client.command.time", stats,
        s -> s.figures().totalNanos() / 1e9).baseUnit("seconds").register(registry);
    Gauge.builder("bullpen.redis.client.command.slowest", stats,
        s -> s.figures().slowestNanosLastMinute() / 1e9).baseUnit("seconds")
        .description("slowest command of the last minute").register(registry);
    long[] bounds = stats.figures().boundsMicros();
    for (int i = 0; i <= bounds.length; i++) {
      final int bucket = i;
      String le = i < bounds.length ? Double.toString(bounds[i] / 1e6) : "+Inf";
      FunctionCounter.builder("bullpen.redis.client.command.latency", stats, s -> {
        long[] c = s.figures().bucketCounts();
        long sum = 0;
        for (int j = 0; j <= bucket; j++) {
          sum += c[j];
        }
        return sum;
      }).tag("le", le).description("commands that took at most le seconds (cumulative)")
          .register(registry);
    }
    Gauge.builder("bullpen.redis.client.circuit.open", monitor,
        m -> m.client().circuit() == CircuitState.OPEN ? 1 : 0).register(registry);
    Gauge.builder("bullpen.redis.client.status.hit.rate", monitor,
        m -> m.client().statusHitRate()).register(registry);
    Gauge.builder("bullpen.redis.queues.estimated", monitor, m -> m.queues().size())
        .description("queues whose memory is estimated").register(registry);
    registries.add(registry);
    bindQueues(registry, monitor.queues());
  }

  /** Registers the per-queue gauges of queues not seen before, in every bound registry. */
  void onQueues(List<QueueRedisFigures> queues) {
    for (MeterRegistry registry : registries) {
      bindQueues(registry, queues);
    }
  }

  private void bindQueues(MeterRegistry registry, List<QueueRedisFigures> queues) {
    for (QueueRedisFigures q : queues) {
      if (queuesBound.add(System.identityHashCode(registry) + "/" + q.queue())) {
        Gauge.builder("bullpen.redis.queue.memory", monitor,
            m -> queueFigure(m, q.queue(), true)).tag("queue", q.queue()).baseUnit("bytes")
            .register(registry);
        Gauge.builder("bullpen.redis.queue.events", monitor,
            m -> queueFigure(m, q.queue(), false)).tag("queue", q.queue()).register(registry);
      }
    }
  }

  private static double queueFigure(RedisMonitor m, String queue, boolean memory) {
    for (QueueRedisFigures q : m.queues()) {
      if (q.queue().equals(queue)) {
        return memory ? q.memoryBytes() : q.eventsLength();
      }
    }
    return Double.NaN;
  }

  private void server(MeterRegistry registry, String name, String unit,
      ToDoubleFunction<RedisSnapshot> f) {
    Gauge.Builder<RedisMonitor> b = Gauge.builder(name, monitor, m -> {
      RedisSnapshot s = m.snapshot();
      return s == null ? Double.NaN : f.applyAsDouble(s);
    });
    if (unit != null) {
      b.baseUnit(unit);
    }
    b.register(registry);
  }

  private void serverCounter(MeterRegistry registry, String name,
      ToDoubleFunction<RedisSnapshot> f) {
    FunctionCounter.builder(name, monitor, m -> {
      RedisSnapshot s = m.snapshot();
      return s == null ? 0 : f.applyAsDouble(s);
    }).register(registry);
  }
}
