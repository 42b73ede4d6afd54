package dev.bullpen;

import dev.bullpen.internal.MsgPack;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records completions for one {@link Worker} in batches: handlers hand their results over and
 * return; up to two completeJobs calls at a time record everything handed over meanwhile and
 * fetch as many next jobs, which take over the finished jobs' slots.
 *
 * <p>Implementation notes: this is group commit. At most {@link #MAX_IN_FLIGHT} calls are in
 * flight; completions that arrive while they run form the next batch, so a lone completion is
 * sent at once (no added latency) and a busy worker sends few, large calls. Two calls rather
 * than one keep Redis and this JVM working at the same time: while Redis runs one batch, the
 * worker decodes the other's reply and runs its jobs (with one, each waited for the other: a
 * 1×100 worker kept the machine only about 70 % busy). A second call goes only once a quarter
 * of the concurrency is waiting, so a burst is not split into a tiny call and a long wait. A
 * reply is handled on the connection's thread: the fetched jobs go to the ready queue and the
 * next batch is sent without a hand-over between threads (that hand-over cost 1×10 about a
 * seventh of its throughput); listeners, which are user code and may block, run afterwards on
 * the finisher's own thread, as do retries. Each job in a batch owns one slot of the worker's
 * semaphore until its batch returns: the slot passes to a fetched job or is released.
 * {@link WorkerListener#onCompleted} fires only after Redis has recorded the completion. A
 * batch that meets Redis unavailable is retried (three tries) and stays in flight meanwhile;
 * every job in it is checked against its lock, so a retry of a call that did take effect writes
 * nothing twice. After the last try the slots are freed and the jobs stay active until the
 * stalled check recovers them.
 */
final class Finisher<D> {
  private static final Logger LOG = LoggerFactory.getLogger(Finisher.class);
  static final int MAX_BATCH = 256;
  static final int MAX_IN_FLIGHT = 2;

  /** One completion waiting to be recorded. */
  static final class Pending<D> {
    final Job<D> job;
    final Object result;
    final String returnJson;
    final KeepJobs keep;

    Pending(Job<D> job, Object result, String returnJson, KeepJobs keep) {
      this.job = job;
      this.result = result;
      this.returnJson = returnJson;
      this.keep = keep;
    }
  }

  private final Worker<D> w;
  private final QueueContext ctx;
  private final ConcurrentLinkedQueue<Pending<D>> queue = new ConcurrentLinkedQueue<>();
  /** The queue's size (ConcurrentLinkedQueue.size() walks it). */
  private final AtomicInteger queued = new AtomicInteger();
  /** completeJobs calls sent and not yet settled (recorded, or given up on). */
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Recorded batches whose listeners have not been told yet. */
  private final AtomicInteger reporting = new AtomicInteger();
  private final ExecutorService executor;
  /** Completions that must be waiting before a call is sent beside one already in flight. */
  private final int secondCallMin;

  Finisher(Worker<D> worker) {
    this.w = worker;
    this.ctx = worker.ctx;
    this.secondCallMin = Math.max(1, Math.min(MAX_BATCH, worker.opts.concurrency() / 4));
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bullpen-finish-" + ctx.name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Hands a completed job over; its slot now belongs to the finisher. */
  void submit(Pending<D> p) {
    queue.add(p);
    queued.incrementAndGet();
    trySend();
  }

  /**
   * Records a completion. When nothing is in flight or waiting, the calling thread records it
   * itself (one synchronous call, no hand-off between threads: what a lone worker or a quiet
   * queue needs for low latency) and gets back the next job to run in its slot, or null (then it
   * frees its slot). Otherwise the completion joins the next batch and {@code handedOff} comes
   * back: the slot now belongs to the finisher.
   */
  Job<D> complete(Pending<D> p, Job<D> handedOff) {
    if (!queue.isEmpty() || !inFlight.compareAndSet(0, 1)) {
      submit(p);
      return handedOff;
    }
    List<Pending<D>> batch = List.of(p);
    try {
      for (int attempt = 1; ; attempt++) {
        long now = ctx.now();
        try {
          Call c = call(batch, now);
          List<Object> reply = ctx.redis().evalRaw(ctx.scripts().completeJobs,
              ctx.keys.forScript(ctx.scripts().completeJobs), c.args(), c.jobs());
          report(batch, reply);
          Fetched<D> next = Fetched.parse(ctx, w.dataType, reply, 1, now, w.opts.name());
          if (next.rateLimitTtl > 0) {
            w.rateLimitedFor(next.rateLimitTtl);
          }
          return next.jobs.isEmpty() ? null : next.jobs.get(0);
        } catch (RedisUnavailableException e) {
          if (attempt >= 3 || w.isClosing()) {
            LOG.warn("queue {}: could not record the completion of job {}: {}; the stalled"
                + " check will recover it", ctx.name, p.job.id(), e.getMessage());
            w.each(l -> l.onError(e));
            return null;
          }
          sleep(500L * attempt);
        }
      }
    } finally {
      inFlight.decrementAndGet();
      trySend();
    }
  }

  /** Completions handed over but not yet recorded. */
  boolean isIdle() {
    return queue.isEmpty() && inFlight.get() == 0 && reporting.get() == 0;
  }

  private void trySend() {
    while (!queue.isEmpty() && reserveCall()) {
      if (inFlight.get() > 1 && queued.get() < secondCallMin) {
        // A small batch beside a call in flight would take the second call for a few jobs
        // while the rest of a burst waits; these go with the next call instead.
        inFlight.decrementAndGet();
        if (inFlight.get() == 0) {
          continue;
        }
        return;
      }
      List<Pending<D>> batch = new ArrayList<>();
      Pending<D> p;
      while (batch.size() < MAX_BATCH && (p = queue.poll()) != null) {
        queued.decrementAndGet();
        batch.add(p);
      }
      if (batch.isEmpty()) {
        inFlight.decrementAndGet();
        continue;
      }
      send(batch, 1);
    }
  }

  /** Takes one of the {@link #MAX_IN_FLIGHT} call slots, if one is free. */
  private boolean reserveCall() {
    for (int n = inFlight.get(); n < MAX_IN_FLIGHT; n = inFlight.get()) {
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  /** completeJobs' arguments: nine plain ones, then the batch's per-job values packed. */
  private record Call(String[] args, byte[] jobs) {}

  private Call call(List<Pending<D>> batch, long now) {
    boolean fetch = !w.isClosing() && !w.isFetchPaused();
    String[] f = w.fetchArgs("", "", 1);
    String[] args = new String[9];
    args[0] = ctx.keys.base();
    args[1] = Long.toString(now);
    args[2] = Integer.toString(batch.size());
    args[3] = fetch ? Integer.toString(batch.size()) : "0";
    System.arraycopy(f, 3, args, 4, 5);
    String[] jobs = new String[8 * batch.size()];
    int i = 0;
    for (Pending<D> p : batch) {
      jobs[i++] = p.job.id();
      jobs[i++] = p.job.lockToken();
      jobs[i++] = p.returnJson;
      jobs[i++] = Integer.toString(p.job.attemptsMade() + 1);
      jobs[i++] = Integer.toString(p.keep.count());
      jobs[i++] = Long.toString(p.keep.ageSeconds());
      jobs[i++] = Integer.toString(p.keep.limit() == 0 ? 1000 : p.keep.limit());
      jobs[i++] = p.job.fields().getOrDefault("deid", "");
    }
    return new Call(args, MsgPack.packStrings(jobs));
  }

  private void send(List<Pending<D>> batch, int attempt) {
    long now = ctx.now();
    CompletableFuture<List<Object>> reply;
    try {
      Call c = call(batch, now);
      reply = ctx.redis().evalWithBinaryRawAsync(ctx.scripts().completeJobs,
          ctx.keys.forScript(ctx.scripts().completeJobs), c.args(), c.jobs());
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((r, error) -> {
      if (error == null) {
        recorded(batch, r, now);
      } else {
        onFinisherThread(() -> retryOrGiveUp(batch, attempt, error));
      }
    });
  }

  /**
   * Runs on the connection's thread as the reply arrives: starts the fetched jobs in the finished
   * jobs' slots and sends the next batch at once, then leaves the listeners (user code, which
   * may block) to the finisher's thread.
   */
  private void recorded(List<Pending<D>> batch, List<Object> reply, long now) {
    try {
      Fetched<D> next = Fetched.parse(ctx, w.dataType, reply, 1, now, w.opts.name());
      if (next.rateLimitTtl > 0) {
        w.rateLimitedFor(next.rateLimitTtl);
      }
      for (Job<D> job : next.jobs) {
        w.dispatch(job);
      }
      w.slots.release(batch.size() - next.jobs.size());
    } catch (RuntimeException e) {
      LOG.error("queue {}: unexpected error reading the jobs fetched with completions", ctx.name,
          e);
      w.slots.release(batch.size());
    }
    reporting.incrementAndGet();
    inFlight.decrementAndGet();
    trySend();
    onFinisherThread(() -> {
      try {
        report(batch, reply);
      } finally {
        reporting.decrementAndGet();
      }
    });
  }

  private void retryOrGiveUp(List<Pending<D>> batch, int attempt, Throwable error) {
    boolean retrying = false;
    try {
      retrying = failed(batch, attempt, error);
    } catch (RuntimeException e) {
      LOG.error("queue {}: unexpected error recording completions", ctx.name, e);
      w.slots.release(batch.size());
    }
    if (!retrying) {
      inFlight.decrementAndGet();
      trySend();
    }
  }

  /** Runs {@code task} on the finisher's thread; inline once that has stopped (closing). */
  private void onFinisherThread(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Tells listeners about each job of the batch: completed, or why it could not be. */
  private void report(List<Pending<D>> batch, List<Object> reply) {
    List<?> codes = (List<?>) reply.get(0);
    for (int j = 0; j < batch.size(); j++) {
      Pending<D> p = batch.get(j);
      long code = QueueContext.toLong(codes.get(j));
      if (code == 0) {
        w.each(l -> l.onCompleted(p.job, p.result));
      } else {
        try {
          ctx.check(code, "moveToFinished(completed)", p.job.id());
        } catch (BullpenException e) {
          if (w.isClosing()) {
            LOG.debug("{}", e.getMessage());
          } else {
            LOG.warn("{}", e.getMessage());
            w.each(l -> l.onError(e));
          }
        }
      }
    }
  }

  /** Retries the batch (true: it stays in flight) or gives up on it (false). */
  private boolean failed(List<Pending<D>> batch, int attempt, Throwable error) {
    if (attempt < 3 && !w.isClosing() && error instanceof RedisUnavailableException) {
      sleep(500L * attempt);
      send(batch, attempt + 1);
      return true;
    }
    LOG.warn("queue {}: could not record {} completion(s): {}; the stalled check will recover"
        + " them", ctx.name, batch.size(), error.getMessage());
    w.each(l -> l.onError(error));
    w.slots.release(batch.size());
    return false;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until everything handed over is recorded, then stops. */
  void close(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!isIdle() && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
