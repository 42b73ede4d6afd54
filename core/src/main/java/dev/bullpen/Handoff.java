package dev.bullpen;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Hands items (a worker's fetched jobs) to threads of an executor, so that a burst of short
 * tasks runs on a few threads instead of waking one thread per item, while an item never waits
 * behind a task that is still running.
 *
 * <p>Implementation notes: items wait in a queue. A thread that finishes an item takes the next
 * one before it goes back to the executor, and {@code searching} counts the threads that will
 * look at the queue again (running the loop between items, or submitted and not yet started).
 * {@link #offer} submits a new loop only when nobody is searching. A thread that takes an item
 * while more are queued and nobody else is searching submits one more loop before it runs its
 * item, so each queued item always has a searching thread ahead of it, never only busy ones.
 * Every read of {@code searching} that decides not to submit happens after the item it covers
 * was queued, and every thread re-reads the queue after it stopped searching, so an item
 * cannot be stranded. When the executor refuses (shutting down), the items still queued go to
 * {@code rejected}.
 *
 * @param <T> the item type
 */
final class Handoff<T> {
  private final ConcurrentLinkedQueue<T> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger searching = new AtomicInteger();
  private final Executor executor;
  private final Consumer<T> run;
  private final Consumer<T> rejected;

  /**
   * @param executor runs the loops (a pool that grows, or a thread per task)
   * @param run runs one item; it must not throw
   * @param rejected takes an item that no thread will run (the executor refused)
   */
  Handoff(Executor executor, Consumer<T> run, Consumer<T> rejected) {
    this.executor = executor;
    this.run = run;
    this.rejected = rejected;
  }

  /** Queues an item; a thread that is free, or a new one, runs it. */
  void offer(T item) {
    ready.add(item);
    if (searching.get() == 0) {
      signal();
    }
  }

  /** Gives every item still queued to {@code rejected} (at shutdown). */
  void rejectQueued() {
    T item;
    while ((item = ready.poll()) != null) {
      rejected.accept(item);
    }
  }

  /** Items queued and not yet taken by a thread. */
  int queued() {
    return ready.size();
  }

  private void signal() {
    searching.incrementAndGet();
    try {
      executor.execute(this::loop);
    } catch (RejectedExecutionException e) {
      searching.decrementAndGet();
      rejectQueued();
    }
  }

  private void loop() {
    while (true) {
      T item = ready.poll();
      searching.decrementAndGet();
      if (item == null) {
        if (ready.isEmpty()) {
          return;
        }
        searching.incrementAndGet();
        continue;
      }
      if (searching.get() == 0 && !ready.isEmpty()) {
        signal();
      }
      run.accept(item);
      searching.incrementAndGet();
    }
  }
}
