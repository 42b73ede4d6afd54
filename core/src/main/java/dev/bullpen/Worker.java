package dev.bullpen;

import dev.bullpen.internal.BlockingConnection;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes a queue's jobs with a {@link JobHandler}, up to {@link WorkerOptions#concurrency()}
 * at a time. Created (and started) by {@link Bullpen#worker}; {@link #close()} shuts it down
 * gracefully.
 *
 * <p>Implementation notes.
 *
 * <ul>
 *   <li><b>Slots.</b> A semaphore holds one permit per unit of concurrency. The fetch loop takes
 *       as many free permits as it can (up to {@code fetchBatch}), asks moveToActive for that many
 *       jobs, and gives back the permits it could not fill. A completed job hands its permit to
 *       the {@link Finisher}, which records completions in batches (group commit) and fetches
 *       as many next jobs in the same script call; failures are recorded one by one and also
 *       fetch the next job. A busy worker therefore needs far fewer round trips than jobs.
 *   <li><b>Idle.</b> When nothing is ready (a fetch found no job, or took the last ready ones:
 *       moveToActive says which, and sets the marker itself when it leaves jobs behind), the
 *       loop blocks on BZPOPMIN of the queue's marker on its own connection (named as BullMQ
 *       names worker connections), for at most {@code drainDelay} or until the next delayed job
 *       is due. Every add writes the marker, so idle workers wake at once and never poll. A
 *       block that ends at {@code drainDelay} with nothing popped is simply renewed (no fetch):
 *       the stalled check, which some worker runs every {@code stalledInterval}, sets the marker
 *       if jobs are ready without one. A worker with {@code skipStalledCheck} fetches after each
 *       block instead. Idle, a worker sends a BZPOPMIN per {@code drainDelay} and a stalled
 *       check per {@code stalledInterval}.
 *   <li><b>Locks.</b> Every job is locked with its own token. One timer renews all held locks in
 *       one call every {@code lockRenewTime}; a job is dropped from the held set just before its
 *       finishing call, so renewal never races a finished job. If renewal reports a lock lost,
 *       the job's eventual finish is rejected by the script (lock mismatch) and nothing is
 *       written twice.
 *   <li><b>Stalls.</b> The same timer runs the stalled-job check every {@code stalledInterval};
 *       the script's throttle key makes it run once per interval for all workers of the queue,
 *       Node's included.
 *   <li><b>Shutdown.</b> {@link #close(Duration)} stops fetching (closing the blocking
 *       connection interrupts BZPOPMIN), waits for running jobs, then hands the ones still
 *       running back to wait (front, no attempt counted) and interrupts their threads; their
 *       late finish is rejected by the lock check.
 * </ul>
 *
 * @param <D> the data type
 */
public final class Worker<D> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

  final QueueContext ctx;
  final Type dataType;
  final JobHandler<D, ?> handler;
  final WorkerOptions opts;
  final String workerId = UUID.randomUUID().toString();
  /** Jobs whose handler is running: id to lock token. */
  final Map<String, String> held = new ConcurrentHashMap<>();
  final Semaphore slots;
  private final AtomicLong fetchSeq = new AtomicLong();
  private final List<WorkerListener<D>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService processors;
  private final ScheduledExecutorService timer;
  private final JobRunner<D> runner;
  private final Finisher<D> finisher;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object pauseLock = new Object();
  private final AtomicInteger idleSignals = new AtomicInteger();
  /** Fetched jobs, each with its slot, on their way to a processor thread. */
  private final Handoff<Job<D>> ready;
  private volatile boolean closing;
  private volatile boolean paused;
  private volatile long limitUntil;
  private volatile Thread fetchThread;
  private volatile BlockingConnection blocking;

  Worker(QueueContext ctx, Type dataType, JobHandler<D, ?> handler, WorkerOptions opts) {
    this.ctx = ctx;
    this.dataType = dataType;
    this.handler = handler;
    this.opts = opts;
    this.slots = new Semaphore(opts.concurrency());
    this.processors = newProcessorPool(ctx.name, opts.concurrency());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
        "bullpen-timer-" + ctx.name));
    this.finisher = new Finisher<>(this);
    this.runner = new JobRunner<>(this, finisher);
    this.ready = new Handoff<>(processors, runner::run, this::handBackUnrun);
  }

  /** Adds a listener; see {@link WorkerListener} for the contract. */
  public Worker<D> addListener(WorkerListener<D> listener) {
    listeners.add(listener);
    return this;
  }

  /** The queue this worker processes. */
  public String queueName() {
    return ctx.name;
  }

  /** Starts fetching (once; later calls do nothing). */
  public void start() {
    if (closed.get()) {
      throw new IllegalStateException("worker of queue " + ctx.name + " is closed");
    }
    if (!started.compareAndSet(false, true)) {
      return;
    }
    long renewMs = opts.lockRenewTime().toMillis();
    timer.scheduleAtFixedRate(this::renewLocks, renewMs, renewMs, TimeUnit.MILLISECONDS);
    if (!opts.skipStalledCheck()) {
      timer.scheduleWithFixedDelay(this::checkStalled, 0, opts.stalledInterval().toMillis(),
          TimeUnit.MILLISECONDS);
    }
    Thread t = new Thread(this::fetchLoop, "bullpen-fetch-" + ctx.name);
    t.setDaemon(true);
    fetchThread = t;
    t.start();
  }

  /** Stops taking new jobs (running ones finish); nothing is written to Redis. */
  public void pause() {
    paused = true;
    BlockingConnection b = blocking;
    if (b != null) {
      b.close();
    }
  }

  /** Takes jobs again after {@link #pause()}. */
  public void resume() {
    synchronized (pauseLock) {
      paused = false;
      pauseLock.notifyAll();
    }
  }

  public boolean isPaused() {
    return paused;
  }

  /** Whether the worker was started and not closed. */
  public boolean isRunning() {
    return started.get() && !closing;
  }

  /** Jobs whose handler is running now. */
  public int activeCount() {
    return opts.concurrency() - slots.availablePermits();
  }

  /** Closes gracefully, waiting up to {@link WorkerOptions#shutdownTimeout()}. */
  @Override
  public void close() {
    close(opts.shutdownTimeout());
  }

  /**
   * Stops fetching, waits up to {@code timeout} for running jobs, then hands the rest back to
   * wait (they run again elsewhere, without an attempt counted) and closes.
   */
  public void close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    synchronized (pauseLock) {
      pauseLock.notifyAll();
    }
    BlockingConnection b = blocking;
    if (b != null) {
      b.close();
    }
    try {
      Thread t = fetchThread;
      if (t != null) {
        t.join(ctx.redis().timeout().toMillis() + 5000);
      }
      if (slots.tryAcquire(opts.concurrency(), timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        slots.release(opts.concurrency());
      } else {
        ready.rejectQueued();
        handBack();
        processors.shutdownNow();
      }
    } catch (InterruptedException e) {
      ready.rejectQueued();
      handBack();
      processors.shutdownNow();
      Thread.currentThread().interrupt();
    }
    finisher.close(2000);
    processors.shutdown();
    timer.shutdownNow();
    ctx.client.forget(this);
  }

  private void handBack() {
    for (Map.Entry<String, String> e : new HashMap<>(held).entrySet()) {
      if (held.remove(e.getKey(), e.getValue())) {
        try {
          ctx.evalLong(ctx.scripts().moveJobFromActiveToWait, ctx.keys.base(), e.getKey(),
              e.getValue());
          LOG.info("queue {}: handed job {} back to wait at shutdown", ctx.name, e.getKey());
        } catch (RuntimeException ex) {
          LOG.warn("queue {}: could not hand job {} back ({}); the stalled check will recover"
              + " it", ctx.name, e.getKey(), ex.getMessage());
        }
      }
    }
  }

  private void fetchLoop() {
    int failures = 0;
    while (!closing) {
      int taken = 0;
      try {
        if (paused) {
          synchronized (pauseLock) {
            while (paused && !closing) {
              pauseLock.wait(1000);
            }
          }
          continue;
        }
        long wait = limitUntil - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(Math.min(Math.min(wait, 100), opts.maxRateLimitDelay().toMillis()));
          continue;
        }
        if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        taken = 1;
        int extra = Math.min(slots.availablePermits(), opts.fetchBatch() - 1);
        if (extra > 0 && slots.tryAcquire(extra)) {
          taken += extra;
        }
        long now = ctx.now();
        List<Object> reply = ctx.evalRaw(ctx.scripts().moveToActive,
            fetchArgs(ctx.keys.base(), Long.toString(now), taken));
        Fetched<D> f = Fetched.parse(ctx, dataType, reply, 0, now, opts.name());
        boolean dry = reply.size() > 3 && QueueContext.toLong(reply.get(3)) == 1;
        slots.release(taken - f.jobs.size());
        taken = 0;
        for (Job<D> job : f.jobs) {
          dispatch(job);
        }
        failures = 0;
        if (f.jobs.isEmpty() && f.rateLimitTtl > 0) {
          limitUntil = System.currentTimeMillis() + f.rateLimitTtl;
          continue;
        }
        if (!f.jobs.isEmpty()) {
          idleSignals.set(0);
        }
        // Nothing was ready, or the call took the last ready jobs: block on the marker (any
        // later add sets it) rather than ask again, so a job arriving alone costs one fetch.
        if (f.jobs.isEmpty() || dry) {
          if (idleSignals.getAndIncrement() == 0) {
            each(WorkerListener::onDrained);
          }
          waitForWork(f.nextDelayed);
        }
      } catch (InterruptedException e) {
        slots.release(taken);
        if (closing) {
          break;
        }
      } catch (RuntimeException e) {
        slots.release(taken);
        if (closing || paused) {
          continue;
        }
        failures++;
        // Capped at about 2 s so a worker is back within ~2 s of a failover completing.
        long backoff = reconnectBackoff(failures);
        LOG.warn("queue {}: worker fetch failed ({}); retrying in {} ms", ctx.name,
            e.getMessage(), backoff);
        each(l -> l.onError(e));
        sleepQuietly(backoff);
      }
    }
  }

  /** moveToActive's ARGV after the base key and now: count, token prefix, lock, limiter, name. */
  String[] fetchArgs(String base, String now, int count) {
    return new String[] {
      base, now, Integer.toString(count), tokenPrefix(),
      Long.toString(opts.lockDuration().toMillis()), Integer.toString(opts.limiterMax()),
      Long.toString(opts.limiterDuration().toMillis()), opts.name() == null ? "" : opts.name()
    };
  }

  String tokenPrefix() {
    return workerId + ":" + fetchSeq.incrementAndGet() + ":";
  }

  /**
   * Hands a fetched job (and its slot) to a processor thread ({@link Handoff}: a thread that
   * finishes a job takes the next ready one before it parks, so a burst of short jobs wakes a
   * few threads rather than one per job, which cost more CPU than the rest of the worker).
   */
  void dispatch(Job<D> job) {
    ready.offer(job);
  }

  /** Hands one job that no thread will run back to wait (shutting down) and frees its slot. */
  private void handBackUnrun(Job<D> job) {
    held.put(job.id(), job.lockToken());
    handBack();
    slots.release();
  }

  /** Runs {@code task} on the worker's timer after {@code delayMs}. */
  java.util.concurrent.Future<?> schedule(Runnable task, long delayMs) {
    try {
      return timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
  }

  /** Runs {@code task} on a processor thread, or {@code onRejected} when shutting down. */
  void execute(Runnable task, Runnable onRejected) {
    try {
      processors.execute(task);
    } catch (RejectedExecutionException e) {
      onRejected.run();
    }
  }

  private void waitForWork(long nextDelayed) throws InterruptedException {
    long drainMs = opts.drainDelay().toMillis();
    long dueAt = nextDelayed; // the earliest delayed job's due time (ms), 0 when none is known
    String marker = ctx.keys.key("marker");
    while (!closing && !paused) {
      long timeoutMs = drainMs;
      if (dueAt > 0) {
        long until = dueAt - ctx.now();
        if (until <= 1) {
          return;
        }
        timeoutMs = Math.min(timeoutMs, until);
      }
      BlockingConnection conn = blockingConnection();
      BlockingConnection.Popped popped = conn.bzpopmin(marker, timeoutMs);
      if (popped == null) {
        if (opts.skipStalledCheck()) {
          return;
        }
        // Nothing was added: block again without a fetch (the loop's head returns once a
        // delayed job is due). The stalled check sets a missing marker when jobs are ready.
        continue;
      }
      if ("1".equals(popped.member())) {
        long at = (long) popped.score();
        if (at - ctx.now() > 1) {
          dueAt = dueAt > 0 ? Math.min(dueAt, at) : at;
          continue;
        }
      }
      return;
    }
  }

  private BlockingConnection blockingConnection() {
    BlockingConnection b = blocking;
    if (b == null || !b.isOpen()) {
      String suffix = opts.name() == null ? "" : ":w:" + opts.name();
      b = ctx.redis().openBlocking(ctx.keys.clientName(suffix), ctx.keys.key("marker"));
      blocking = b;
      if (closing || paused) {
        b.close();
      }
    }
    return b;
  }

  private void renewLocks() {
    if (held.isEmpty()) {
      return;
    }
    Map<String, String> snapshot = new HashMap<>(held);
    String[] args = new String[2 + snapshot.size() * 2];
    args[0] = ctx.keys.base();
    args[1] = Long.toString(opts.lockDuration().toMillis());
    int i = 2;
    for (Map.Entry<String, String> e : snapshot.entrySet()) {
      args[i++] = e.getKey();
      args[i++] = e.getValue();
    }
    try {
      List<Object> lost = ctx.eval(ctx.scripts().extendLocks, args);
      for (Object id : lost) {
        String jobId = (String) id;
        if (snapshot.get(jobId).equals(held.get(jobId))) {
          LOG.warn("queue {}: lost the lock of job {}; it may run again elsewhere", ctx.name,
              jobId);
          each(l -> l.onLockLost(jobId));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("queue {}: lock renewal failed: {}", ctx.name, e.getMessage());
      each(l -> l.onError(e));
    }
  }

  private void checkStalled() {
    try {
      List<Object> ids = ctx.eval(ctx.scripts().moveStalledJobsToWait, ctx.keys.base(),
          Integer.toString(opts.maxStalledCount()), Long.toString(ctx.now()),
          Long.toString(opts.stalledInterval().toMillis()));
      for (Object id : ids) {
        LOG.info("queue {}: stalled job {} moved back to wait", ctx.name, id);
        each(l -> l.onStalled((String) id));
      }
    } catch (RuntimeException e) {
      if (!closing) {
        LOG.warn("queue {}: stalled check failed: {}", ctx.name, e.getMessage());
        each(l -> l.onError(e));
      }
    }
  }

  boolean isClosing() {
    return closing;
  }

  boolean isFetchPaused() {
    return paused;
  }

  void rateLimitedFor(long ttlMs) {
    limitUntil = System.currentTimeMillis() + ttlMs;
  }

  void each(Consumer<WorkerListener<D>> call) {
    for (WorkerListener<D> l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("queue {}: worker listener {} threw", ctx.name, l, e);
      }
    }
  }

  /**
   * Delay before retry {@code failures} (1, 2, ...) of a loop that lost Redis: 500 ms, 1 s, then
   * about 2 s, with 20 % jitter so that many clients do not retry in step after an outage.
   */
  static long reconnectBackoff(int failures) {
    long base = Math.min(2_000, 250L << Math.min(Math.max(failures, 1), 3));
    return (long) (base * (0.8 + 0.4 * java.util.concurrent.ThreadLocalRandom.current()
        .nextDouble()));
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Virtual threads when the JVM has them (21+), else platform threads: {@code concurrency}
   * kept warm, more made on demand. The semaphore bounds the jobs running at once; a pool that
   * grows keeps a handler that timed out but ignores interrupts from holding a thread a new
   * job needs.
   */
  static ExecutorService newProcessorPool(String queue, int concurrency) {
    try {
      Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException e) {
      AtomicInteger n = new AtomicInteger();
      return new ThreadPoolExecutor(concurrency, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
          new java.util.concurrent.SynchronousQueue<>(), r -> daemon(r, "bullpen-job-" + queue
              + "-" + n.incrementAndGet()));
    }
  }

  @Override
  public String toString() {
    return "Worker{" + ctx.name + ", " + workerId + "}";
  }
}
