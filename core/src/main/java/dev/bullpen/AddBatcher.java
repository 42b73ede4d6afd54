package dev.bullpen;

import dev.bullpen.internal.MsgPack;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * Gathers one queue handle's asynchronous adds into {@code addJobs} calls (group commit): an
 * add made while no call is in flight goes out at once, alone; adds made while a call is in
 * flight wait for it and then go out together, up to {@link Queue#BULK_CHUNK} per call. Under
 * load many adds share one script call (one command for Redis to parse and one reply to decode);
 * when idle an add waits for nothing.
 *
 * <p>Implementation notes: {@code sending} is true while one call is in flight, and only the
 * thread that set it drains the pending adds. The call's completion clears it and drains again,
 * and every drain re-checks the pending queue after it lost or released the flag, so an add
 * queued between a drain and the clear is never stranded. Each job is encoded (and validated)
 * by the caller before it is queued; a batch's ids come back in the order the jobs were queued,
 * so one thread's adds get increasing ids in call order. A failed call fails every add in it
 * with the failure {@code Queue.add} would have reported for them.
 */
final class AddBatcher<D> {
  private final QueueContext ctx;
  private final BiFunction<String, String[], Job<D>> toJob;
  private final BiFunction<BullpenException, List<NewJob<D>>, BullpenException> failure;
  private final ConcurrentLinkedQueue<Pending<D>> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();

  private record Pending<D>(NewJob<D> job, String[] encoded, CompletableFuture<Job<D>> future) {}

  AddBatcher(QueueContext ctx, BiFunction<String, String[], Job<D>> toJob,
      BiFunction<BullpenException, List<NewJob<D>>, BullpenException> failure) {
    this.ctx = ctx;
    this.toJob = toJob;
    this.failure = failure;
  }

  /** Queues an encoded job; the future completes with the stored job or the add's failure. */
  CompletableFuture<Job<D>> add(NewJob<D> job, String[] encoded) {
    Pending<D> p = new Pending<>(job, encoded, new CompletableFuture<>());
    pending.add(p);
    drain();
    return p.future();
  }

  private void drain() {
    while (!pending.isEmpty() && sending.compareAndSet(false, true)) {
      List<Pending<D>> batch = new ArrayList<>();
      Pending<D> p;
      while (batch.size() < Queue.BULK_CHUNK && (p = pending.poll()) != null) {
        batch.add(p);
      }
      if (!batch.isEmpty()) {
        send(batch);
        return;
      }
      sending.set(false);
    }
  }

  private void send(List<Pending<D>> batch) {
    String[] fields = new String[8 * batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(batch.get(i).encoded(), 0, fields, 8 * i, 8);
    }
    String[] keys = ctx.keys.forScript(ctx.scripts().addJobs);
    String[] args = {ctx.keys.base(), Integer.toString(batch.size())};
    CompletableFuture<List<Object>> call;
    try {
      call = ctx.redis().evalWithBinaryAsync(ctx.scripts().addJobs, keys, args,
          MsgPack.packStrings(fields));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((ids, e) -> {
      try {
        complete(batch, ids, e);
      } finally {
        sending.set(false);
        drain();
      }
    });
  }

  private void complete(List<Pending<D>> batch, List<Object> ids, Throwable e) {
    if (e == null) {
      for (int i = 0; i < batch.size(); i++) {
        Pending<D> p = batch.get(i);
        p.future().complete(toJob.apply((String) ids.get(i), p.encoded()));
      }
      return;
    }
    Throwable reported = e;
    if (e instanceof BullpenException) {
      List<NewJob<D>> jobs = new ArrayList<>(batch.size());
      for (Pending<D> p : batch) {
        jobs.add(p.job());
      }
      reported = failure.apply((BullpenException) e, jobs);
    }
    for (Pending<D> p : batch) {
      p.future().completeExceptionally(reported);
    }
  }
}
