package dev.bullpen.internal.coordinator;

import dev.bullpen.Bullpen;
import dev.bullpen.admin.Alert;
import dev.bullpen.admin.CoordinatorOptions;
import dev.bullpen.admin.HealthLevel;
import dev.bullpen.admin.MaintenanceRun;
import dev.bullpen.admin.QueueHealth;
import dev.bullpen.admin.QueueMetrics;
import dev.bullpen.internal.ClientAccess;
import dev.bullpen.internal.RedisGateway;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything behind {@link dev.bullpen.admin.Coordinator}: queue monitors, alert tracking, the
 * leader election and the leader's maintenance.
 *
 * <p>Implementation notes: one scheduler thread runs three periodic tasks — refresh (metrics,
 * alerts, and for the leader the metrics rollup), election (every third of the lock period) and
 * maintenance (trim, retention) — and the public {@link #refresh()} / {@link #maintain()} take
 * the same monitor, so no two of these ever run at once in one process; across processes only
 * the elected leader writes, each write fenced by its token. A failing task logs and waits for
 * its next period: the coordinator never stops because Redis was away for a while.
 */
public final class CoordinatorEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorEngine.class);

  private final Bullpen client;
  private final RedisGateway redis;
  private final CoordinatorOptions opts;
  private final LeaderElection election;
  private final AlertTracker tracker;
  private final CoordinatorMeters meters;
  private final Map<String, QueueMonitor> monitors = new ConcurrentSkipListMap<>();
  private final Map<String, QueueHealth> health = new ConcurrentHashMap<>();
  private final LeaderMaintenance maintenance;
  private final Map<String, Counter> alertStarts = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final Object work = new Object();
  private volatile boolean closed;
  private volatile long lastWarnNanos;

  public CoordinatorEngine(Bullpen client, CoordinatorOptions opts, MeterRegistry registry) {
    this.client = client;
    this.redis = ClientAccess.gateway(client);
    this.opts = opts;
    this.meters = new CoordinatorMeters(registry);
    this.election = new LeaderElection(redis, client.prefix(), opts.instanceId(),
        opts.leaderLockPeriod().toMillis());
    this.maintenance = new LeaderMaintenance(client, redis, opts, election);
    AlertWebhook webhook = opts.webhook() == null ? null
        : new AlertWebhook(opts.webhook(), opts.webhookTimeout());
    this.tracker = new AlertTracker(new AlertTracker.Listener() {
      @Override
      public void started(Alert alert) {
        alertStarts.computeIfAbsent(alert.subject() + "\u0000" + alert.rule(),
            k -> meters.counter("bullpen.alerts.started", "Alerts that started", "queue",
                alert.subject(), "rule", alert.rule())).increment();
        if (webhook != null) {
          webhook.started(alert);
        }
      }

      @Override
      public void cleared(Alert alert, Instant at) {
        if (webhook != null) {
          webhook.cleared(alert, at);
        }
      }
    });
    meters.gauge("bullpen.coordinator.leader", "1 while this process is the leader", election,
        e -> e.holds() ? 1 : 0);
    meters.gauge("bullpen.coordinator.queues", "Queues this coordinator watches", monitors,
        Map::size);
    for (String q : opts.queues()) {
      addMonitor(q);
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bullpen-coordinator");
      t.setDaemon(true);
      return t;
    });
    long third = Math.max(1, opts.leaderLockPeriod().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(() -> guarded("election", this::elect), 0, third,
        TimeUnit.MILLISECONDS);
    long refresh = opts.refreshInterval().toMillis();
    scheduler.scheduleWithFixedDelay(() -> guarded("refresh", this::refresh), refresh, refresh,
        TimeUnit.MILLISECONDS);
    long maint = opts.maintenanceInterval().toMillis();
    scheduler.scheduleWithFixedDelay(() -> guarded("maintenance", this::maintain), maint, maint,
        TimeUnit.MILLISECONDS);
  }

  private void guarded(String what, Runnable r) {
    if (closed) {
      return;
    }
    try {
      r.run();
    } catch (RuntimeException e) {
      warn("coordinator " + opts.instanceId() + ": " + what + " failed: " + e);
    }
  }

  /** Logs at most one warning per 30 s (Redis being away would otherwise flood the log). */
  private void warn(String message) {
    long now = System.nanoTime();
    if (now - lastWarnNanos >= TimeUnit.SECONDS.toNanos(30) || lastWarnNanos == 0) {
      lastWarnNanos = now;
      LOG.warn("{} (further failures within 30 s are logged at debug level)", message);
    } else {
      LOG.debug(message);
    }
  }

  private QueueMonitor addMonitor(String q) {
    return monitors.computeIfAbsent(q, name -> {
      QueueMonitor m = new QueueMonitor(client, redis, name, opts.window(), opts.maxSamples(),
          meters::finished);
      health.put(name, new QueueHealth(name, HealthLevel.EXCELLENT, List.of()));
      meters.queue(name, m::last, () -> health.get(name), rule -> {
        for (Alert a : tracker.open(name)) {
          if (a.rule().equals(rule)) {
            return a.level().ordinal();
          }
        }
        return 0;
      });
      return m;
    });
  }

  /**
   * Starts watching {@code queue} if it has data in Redis (a {@code meta} or {@code id} key).
   * Returns whether it is watched now.
   */
  public boolean watch(String queue) {
    if (monitors.containsKey(queue)) {
      return true;
    }
    String base = client.prefix() + ":" + queue + ":";
    Long exists = redis.call("check queue " + queue, r -> r.exists(base + "meta")
        + r.exists(base + "id"));
    if (exists == null || exists == 0) {
      return false;
    }
    synchronized (work) {
      if (monitors.size() >= opts.maxQueues() && !monitors.containsKey(queue)) {
        throw new IllegalStateException("this coordinator already watches " + monitors.size()
            + " queues (maxQueues); cannot watch " + queue);
      }
      addMonitor(queue);
    }
    return true;
  }

  public List<String> queues() {
    return new ArrayList<>(monitors.keySet());
  }

  public boolean watches(String queue) {
    return monitors.containsKey(queue);
  }

  public QueueMetrics metrics(String queue) {
    return monitor(queue).last();
  }

  public QueueHealth health(String queue) {
    monitor(queue);
    return health.get(queue);
  }

  public List<Alert> alerts() {
    return tracker.all();
  }

  private QueueMonitor monitor(String queue) {
    QueueMonitor m = monitors.get(queue);
    if (m == null) {
      throw new IllegalArgumentException("queue '" + queue + "' is not watched by this"
          + " coordinator (watched: " + monitors.keySet() + ")");
    }
    return m;
  }

  private void elect() {
    synchronized (work) {
      if (monitors.isEmpty()) {
        // Nothing to maintain: do not compete (and write nothing) until a queue is watched.
        return;
      }
      boolean wasLeader = election.holds();
      boolean leads = election.tick();
      if (leads && !wasLeader) {
        maintenance.rollup(monitors.values());
      }
    }
  }

  /** Reads new finishes of every queue, recomputes metrics and alerts; the leader rolls up. */
  public void refresh() {
    synchronized (work) {
      long now = client.clock().millis();
      Map<String, Integer> workers = workerCounts();
      for (QueueMonitor m : monitors.values()) {
        try {
          QueueMetrics metrics = m.refresh(now, workers.getOrDefault(m.queue, -1));
          List<Alert> firing = HealthRules.evaluate(metrics, opts.alertRules(),
              m.watchedMs(now), Instant.ofEpochMilli(now));
          List<Alert> open = tracker.update(m.queue, firing, Instant.ofEpochMilli(now));
          health.put(m.queue, new QueueHealth(m.queue, HealthRules.level(open), open));
        } catch (RuntimeException e) {
          warn("coordinator " + opts.instanceId() + ": refresh of queue " + m.queue
              + " failed: " + e);
        }
      }
      if (election.holds()) {
        maintenance.rollup(monitors.values());
      } else {
        long cutoff = System.currentTimeMillis() - QueueMonitor.ROLLUP_KEEP_MS;
        for (QueueMonitor m : monitors.values()) {
          m.forgetOldRollups(cutoff);
        }
      }
    }
  }

  /** Worker connections per watched queue, from one CLIENT LIST (BullMQ's getWorkers rule). */
  private Map<String, Integer> workerCounts() {
    Map<String, Integer> out = new java.util.HashMap<>();
    String list;
    try {
      list = redis.call("client list", r -> r.clientList());
    } catch (RuntimeException e) {
      return out;
    }
    Map<String, String> byName = new java.util.HashMap<>();
    for (QueueMonitor m : monitors.values()) {
      byName.put(m.keys.clientName(""), m.queue);
      out.put(m.queue, 0);
    }
    for (String line : list.split("\n")) {
      int at = line.indexOf(" name=");
      if (at < 0) {
        continue;
      }
      int end = line.indexOf(' ', at + 6);
      String name = line.substring(at + 6, end < 0 ? line.length() : end).trim();
      int w = name.indexOf(":w:", name.indexOf(':') + 1);
      String base = w >= 0 ? name.substring(0, w) : name;
      String q = byName.get(base);
      if (q != null) {
        out.merge(q, 1, Integer::sum);
      }
    }
    return out;
  }

  /** The leader's trim and retention cleanup, now; returns false when this is no leader. */
  public boolean maintain() {
    synchronized (work) {
      if (!election.holds()) {
        return false;
      }
      maintenance.maintain(monitors.values());
      return true;
    }
  }

  public List<MaintenanceRun> maintenanceRuns() {
    return maintenance.runs();
  }

  /** Per-minute history of a watched queue; see {@link MetricsHistory#read}. */
  public List<long[]> history(String queue) {
    monitor(queue);
    return MetricsHistory.read(redis, client.prefix(), queue, client.clock().millis(),
        opts.historyMinutes());
  }

  public boolean isLeader() {
    return election.holds();
  }

  public long fencingToken() {
    return election.holds() ? election.token() : 0;
  }

  public String instanceId() {
    return opts.instanceId();
  }

  public String currentLeader() {
    return election.currentLeader();
  }

  public CoordinatorOptions options() {
    return opts;
  }

  /** Registers gauges of one worker pool (size, target, running jobs). */
  public void poolMeters(String queue, java.util.function.IntSupplier current,
      java.util.function.IntSupplier target, java.util.function.IntSupplier activeJobs) {
    meters.gauge("bullpen.pool.workers", "Workers the pool runs in this process", current,
        java.util.function.IntSupplier::getAsInt, "queue", queue);
    meters.gauge("bullpen.pool.target", "Queue-wide workers the pool's last decision wanted",
        target, java.util.function.IntSupplier::getAsInt, "queue", queue);
    meters.gauge("bullpen.pool.active.jobs", "Jobs running in the pool's workers", activeJobs,
        java.util.function.IntSupplier::getAsInt, "queue", queue);
  }

  /** The client, for worker pools made through the coordinator. */
  public Bullpen client() {
    return client;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Let a running task finish its Redis call rather than interrupt it mid-command.
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
    }
    synchronized (work) {
      election.release();
      for (QueueMonitor m : monitors.values()) {
        try {
          m.close();
        } catch (RuntimeException e) {
          LOG.warn("closing the monitor of {} failed", m.queue, e);
        }
      }
    }
    meters.close();
  }
}
