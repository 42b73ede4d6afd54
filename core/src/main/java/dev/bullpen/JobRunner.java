package dev.bullpen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs for one {@link Worker}: the handler, then the finishing script, which fetches the
 * next job in the same call so a busy slot needs one round trip per job.
 *
 * <p>Implementation notes: the job leaves the worker's held set just before its finishing call
 * (so lock renewal never reports a job that is being finished as lost). A finishing call that
 * meets Redis unavailable is retried a few times: every finishing script checks the lock and
 * that the job is active, so a retry after a call that did take effect is rejected (-2/-3) and
 * writes nothing.
 *
 * <p>Timeouts: a job with a timeout (its own, else the worker's) gets a {@link Deadline} on the
 * worker's timer. Whichever comes first, the handler returning or the deadline, settles the
 * attempt (one compare-and-set). When the deadline wins it interrupts the handler's thread and
 * fails the attempt on a fresh processor thread, which then owns the slot and goes on with the
 * next job; the handler's thread, whenever it returns, sees the attempt settled and drops
 * everything (its result, its error, its slot). The lock token makes a late finish harmless
 * anyway. A handler that ignores interrupts keeps its thread, never the slot: the processor
 * pool grows by a thread instead.
 */
final class JobRunner<D> {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final int MAX_STACK_CHARS = 8000;

  private final Worker<D> w;
  private final QueueContext ctx;

  private final Finisher<D> finisher;

  JobRunner(Worker<D> worker, Finisher<D> finisher) {
    this.w = worker;
    this.ctx = worker.ctx;
    this.finisher = finisher;
    this.handedOff = new Job<>(ctx, "", java.util.Map.of(), Object.class, null);
  }

  /**
   * Runs a chain of jobs on this thread. The slot is freed when the chain ends, unless the last
   * job was handed to the finisher, which then owns the slot.
   */
  void run(Job<D> first) {
    runChain(() -> first);
  }

  /** Fails an attempt that overran its timeout, then goes on like {@link #run}. */
  void timedOut(Job<D> job, java.time.Duration timeout) {
    LOG.warn("queue {}: job {} timed out after {} ms; failing the attempt and interrupting its"
        + " handler", ctx.name, job.id(), timeout.toMillis());
    runChain(() -> fail(job, new JobTimeoutException(timeout), false));
  }

  private void runChain(java.util.function.Supplier<Job<D>> start) {
    boolean release = true;
    try {
      Job<D> job = start.get();
      while (job != null) {
        job = processOne(job);
        if (job == handedOff) {
          release = false;
          job = null;
        }
      }
    } catch (RuntimeException e) {
      LOG.error("queue {}: unexpected error in job runner", ctx.name, e);
      w.each(l -> l.onError(e));
    } finally {
      if (release) {
        w.slots.release();
      }
    }
  }

  /** Returned by processOne when a completion went to the finisher together with its slot. */
  private final Job<D> handedOff;

  private Job<D> processOne(Job<D> job) {
    w.held.put(job.id(), job.lockToken());
    w.each(l -> l.onActive(job));
    if (job.deferredFailure().isPresent()) {
      return fail(job, new UnrecoverableJobException(job.deferredFailure().get()), true);
    }
    int maxStarted = w.opts.maxStartedAttempts();
    if (maxStarted > 0 && job.attemptsStarted() > maxStarted) {
      return fail(job, new UnrecoverableJobException("job started more than allowable limit"),
          true);
    }
    java.time.Duration timeout = job.opts().timeout() != null ? job.opts().timeout()
        : w.opts.jobTimeout();
    Deadline deadline = timeout == null ? null : new Deadline(job, timeout);
    Object result;
    try {
      result = w.handler.handle(job);
    } catch (DelayJobException d) {
      if (deadline != null && !deadline.settle()) {
        return abandoned();
      }
      w.held.remove(job.id());
      guarded(job, "delay", () -> ctx.check(ctx.evalLong(ctx.scripts().moveToDelayed,
          ctx.keys.base(), job.id(), job.lockToken(), Long.toString(ctx.now()),
          Long.toString(d.delay().toMillis()), "1", "", ""), "moveToDelayed", job.id()));
      return null;
    } catch (Throwable t) {
      if (deadline != null && !deadline.settle()) {
        return abandoned();
      }
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (t instanceof Error && !(t instanceof AssertionError) && !(t instanceof StackOverflowError)
          && !(t instanceof OutOfMemoryError)) {
        throw (Error) t;
      }
      return fail(job, t, false);
    }
    if (deadline != null && !deadline.settle()) {
      return abandoned();
    }
    String returnJson;
    try {
      returnJson = result == null ? "null" : ctx.codec().encode(result);
    } catch (IllegalArgumentException e) {
      return fail(job, new UnrecoverableJobException("cannot store the return value: "
          + e.getMessage(), e), true);
    }
    KeepJobs keep = job.opts().removeOnComplete() != null ? job.opts().removeOnComplete()
        : w.opts.removeOnComplete();
    w.held.remove(job.id());
    return finisher.complete(new Finisher.Pending<>(job, result, returnJson, keep), handedOff);
  }

  /**
   * The handler returned after its deadline settled the attempt: drop its outcome; the slot
   * belongs to the thread that failed the attempt.
   */
  private Job<D> abandoned() {
    Thread.interrupted();
    return handedOff;
  }

  /** One attempt's timeout; see the class notes. */
  private final class Deadline implements Runnable {
    private final java.util.concurrent.atomic.AtomicBoolean settled =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread handlerThread = Thread.currentThread();
    private final Job<D> job;
    private final java.time.Duration timeout;
    private final java.util.concurrent.Future<?> timer;

    Deadline(Job<D> job, java.time.Duration timeout) {
      this.job = job;
      this.timeout = timeout;
      this.timer = w.schedule(this, timeout.toMillis());
    }

    /** Called by the handler's thread; false when the deadline settled the attempt first. */
    boolean settle() {
      if (settled.compareAndSet(false, true)) {
        timer.cancel(false);
        return true;
      }
      return false;
    }

    /** On the worker's timer: must be quick, so the failing runs on a processor thread. */
    @Override
    public void run() {
      if (settled.compareAndSet(false, true)) {
        handlerThread.interrupt();
        w.execute(() -> timedOut(job, timeout), () -> {
          LOG.warn("queue {}: job {} timed out during shutdown; the stalled check will recover"
              + " it", ctx.name, job.id());
          w.held.remove(job.id());
          w.slots.release();
        });
      }
    }
  }

  private Job<D> fail(Job<D> job, Throwable error, boolean unrecoverable) {
    boolean finalFailure = unrecoverable || error instanceof UnrecoverableJobException;
    int attempts = Math.max(1, job.opts().attempts());
    int made = job.attemptsMade() + 1;
    String reason = reason(error);
    String stack = stacktrace(job, error);
    if (!finalFailure && made < attempts) {
      long delay = backoff(job, made, error);
      if (delay >= 0) {
        w.held.remove(job.id());
        boolean moved = guarded(job, "retry", () -> {
          if (delay > 0) {
            ctx.check(ctx.evalLong(ctx.scripts().moveToDelayed, ctx.keys.base(), job.id(),
                job.lockToken(), Long.toString(ctx.now()), Long.toString(delay), "0", reason,
                stack), "moveToDelayed", job.id());
          } else {
            ctx.check(ctx.evalLong(ctx.scripts().retryJob, ctx.keys.base(), job.id(),
                job.lockToken(), Long.toString(ctx.now()), reason, stack,
                job.opts().lifo() ? "1" : "0"), "retryJob", job.id());
          }
        });
        if (moved) {
          w.each(l -> l.onFailed(job, error, true));
        }
        return null;
      }
    }
    KeepJobs keep = job.opts().removeOnFail() != null ? job.opts().removeOnFail()
        : w.opts.removeOnFail();
    w.held.remove(job.id());
    Fetched<D> next = finish(job, "failed", reason, stack, keep);
    if (next == null) {
      return null;
    }
    w.each(l -> l.onFailed(job, error, false));
    return afterFinish(next);
  }

  private Job<D> afterFinish(Fetched<D> next) {
    if (next.rateLimitTtl > 0) {
      w.rateLimitedFor(next.rateLimitTtl);
    }
    if (next.jobs.isEmpty()) {
      return null;
    }
    // fetch count is 1, but be robust: any extra job gets its own slot if one is free.
    for (int i = 1; i < next.jobs.size(); i++) {
      w.slots.acquireUninterruptibly();
      w.dispatch(next.jobs.get(i));
    }
    return next.jobs.get(0);
  }

  /** Runs moveToFinished; null when the job could not be finished (lock lost, Redis down). */
  private Fetched<D> finish(Job<D> job, String target, String value, String stack,
      KeepJobs keep) {
    boolean fetchNext = !w.isClosing() && !w.isFetchPaused();
    String[] fetch = w.fetchArgs("", "", 1);
    int attempts = Math.max(1, job.opts().attempts());
    Object[] out = new Object[1];
    boolean ok = guarded(job, target, () -> {
      long now = ctx.now();
      List<Object> reply = ctx.evalRaw(ctx.scripts().moveToFinished, ctx.keys.base(), job.id(),
          job.lockToken(), Long.toString(now), target, value, stack,
          Integer.toString(keep.count()), Long.toString(keep.ageSeconds()),
          Integer.toString(keep.limit() == 0 ? 1000 : keep.limit()), Integer.toString(attempts),
          fetchNext ? "1" : "0", fetch[3], fetch[4], fetch[5], fetch[6], fetch[7]);
      ctx.check(QueueContext.toLong(reply.get(0)), "moveToFinished(" + target + ")", job.id());
      out[0] = Fetched.parse(ctx, w.dataType, reply, 1, now, w.opts.name());
    });
    @SuppressWarnings("unchecked")
    Fetched<D> f = (Fetched<D>) out[0];
    return ok ? f : null;
  }

  /**
   * Runs a finishing call, retrying while Redis is unavailable (up to 3 tries); reports lost
   * locks. Returns whether it succeeded.
   */
  private boolean guarded(Job<D> job, String what, Runnable call) {
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return true;
      } catch (LockLostException | JobStateException | JobNotFoundException e) {
        if (w.isClosing()) {
          LOG.debug("queue {}: {} of job {} skipped at shutdown: {}", ctx.name, what, job.id(),
              e.getMessage());
        } else {
          LOG.warn("{}", e.getMessage());
          w.each(l -> l.onError(e));
        }
        return false;
      } catch (RedisUnavailableException e) {
        if (w.isClosing()) {
          LOG.debug("queue {}: {} of job {} skipped at shutdown: {}", ctx.name, what, job.id(),
              e.getMessage());
          return false;
        }
        if (attempt >= 3) {
          LOG.warn("queue {}: could not move job {} ({}): {}; the stalled check will recover it",
              ctx.name, job.id(), what, e.getMessage());
          w.each(l -> l.onError(e));
          return false;
        }
        try {
          Thread.sleep(500L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  private long backoff(Job<D> job, int made, Throwable error) {
    Backoff b = job.opts().backoff();
    if (b == null) {
      return 0;
    }
    long d = b.delayFor(made, ThreadLocalRandom.current().nextDouble());
    if (d >= 0) {
      return d;
    }
    BackoffStrategy s = w.opts.backoffStrategy();
    if (s == null) {
      LOG.warn("queue {}: job {} has backoff type '{}' but the worker has no backoffStrategy;"
          + " retrying at once", ctx.name, job.id(), b.type());
      return 0;
    }
    try {
      return s.delayMs(made, b.type(), error, job);
    } catch (RuntimeException e) {
      LOG.warn("queue {}: backoffStrategy threw for job {}; failing it", ctx.name, job.id(), e);
      return -1;
    }
  }

  static String reason(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isEmpty() ? t.getClass().getName() : m;
  }

  private String stacktrace(Job<D> job, Throwable error) {
    int limit = job.opts().stackTraceLimit() >= 0 ? job.opts().stackTraceLimit()
        : Integer.MAX_VALUE;
    List<Object> traces = new ArrayList<>(job.stacktrace());
    StringWriter sw = new StringWriter();
    error.printStackTrace(new PrintWriter(sw));
    String trace = sw.toString();
    traces.add(trace.length() > MAX_STACK_CHARS ? trace.substring(0, MAX_STACK_CHARS) : trace);
    while (traces.size() > limit) {
      traces.remove(0);
    }
    return OptsJson.write(traces);
  }
}
