package dev.bullpen.admin;

import dev.bullpen.Bullpen;
import dev.bullpen.JobHandler;
import dev.bullpen.internal.coordinator.CoordinatorEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches and steers queues: per-queue metrics and health, alerts, a leader that maintains the
 * queues, and worker pools that follow the backlog. Run one per process (the server does).
 *
 * <pre>{@code
 * try (Bullpen bullpen = Bullpen.connect("redis://localhost:6379");
 *      Coordinator coordinator = Coordinator.start(bullpen,
 *          CoordinatorOptions.builder().queues("videos").build(), meterRegistry)) {
 *   QueueMetrics m = coordinator.metrics("videos");     // throughput, failure rate, p95, ...
 *   QueueHealth h = coordinator.health("videos");       // excellent / good / warning / critical
 *   List<ThroughputMinute> day = coordinator.throughputHistory("videos");
 * }
 * }</pre>
 *
 * <h2>Metrics</h2>
 * A {@link dev.bullpen.QueueEvents} reader per queue tells which jobs completed or failed; at
 * every {@link CoordinatorOptions#refreshInterval() refresh} their timestamps are read in one
 * call per 500 jobs and added to a sliding {@link CoordinatorOptions#window() window}, and the
 * queue's counts are read. See {@link QueueMetrics} for the definitions and {@link TimingStats}
 * for the percentiles' accuracy. Everything is also on the {@link MeterRegistry}: gauges
 * {@code bullpen.queue.jobs{queue,state}}, {@code bullpen.queue.backlog},
 * {@code bullpen.queue.workers}, {@code bullpen.queue.throughput},
 * {@code bullpen.queue.failure.ratio}, {@code bullpen.queue.health},
 * {@code bullpen.alerts{queue,rule}}, {@code bullpen.coordinator.leader}; timers
 * {@code bullpen.queue.wait|processing|total} with p50/p95/p99; counters
 * {@code bullpen.queue.finished{queue,state}} and {@code bullpen.alerts.started{queue,rule}};
 * for each listed {@link WorkerPool}, gauges {@code bullpen.pool.workers{queue}},
 * {@code bullpen.pool.target{queue}} and {@code bullpen.pool.active.jobs{queue}}.
 * Tags never carry job ids or names.
 *
 * <h2>Health and alerts</h2>
 * Each refresh evaluates the {@link AlertRules}. An alert is logged when it starts, changes level
 * and clears, posted to the {@link CoordinatorOptions#webhook() webhook} if one is set, and
 * listed by {@link #alerts()} while open. A queue's {@link QueueHealth health} is its worst open
 * alert.
 *
 * <h2>Leader and maintenance</h2>
 * The coordinators of one key prefix elect a leader through a Redis lock (SET NX PX, renewed by a
 * compare-and-extend script, fenced by a token that grows with every new leader). Only the leader
 * trims events streams, removes finished jobs past their {@link CoordinatorOptions#retention
 * retention}, and writes the per-minute throughput history — in BullMQ's own {@code metrics}
 * keys, so BullMQ's {@code getMetrics} and Bull Board show the same numbers, each finish counted
 * once even across a change of leader. A coordinator that watches no queue yet does not run for
 * leader (and writes nothing to Redis). When the leader closes, another takes over within a third
 * of the {@link CoordinatorOptions#leaderLockPeriod() lock period}; when it dies, once its lock
 * expires (at most one period after its last renewal) plus up to a third of a period. The
 * stalled-job check stays with the workers: it is already throttled to once per interval for
 * all workers of a queue (BullMQ's shared {@code stalled-check} key), so the leader running it
 * would save nothing.
 *
 * <h2>Threads</h2>
 * One scheduler thread per coordinator runs refreshes, elections and maintenance, one at a time.
 * Getters return the last computed values and never call Redis, except
 * {@link #throughputHistory}, {@link #leaderId()} and {@link #watch}. Thread-safe.
 */
public final class Coordinator implements AutoCloseable {
  private final CoordinatorEngine engine;
  private final List<WorkerPool<?>> pools = new CopyOnWriteArrayList<>();
  private final List<WorkerPool<?>> owned = new CopyOnWriteArrayList<>();

  private Coordinator(CoordinatorEngine engine) {
    this.engine = engine;
  }

  /** Starts a coordinator whose meters go to a private registry (see the other overload). */
  public static Coordinator start(Bullpen client, CoordinatorOptions options) {
    return start(client, options, new SimpleMeterRegistry());
  }

  /**
   * Starts a coordinator on {@code client} (which the caller keeps owning) and registers its
   * meters on {@code registry}; it starts watching {@link CoordinatorOptions#queues()} at once.
   *
   * @throws IllegalArgumentException when an argument is null
   * @throws dev.bullpen.RedisUnavailableException when Redis does not answer while the events
   *     readers of the named queues start
   */
  public static Coordinator start(Bullpen client, CoordinatorOptions options,
      MeterRegistry registry) {
    if (client == null || options == null || registry == null) {
      throw new IllegalArgumentException("client, options and registry must not be null");
    }
    if (options.instanceId() == null) {
      options = options.toBuilder().instanceId(CoordinatorOptions.newInstanceId()).build();
    }
    return new Coordinator(new CoordinatorEngine(client, options, registry));
  }

  /**
   * Starts watching {@code queue} if it exists in Redis (has a {@code meta} or {@code id} key);
   * returns whether it is watched now. Its metrics fill in from the next refresh on.
   *
   * @throws IllegalArgumentException when the name is invalid
   * @throws IllegalStateException when {@link CoordinatorOptions#maxQueues()} are watched already
   */
  public boolean watch(String queue) {
    CoordinatorOptions.Builder.checkQueue(queue);
    return engine.watch(queue);
  }

  /** Whether {@code queue} is watched. */
  public boolean watches(String queue) {
    return queue != null && engine.watches(queue);
  }

  /** The watched queues, sorted. */
  public List<String> queues() {
    return engine.queues();
  }

  /**
   * The queue's metrics from the last refresh.
   *
   * @throws IllegalArgumentException when the queue is not watched
   */
  public QueueMetrics metrics(String queue) {
    return engine.metrics(queue);
  }

  /**
   * The queue's health from the last refresh.
   *
   * @throws IllegalArgumentException when the queue is not watched
   */
  public QueueHealth health(String queue) {
    return engine.health(queue);
  }

  /** Every open alert of every watched queue, by queue then rule. */
  public List<Alert> alerts() {
    return engine.alerts();
  }

  /**
   * The queue's throughput per minute for the configured history (24 h by default), oldest
   * first, from the per-minute metrics in Redis (minutes before the first finish are absent; the
   * current minute shows what the leader has counted so far).
   *
   * @throws IllegalArgumentException when the queue is not watched
   * @throws dev.bullpen.RedisUnavailableException when Redis does not answer
   */
  public List<ThroughputMinute> throughputHistory(String queue) {
    List<ThroughputMinute> out = new ArrayList<>();
    for (long[] row : engine.history(queue)) {
      out.add(new ThroughputMinute(Instant.ofEpochMilli(row[0]), row[1], row[2]));
    }
    return out;
  }

  /**
   * Refreshes metrics and alerts now, on the calling thread (the coordinator also does so every
   * refresh interval); the leader also writes the throughput history.
   */
  public void refresh() {
    engine.refresh();
  }

  /**
   * Runs the leader's maintenance now (trimming, retention); returns false, doing nothing, when
   * this process is not the leader.
   */
  public boolean runMaintenance() {
    return engine.maintain();
  }

  /** The most recent maintenance steps this process ran as leader (at most 200), oldest first. */
  public List<MaintenanceRun> maintenanceRuns() {
    return engine.maintenanceRuns();
  }

  /** Whether this process is the leader now (holds the lock with time left on its lease). */
  public boolean isLeader() {
    return engine.isLeader();
  }

  /** This process's fencing token while it leads, else 0. */
  public long fencingToken() {
    return engine.fencingToken();
  }

  /** This process's id in the election. */
  public String instanceId() {
    return engine.instanceId();
  }

  /**
   * The current leader's id, or null when none holds the lock (reads Redis).
   *
   * @throws dev.bullpen.RedisUnavailableException when Redis does not answer
   */
  public String leaderId() {
    return engine.currentLeader();
  }

  /** The options. */
  public CoordinatorOptions options() {
    return engine.options();
  }

  /**
   * Starts a {@link WorkerPool} on this coordinator's client and lists it in {@link #pools()};
   * it is closed with the coordinator.
   */
  public <D> WorkerPool<D> workerPool(String queue, Class<D> dataType, JobHandler<D, ?> handler,
      WorkerPoolOptions options) {
    WorkerPool<D> pool = WorkerPool.start(engine.client(), queue, dataType, handler, options);
    owned.add(pool);
    list(pool);
    return pool;
  }

  /** Lists a pool started elsewhere in {@link #pools()} (the caller keeps closing it). */
  public void addPool(WorkerPool<?> pool) {
    if (pool == null) {
      throw new IllegalArgumentException("pool must not be null");
    }
    list(pool);
  }

  private void list(WorkerPool<?> pool) {
    pools.add(pool);
    engine.poolMeters(pool.queue(), pool::current, pool::target, pool::activeJobs);
  }

  /** The pools started by or added to this coordinator. */
  public List<WorkerPool<?>> pools() {
    return List.copyOf(pools);
  }

  /**
   * Stops refreshing, gives up leadership (so another process takes over at once), closes the
   * pools it started and the events readers, and removes its meters. The client stays open.
   */
  @Override
  public void close() {
    engine.close();
    for (WorkerPool<?> p : owned) {
      p.close();
    }
  }
}
