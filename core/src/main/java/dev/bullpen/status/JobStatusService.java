package dev.bullpen.status;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bullpen.Bullpen;
import dev.bullpen.event.QueueEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job status for pages that poll: answers {@link #get} from an in-process cache that the queues'
 * event streams keep exact, so Redis load follows state changes, not the number of viewers.
 *
 * <pre>{@code
 * JobStatusService status = JobStatusService.create(bullpen);
 * Optional<JobView> view = status.get("videos", "42");      // cheap: poll it as often as you like
 * status.watch("videos", "42", v -> push(v));                // or be told when it changes
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li><b>Exact.</b> Once a queue event about a job has been delivered to this process (state
 *       change, progress, removal), no answer shows the job as it was before that event. Progress
 *       events carry the new value and are applied without reading Redis; other events mark the
 *       view outdated and the next request reads it again.
 *   <li><b>One read per change.</b> Concurrent requests for a job that is not cached share one
 *       Redis read: two commands (the job's hash and its state), or one after an event that
 *       says the state (active, completed, failed) when the hash agrees with it. Completed and
 *       failed jobs do not change and stay cached.
 *   <li><b>Never a hang.</b> A caller waits at most {@link StatusOptions#readTimeout()} for
 *       Redis. When Redis fails, answers come from the last known view, marked
 *       {@link JobView#stale()} with its {@link JobView#age()}; a job never seen fails with
 *       {@link StatusUnavailableException}. After {@link StatusOptions#failureThreshold()}
 *       consecutive failures a circuit breaker stops sending reads for
 *       {@link StatusOptions#openDuration()}.
 *   <li><b>Bounded.</b> At most {@link StatusOptions#maximumSize()} jobs are cached; TTLs
 *       (30 s for unfinished jobs, 5 min for finished ones by default) are only a safety net for
 *       lost events.
 * </ul>
 *
 * <p>One events reader runs per queue (started when a job of the queue is first found), shared
 * by every request and watcher. While requests come in and no event has arrived for a second,
 * Redis is pinged at most once a second, so that cached answers are flagged stale soon after
 * Redis stops answering.
 *
 * <p>Implementation notes: the cache holds a {@link JobSlot} per job; a slot's monitor guards
 * its fields and is never held during I/O. Reads run on a small loader pool and are tagged with
 * the slot's {@code generation}: an event that outdates the view bumps it, so a read that
 * started before the event can answer the callers that were already waiting for it but cannot
 * make the slot fresh, and callers arriving after the event start a new read instead of joining
 * the old one. Progress events bump {@code progressSeq} instead; a read that overlaps one gets
 * the event's progress patched in (events are delivered in order, so the event is the newest
 * progress known). Slots with watchers are pinned in a map beside the cache so that eviction
 * cannot separate them from their events; events are applied to every slot instance reachable
 * for the job. A reaper re-reads watched slots whose TTL ran out or whose read failed.
 */
public final class JobStatusService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobStatusService.class);
  /** Longest time an unfinished job's log rows are answered from the cache (no event says). */
  static final long LOGS_TTL_MILLIS = 5_000;
  static final long PROBE_MILLIS = 1_000;
  private static final long REAP_MILLIS = 1_000;

  private final JobSource source;
  private final StatusOptions opts;
  private final Clock clock;
  private final Cache<JobKey, JobSlot> cache;
  private final ConcurrentHashMap<JobKey, JobSlot> pinned = new ConcurrentHashMap<>();
  private final CircuitBreaker breaker;
  private final QueueFeeds feeds;
  private final ThreadPoolExecutor loader;
  private final ExecutorService notifier;
  private final ScheduledExecutorService timer;
  private final AtomicLong lastProbe = new AtomicLong();
  private volatile boolean redisFailing;
  private volatile long lastEvent = Long.MIN_VALUE / 2;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder staleAnswers = new LongAdder();
  private final LongAdder unavailable = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder readFailures = new LongAdder();
  private final LongAdder loadNanos = new LongAdder();
  private final LongAdder events = new LongAdder();

  JobStatusService(JobSource source, StatusOptions opts) {
    this.source = source;
    this.opts = opts;
    this.clock = opts.clock();
    this.cache = Caffeine.newBuilder().maximumSize(opts.maximumSize()).recordStats().build();
    this.breaker = new CircuitBreaker(opts.failureThreshold(), opts.openDuration().toMillis(),
        clock);
    this.feeds = new QueueFeeds(source, this::onEvent, opts.maxQueues(), clock);
    this.loader = new ThreadPoolExecutor(opts.loaderThreads(), opts.loaderThreads(), 30,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), daemon("bullpen-status-read"));
    loader.allowCoreThreadTimeOut(true);
    this.notifier = Executors.newFixedThreadPool(2, daemon("bullpen-status-notify"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("bullpen-status-timer"));
    timer.scheduleWithFixedDelay(this::reapWatched, REAP_MILLIS, REAP_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** A service with {@link StatusOptions#DEFAULT} on {@code bullpen}'s connections. */
  public static JobStatusService create(Bullpen bullpen) {
    return create(bullpen, StatusOptions.DEFAULT);
  }

  /** A service on {@code bullpen}'s connections; close it before the client. */
  public static JobStatusService create(Bullpen bullpen, StatusOptions options) {
    if (bullpen == null || options == null) {
      throw new IllegalArgumentException("bullpen and options must not be null");
    }
    return new JobStatusService(new BullpenSource(bullpen, options.clock(),
        options.eventBatchWindow()), options);
  }

  /**
   * The job's view, empty when the job does not exist. Answers from the cache when it can,
   * else reads Redis (sharing the read with concurrent callers) for at most
   * {@link StatusOptions#readTimeout()}, else answers the last known view marked stale.
   *
   * @throws IllegalArgumentException when the queue name or job id is malformed
   * @throws StatusUnavailableException when Redis cannot be read and the job was never seen
   */
  public Optional<JobView> get(String queue, String jobId) {
    check(queue, jobId);
    JobSlot s = slot(new JobKey(queue, jobId));
    long now = clock.millis();
    JobSlot.Load load;
    synchronized (s) {
      if (s.freshAt(now)) {
        if (!redisFailing) {
          hits.increment();
          probeSoon();
          return Optional.ofNullable(s.view);
        }
        probeSoon();
        load = null;
      } else {
        load = startLoad(s);
      }
    }
    if (load == null) {
      return fallback(s, null);
    }
    try {
      Optional<JobView> r = load.future.get(opts.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
      misses.increment();
      return r;
    } catch (TimeoutException e) {
      return fallback(s, e);
    } catch (ExecutionException e) {
      return fallback(s, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback(s, e);
    }
  }

  /**
   * The newest rows (at most {@link StatusOptions#maxLogRows()}) of the job's log. Logs change
   * without events, so rows of an unfinished job are read again after a few seconds or when
   * the job's view changes; a finished job's rows stay cached like its view.
   *
   * @throws StatusUnavailableException when Redis cannot be read and the rows were never read
   */
  public JobLogs logs(String queue, String jobId) {
    check(queue, jobId);
    JobSlot s = slot(new JobKey(queue, jobId));
    boolean locked = false;
    try {
      locked = s.logsLock.tryLock(opts.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      long now = clock.millis();
      JobLogs cached;
      String etag;
      boolean finished;
      synchronized (s) {
        cached = s.logs;
        etag = s.view == null ? null : s.view.etag();
        finished = s.view != null && s.view.finished() && s.freshAt(now);
        if (locked && cached != null && !redisFailing && now < s.logsFreshUntil
            && java.util.Objects.equals(etag, s.logsEtag)) {
          return cached;
        }
      }
      if (!locked || !breaker.tryAcquire()) {
        return staleLogs(queue, jobId, cached, null);
      }
      try {
        JobLogs fresh = source.logs(queue, jobId, opts.maxLogRows());
        breaker.onSuccess();
        synchronized (s) {
          s.logs = fresh;
          s.logsEtag = etag;
          s.logsFreshUntil = now + (finished ? opts.finishedTtl().toMillis()
              : Math.min(LOGS_TTL_MILLIS, opts.activeTtl().toMillis()));
        }
        return fresh;
      } catch (RuntimeException e) {
        breaker.onFailure();
        return staleLogs(queue, jobId, cached, e);
      }
    } finally {
      if (locked) {
        s.logsLock.unlock();
      }
    }
  }

  private JobLogs staleLogs(String queue, String jobId, JobLogs cached, Throwable cause) {
    if (cached != null) {
      return new JobLogs(cached.rows(), true);
    }
    throw new StatusUnavailableException("cannot read the log of job " + jobId + " of queue "
        + queue + ": Redis is unavailable and the log was never read", cause);
  }

  /**
   * Calls {@code listener} with the job's view now (once known) and whenever it changes, until
   * the returned subscription is closed. Watching costs Redis nothing beyond one read per
   * state change, shared by every watcher and request of the job.
   */
  public Subscription watch(String queue, String jobId, JobStatusListener listener) {
    check(queue, jobId);
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null");
    }
    JobKey key = new JobKey(queue, jobId);
    while (true) {
      JobSlot s = pinned.computeIfAbsent(key, k -> {
        JobSlot c = cache.getIfPresent(k);
        return c != null ? c : new JobSlot(k);
      });
      Watcher w = new Watcher(s, listener, notifier, this::unwatch);
      synchronized (s) {
        if (pinned.get(key) != s) {
          continue; // the last watcher left and unpinned it meanwhile
        }
        s.watchers.add(w);
        if (s.freshAt(clock.millis())) {
          w.offer(s.missing ? Watcher.REMOVED : s.view);
        } else {
          startLoad(s);
        }
      }
      return w;
    }
  }

  private void unwatch(Watcher w) {
    JobSlot s = w.slot;
    synchronized (s) {
      s.watchers.remove(w);
      if (s.watchers.isEmpty() && pinned.remove(s.key, s)) {
        cache.put(s.key, s);
      }
    }
  }

  /**
   * Completes with the job's view as soon as its etag differs from {@code etag} (at once if it
   * already does, or if {@code etag} is null), or after {@code maxWait} with the view then
   * known, which may carry the same etag. Completes with empty when the job does not exist or
   * is removed, and exceptionally with {@link StatusUnavailableException} when Redis cannot be
   * read and the job was never seen. For long polling: no thread waits meanwhile.
   */
  public CompletableFuture<Optional<JobView>> awaitChange(String queue, String jobId, String etag,
      Duration maxWait) {
    check(queue, jobId);
    if (maxWait == null || maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must be zero or positive, got " + maxWait);
    }
    CompletableFuture<Optional<JobView>> f = new CompletableFuture<>();
    Subscription sub = watch(queue, jobId, new JobStatusListener() {
      @Override
      public void onView(JobView view) {
        if (etag == null || !etag.equals(view.etag())) {
          f.complete(Optional.of(view));
        }
      }

      @Override
      public void onRemoved() {
        f.complete(Optional.empty());
      }
    });
    JobSlot s = slot(new JobKey(queue, jobId));
    ScheduledFuture<?> deadline = timer.schedule(() -> completeWithKnown(f, s),
        maxWait.toMillis(), TimeUnit.MILLISECONDS);
    f.whenComplete((r, e) -> {
      sub.close();
      deadline.cancel(false);
    });
    return f;
  }

  private void completeWithKnown(CompletableFuture<Optional<JobView>> f, JobSlot s) {
    long now = clock.millis();
    synchronized (s) {
      if (!s.known) {
        f.completeExceptionally(new StatusUnavailableException("cannot read job " + s.key.id()
            + " of queue " + s.key.queue() + ": Redis is unavailable", null));
      } else if (s.missing) {
        f.complete(Optional.empty());
      } else {
        f.complete(Optional.of(s.freshAt(now) && !redisFailing ? s.view : s.view.asStale(
            clock.instant())));
      }
    }
  }

  /** The counters now. */
  public StatusCounters counters() {
    return new StatusCounters(hits.sum(), misses.sum(), staleAnswers.sum(), unavailable.sum(),
        reads.sum(), readFailures.sum(), Duration.ofNanos(loadNanos.sum()), events.sum(),
        cache.stats().evictionCount(), cache.estimatedSize() + pinned.size(), feeds.size(),
        breaker.state());
  }

  /** The circuit breaker's state now. */
  public CircuitState circuitState() {
    return breaker.state();
  }

  /** Whether the last contact with Redis (read, ping) failed. */
  public boolean redisFailing() {
    return redisFailing;
  }

  /** The options in force. */
  public StatusOptions options() {
    return opts;
  }

  /** Stops the events readers and the service's threads. Pending waits never complete. */
  @Override
  public void close() {
    timer.shutdownNow();
    feeds.close();
    loader.shutdownNow();
    notifier.shutdownNow();
  }

  // Events, on a queue's events reader thread.

  void onEvent(String queue, QueueEvent e) {
    String id = e.jobId();
    String name = e.event() == null ? "" : e.event();
    if (id == null || id.isEmpty()) {
      if (name.equals("cleaned")) {
        outdateQueue(queue); // "cleaned" names no jobs
      }
      return;
    }
    if (name.equals("duplicated") || name.equals("deduplicated") || name.equals("debounced")) {
      return; // nothing changed
    }
    events.increment();
    long now = clock.millis();
    lastEvent = now; // the events reader just heard from Redis: no ping needed for a while
    JobKey key = new JobKey(queue, id);
    JobSlot p = pinned.get(key);
    JobSlot c = cache.getIfPresent(key);
    apply(p, name, e, now);
    if (c != null && c != p) {
      apply(c, name, e, now);
    }
  }

  private void apply(JobSlot s, String name, QueueEvent e, long now) {
    if (s == null) {
      return;
    }
    synchronized (s) {
      if (name.equals("progress") && !s.missing) {
        String data = e.field("data");
        s.progressSeq++;
        s.latestProgress = data == null || data.isEmpty() ? "0" : data;
        if (s.view != null) {
          s.view = s.view.withProgress(s.latestProgress, clock.instant());
          offerAll(s);
        }
      } else if (name.equals("removed")) {
        s.generation++;
        s.known = true;
        s.missing = true;
        s.view = null;
        s.dirty = false;
        s.freshUntil = now + opts.activeTtl().toMillis();
        offerAll(s);
      } else {
        s.generation++;
        s.dirty = true;
        s.stateHint = hint(name);
        if (!s.watchers.isEmpty()) {
          startLoad(s);
        }
      }
    }
  }

  /** The state an event leaves the job in, when that is certain without reading it. */
  private static dev.bullpen.JobState hint(String event) {
    switch (event) {
      case "active":
        return dev.bullpen.JobState.ACTIVE;
      case "completed":
        return dev.bullpen.JobState.COMPLETED;
      case "failed":
        return dev.bullpen.JobState.FAILED;
      default:
        return null; // "waiting" may mean prioritized; others say nothing certain
    }
  }

  private void outdateQueue(String queue) {
    List<JobSlot> all = new ArrayList<>(pinned.values());
    all.addAll(cache.asMap().values());
    for (JobSlot s : all) {
      if (s.key.queue().equals(queue)) {
        synchronized (s) {
          s.generation++;
          s.dirty = true;
          s.stateHint = null;
          if (!s.watchers.isEmpty()) {
            startLoad(s);
          }
        }
      }
    }
  }

  // Reads.

  /** The read to wait for: the one under way if no event outdated it, else a new one. */
  private JobSlot.Load startLoad(JobSlot s) {
    assert Thread.holdsLock(s);
    JobSlot.Load l = s.inflight;
    if (l != null && l.generation == s.generation) {
      return l;
    }
    if (!breaker.tryAcquire()) {
      return null;
    }
    JobSlot.Load load = new JobSlot.Load(s.generation, s.progressSeq);
    load.stateHint = s.stateHint;
    s.inflight = load;
    try {
      loader.execute(() -> runLoad(s, load));
    } catch (RejectedExecutionException e) {
      s.inflight = null;
      breaker.onFailure();
      load.future.completeExceptionally(new StatusUnavailableException("too many job reads"
          + " waiting for Redis", e));
    }
    return load;
  }

  private void runLoad(JobSlot s, JobSlot.Load load) {
    String queue = s.key.queue();
    String id = s.key.id();
    long t0 = System.nanoTime();
    Optional<JobView> r = Optional.empty();
    RuntimeException error = null;
    boolean followed = feeds.isFollowed(queue);
    try {
      r = source.read(queue, id, followed ? load.stateHint : null);
      if (!followed && r.isPresent()) {
        // First job found in this queue: follow its events, then read again so that no change
        // between the first read and the reader's start point goes unseen.
        followed = feeds.follow(queue);
        if (followed) {
          reads.increment();
          r = source.read(queue, id, null);
        }
      }
    } catch (RuntimeException e) {
      error = e;
    }
    long took = System.nanoTime() - t0;
    reads.increment();
    loadNanos.add(took);
    if (took > opts.slowRead().toNanos()) {
      LOG.warn("slow Redis read of job {} of queue {}: {} ms{}", id, queue, took / 1_000_000,
          error == null ? "" : " (" + error.getMessage() + ")");
    }
    if (error != null) {
      readFailures.increment();
      redisFailing = true;
      breaker.onFailure();
    } else {
      redisFailing = false;
      breaker.onSuccess();
    }
    complete(s, load, r, error, followed);
  }

  private void complete(JobSlot s, JobSlot.Load load, Optional<JobView> r,
      RuntimeException error, boolean followed) {
    Optional<JobView> answer = r;
    synchronized (s) {
      if (s.inflight == load) {
        s.inflight = null;
      }
      if (error == null) {
        long now = clock.millis();
        if (r.isPresent() && s.progressSeq != load.progressSeq && s.latestProgress != null) {
          answer = Optional.of(r.get().withProgress(s.latestProgress, clock.instant()));
        }
        if (load.generation == s.generation) {
          s.known = true;
          s.missing = answer.isEmpty();
          s.view = answer.orElse(null);
          s.dirty = !followed;
          long ttl = answer.isPresent() && answer.get().finished()
              ? opts.finishedTtl().toMillis() : opts.activeTtl().toMillis();
          s.freshUntil = now + ttl;
          offerAll(s);
        } else if (!s.known) {
          // Outdated by an event while reading: good enough as a last known view, not fresh.
          s.known = true;
          s.missing = answer.isEmpty();
          s.view = answer.orElse(null);
        }
        if (load.generation != s.generation && !s.watchers.isEmpty()) {
          startLoad(s);
        }
      }
    }
    if (error != null) {
      load.future.completeExceptionally(error);
    } else {
      load.future.complete(answer);
    }
  }

  private Optional<JobView> fallback(JobSlot s, Throwable cause) {
    synchronized (s) {
      if (s.known) {
        staleAnswers.increment();
        return s.missing ? Optional.empty() : Optional.of(s.view.asStale(clock.instant()));
      }
    }
    unavailable.increment();
    String why = cause == null ? "the circuit breaker is open after repeated failures"
        : cause instanceof TimeoutException ? "no answer within " + opts.readTimeout().toMillis()
            + " ms" : String.valueOf(cause.getMessage());
    throw new StatusUnavailableException("cannot read job " + s.key.id() + " of queue "
        + s.key.queue() + " and it was never seen: Redis is unavailable (" + why + ")", cause);
  }

  private void offerAll(JobSlot s) {
    Object update = s.missing ? Watcher.REMOVED : s.view;
    if (update == null) {
      return;
    }
    for (Watcher w : s.watchers) {
      w.offer(update);
    }
  }

  /** Pings Redis in the background at most once per {@link #PROBE_MILLIS} while hits come. */
  private void probeSoon() {
    long now = clock.millis();
    long last = lastProbe.get();
    if ((!redisFailing && now - lastEvent < PROBE_MILLIS) || now - last < PROBE_MILLIS
        || !lastProbe.compareAndSet(last, now)) {
      return;
    }
    try {
      loader.execute(() -> {
        try {
          source.ping();
          redisFailing = false;
          breaker.onSuccess();
        } catch (RuntimeException e) {
          redisFailing = true;
          breaker.onFailure();
          LOG.debug("job status: Redis ping failed: {}", e.getMessage());
        }
      });
    } catch (RejectedExecutionException e) {
      // shutting down or saturated: the next hit tries again
    }
  }

  /** Re-reads watched jobs whose TTL ran out or whose last read failed. */
  private void reapWatched() {
    try {
      long now = clock.millis();
      if (redisFailing && !pinned.isEmpty()) {
        probeSoon();
      }
      for (JobSlot s : pinned.values()) {
        synchronized (s) {
          if (!s.watchers.isEmpty() && !s.freshAt(now) && s.inflight == null) {
            startLoad(s);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("job status: re-reading watched jobs failed", e);
    }
  }

  private JobSlot slot(JobKey key) {
    JobSlot p = pinned.get(key);
    return p != null ? p : cache.get(key, JobSlot::new);
  }

  private static void check(String queue, String jobId) {
    if (queue == null || queue.isEmpty() || queue.length() > 256 || queue.indexOf(':') >= 0) {
      throw new IllegalArgumentException("queue must be 1 to 256 characters without ':', got '"
          + queue + "'");
    }
    if (jobId == null || jobId.isEmpty() || jobId.length() > 1024 || jobId.indexOf(':') >= 0) {
      throw new IllegalArgumentException("jobId must be 1 to 1024 characters without ':', got '"
          + jobId + "'");
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
