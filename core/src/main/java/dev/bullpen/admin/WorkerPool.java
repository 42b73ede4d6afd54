package dev.bullpen.admin;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobHandler;
import dev.bullpen.Worker;
import dev.bullpen.WorkerListener;
import dev.bullpen.internal.coordinator.PoolRegistry;
import dev.bullpen.internal.coordinator.ScalingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of {@link Worker workers} on one queue whose size follows the queue's backlog: more
 * workers when jobs pile up, fewer when they are gone. Several processes may run a pool on the
 * same queue; their decisions take turns under a Redis lock and the total stays within
 * {@link WorkerPoolOptions#max()}. The policy is described on {@link WorkerPoolOptions}.
 *
 * <pre>{@code
 * try (WorkerPool<Map> pool = WorkerPool.start(bullpen, "videos", Map.class, job -> transcode(job),
 *     WorkerPoolOptions.builder().min(1).max(8).build())) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Growing starts new workers; shrinking closes the newest ones gracefully (each finishes its
 * running jobs, within its {@link dev.bullpen.WorkerOptions#shutdownTimeout() shutdown timeout},
 * on a background thread), so no job is cut short by a scaling decision. A decision that finds
 * Redis unavailable, or the lock taken by another process, changes nothing and waits for the next
 * interval.
 *
 * @param <D> the job data type
 */
public final class WorkerPool<D> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  private final Bullpen client;
  private final String queue;
  private final Class<D> dataType;
  private final JobHandler<D, ?> handler;
  private final WorkerPoolOptions opts;
  private final PoolRegistry registry;
  private final List<Worker<D>> workers = new ArrayList<>();
  private final AtomicLong finished = new AtomicLong();
  private final ScheduledExecutorService scheduler;
  private final Object lock = new Object();
  private volatile int target;
  private volatile int size;
  private volatile double ratePerWorker;
  private long lowSince = -1;
  private long lastDecisionNanos;
  private long finishedAtLastDecision;
  private long backlogAtLastDecision;
  private volatile boolean closed;

  private WorkerPool(Bullpen client, String queue, Class<D> dataType, JobHandler<D, ?> handler,
      WorkerPoolOptions opts) {
    this.client = client;
    this.queue = queue;
    this.dataType = dataType;
    this.handler = handler;
    this.opts = opts;
    this.ratePerWorker = opts.initialRatePerWorker();
    String id = opts.instanceId() != null ? opts.instanceId()
        : ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID();
    this.registry = new PoolRegistry(client, queue, id, opts.scaleInterval().toMillis());
    this.target = opts.min();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bullpen-pool-" + queue);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts a pool with {@link WorkerPoolOptions#min()} workers, deciding every
   * {@link WorkerPoolOptions#scaleInterval()}.
   *
   * @throws IllegalArgumentException when an argument is null or the queue name is invalid
   */
  public static <D> WorkerPool<D> start(Bullpen client, String queue, Class<D> dataType,
      JobHandler<D, ?> handler, WorkerPoolOptions options) {
    if (client == null || dataType == null || handler == null || options == null) {
      throw new IllegalArgumentException("client, dataType, handler and options must not be"
          + " null");
    }
    client.queue(queue).close(); // validates the name
    WorkerPool<D> pool = new WorkerPool<>(client, queue, dataType, handler, options);
    synchronized (pool.lock) {
      pool.registry.register(options.min());
      pool.resize(options.min());
      pool.lastDecisionNanos = System.nanoTime();
    }
    long every = options.scaleInterval().toMillis();
    pool.scheduler.scheduleWithFixedDelay(pool::safeRebalance, every, every,
        TimeUnit.MILLISECONDS);
    return pool;
  }

  private void safeRebalance() {
    try {
      rebalance();
    } catch (RuntimeException e) {
      LOG.warn("worker pool of {}: scaling decision failed: {}", queue, e.toString());
    }
  }

  /**
   * Makes one scaling decision now (the pool also makes one every scale interval). Returns the
   * size after it; unchanged when another process was deciding.
   */
  public int rebalance() {
    synchronized (lock) {
      if (closed) {
        return 0;
      }
      long backlog = registry.backlog();
      long nowNanos = System.nanoTime();
      measureRate(nowNanos);
      backlogAtLastDecision = backlog;
      int current = workers.size();
      long[] since = {lowSince};
      int size = registry.decide(current, others -> {
        ScalingPolicy.Decision d = ScalingPolicy.decide(new ScalingPolicy.Input(backlog,
            ratePerWorker, opts.drainTime().toMillis() / 1000.0, current, others, opts.min(),
            opts.max(), client.clock().millis(), lowSince,
            opts.scaleDownDelay().toMillis()));
        target = d.target();
        since[0] = d.lowSinceMs();
        return d.size();
      }, newSize -> {
        LOG.info("worker pool of {}: {} -> {} workers (backlog {}, {} jobs/s per worker,"
            + " queue-wide target {})", queue, current, newSize, backlog,
            String.format(java.util.Locale.ROOT, "%.2f", ratePerWorker), target);
        resize(newSize);
      });
      if (size < 0) {
        return current;
      }
      lowSince = since[0];
      return size;
    }
  }

  /** Moving average of jobs per second per worker, measured only while jobs were waiting. */
  private void measureRate(long nowNanos) {
    long done = finished.get();
    double seconds = (nowNanos - lastDecisionNanos) / 1e9;
    int n = workers.size();
    if (backlogAtLastDecision > 0 && n > 0 && seconds > 0.01) {
      double observed = (done - finishedAtLastDecision) / seconds / n;
      if (observed > 0) {
        ratePerWorker = 0.5 * ratePerWorker + 0.5 * observed;
      }
    }
    lastDecisionNanos = nowNanos;
    finishedAtLastDecision = done;
  }

  private void resize(int wanted) {
    while (workers.size() < wanted) {
      Worker<D> w = client.worker(queue, dataType, handler, opts.workerOptions().toBuilder()
          .autorun(true).build());
      w.addListener(new WorkerListener<>() {
        @Override
        public void onCompleted(Job<D> job, Object result) {
          finished.incrementAndGet();
        }

        @Override
        public void onFailed(Job<D> job, Throwable error, boolean retrying) {
          finished.incrementAndGet();
        }
      });
      workers.add(w);
    }
    while (workers.size() > wanted) {
      Worker<D> w = workers.remove(workers.size() - 1);
      Thread t = new Thread(w::close, "bullpen-pool-close-" + queue);
      t.setDaemon(true);
      t.start();
    }
    this.size = workers.size();
  }

  /** The queue this pool works on. */
  public String queue() {
    return queue;
  }

  /** Workers this process always runs. */
  public int min() {
    return opts.min();
  }

  /** Queue-wide maximum. */
  public int max() {
    return opts.max();
  }

  /** The queue-wide number of workers the last decision wanted. */
  public int target() {
    return target;
  }

  /** Workers this pool runs now (without waiting for a decision in progress). */
  public int current() {
    return size;
  }

  /** Jobs running in this pool's workers now. */
  public int activeJobs() {
    synchronized (lock) {
      int n = 0;
      for (Worker<D> w : workers) {
        n += w.activeCount();
      }
      return n;
    }
  }

  /** The current estimate of jobs per second one worker finishes. */
  public double ratePerWorker() {
    return ratePerWorker;
  }

  /** The options. */
  public WorkerPoolOptions options() {
    return opts;
  }

  /** Stops deciding, closes every worker gracefully and leaves the queue's pool registry. */
  @Override
  public void close() {
    List<Worker<D>> toClose;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(workers);
      workers.clear();
      size = 0;
    }
    scheduler.shutdownNow();
    List<Thread> threads = new ArrayList<>();
    for (Worker<D> w : toClose) {
      Thread t = new Thread(w::close, "bullpen-pool-close-" + queue);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      registry.register(0);
    } catch (RuntimeException e) {
      LOG.warn("worker pool of {}: could not leave the registry ({}); the entry expires",
          queue, e.toString());
    }
  }

  @Override
  public String toString() {
    return "WorkerPool[" + queue + ", " + current() + " workers, target " + target + "]";
  }
}
