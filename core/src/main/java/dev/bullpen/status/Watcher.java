package dev.bullpen.status;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link JobStatusListener} on one job, with conflated delivery.
 *
 * <p>Implementation notes: {@link #offer} only swaps the newest update into {@code pending} and
 * schedules a drain if none is scheduled, so it never blocks the events reader or a loader, and
 * a listener has at most one task queued whatever the rate of changes. The drain loops until
 * {@code pending} is empty, and re-checks after clearing {@code scheduled} so that an offer
 * racing with the end of a drain is not lost. Updates with the etag last delivered are dropped.
 */
final class Watcher implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);
  /** The update that says the job is gone. */
  static final Object REMOVED = new Object();

  final JobSlot slot;
  private final JobStatusListener listener;
  private final Executor executor;
  private final Consumer<Watcher> onClose;
  private final AtomicReference<Object> pending = new AtomicReference<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private String lastEtag;

  Watcher(JobSlot slot, JobStatusListener listener, Executor executor, Consumer<Watcher> onClose) {
    this.slot = slot;
    this.listener = listener;
    this.executor = executor;
    this.onClose = onClose;
  }

  /** Hands over a {@link JobView} or {@link #REMOVED}. */
  void offer(Object update) {
    if (closed.get()) {
      return;
    }
    pending.set(update);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false); // shutting down
      }
    }
  }

  private void drain() {
    while (true) {
      Object u = pending.getAndSet(null);
      if (u == null) {
        scheduled.set(false);
        if (pending.get() != null) {
          schedule();
        }
        return;
      }
      if (!closed.get()) {
        deliver(u);
      }
    }
  }

  private void deliver(Object u) {
    try {
      if (u == REMOVED) {
        if (!"".equals(lastEtag)) {
          lastEtag = "";
          listener.onRemoved();
        }
      } else {
        JobView v = (JobView) u;
        if (!v.etag().equals(lastEtag)) {
          lastEtag = v.etag();
          listener.onView(v);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("job status listener {} on {}/{} threw", listener, slot.key.queue(),
          slot.key.id(), e);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.accept(this);
    }
  }
}
