package dev.bullpen.status;

import dev.bullpen.event.QueueEvent;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events readers the service follows: one per queue, started the first time a job of that
 * queue is found, at most {@code max} of them (each holds a thread and a connection).
 *
 * <p>Implementation notes: {@link #follow} is serialized so that two loaders never start two
 * readers for one queue; starting one is a single Redis call. A queue whose reader could not be
 * started is retried no sooner than a second later, so a Redis outage costs one attempt per
 * second, not one per read. Readers resume by themselves after connection failures.
 */
final class QueueFeeds implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueueFeeds.class);
  private static final long RETRY_MILLIS = 1000;

  private final JobSource source;
  private final BiConsumer<String, QueueEvent> sink;
  private final int max;
  private final Clock clock;
  private final Map<String, Subscription> followed = new ConcurrentHashMap<>();
  private final Map<String, Long> failedAt = new ConcurrentHashMap<>();
  private boolean warnedFull;
  private boolean closed;

  QueueFeeds(JobSource source, BiConsumer<String, QueueEvent> sink, int max, Clock clock) {
    this.source = source;
    this.sink = sink;
    this.max = max;
    this.clock = clock;
  }

  boolean isFollowed(String queue) {
    return followed.containsKey(queue);
  }

  int size() {
    return followed.size();
  }

  /** Follows the queue's events from now on; false when that is not possible now. */
  synchronized boolean follow(String queue) {
    if (closed) {
      return false;
    }
    if (followed.containsKey(queue)) {
      return true;
    }
    if (followed.size() >= max) {
      if (!warnedFull) {
        warnedFull = true;
        LOG.warn("job status: already following {} queues (maxQueues); jobs of queue {} and"
            + " later ones are read from Redis on every request", max, queue);
      }
      return false;
    }
    Long failed = failedAt.get(queue);
    long now = clock.millis();
    if (failed != null && now - failed < RETRY_MILLIS) {
      return false;
    }
    try {
      followed.put(queue, source.follow(queue, e -> sink.accept(queue, e)));
      failedAt.remove(queue);
      return true;
    } catch (RuntimeException e) {
      failedAt.put(queue, now);
      LOG.debug("job status: cannot follow the events of queue {}: {}", queue, e.getMessage());
      return false;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Subscription s : followed.values()) {
      try {
        s.close();
      } catch (RuntimeException e) {
        LOG.debug("closing an events reader failed", e);
      }
    }
    followed.clear();
  }
}
