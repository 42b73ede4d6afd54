package dev.bullpen.status;

import dev.bullpen.JobState;
import dev.bullpen.RedisUnavailableException;
import dev.bullpen.event.QueueEvent;
import dev.bullpen.event.QueueEventListener;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A Redis stand-in for {@link JobStatusService} unit tests: jobs in a map, events by hand. */
final class FakeSource implements JobSource {
  final Map<String, JobView> jobs = new ConcurrentHashMap<>();
  final Map<String, QueueEventListener> followers = new ConcurrentHashMap<>();
  final AtomicInteger reads = new AtomicInteger();
  final List<String> hints = new java.util.concurrent.CopyOnWriteArrayList<>();
  final AtomicInteger logReads = new AtomicInteger();
  final AtomicInteger pings = new AtomicInteger();
  final AtomicLong eventIds = new AtomicLong();
  private final Clock clock;
  volatile boolean down;
  volatile long delayMillis;
  /** When set, reads wait for it (after taking their snapshot of the job). */
  volatile CountDownLatch gate;
  /** Counted down when a read has taken its snapshot. */
  volatile CountDownLatch readStarted = new CountDownLatch(0);

  FakeSource(Clock clock) {
    this.clock = clock;
  }

  void put(String queue, String id, JobState state, String progress) {
    jobs.put(queue + "/" + id, JobView.builder(queue, id).name("render").state(state)
        .progressJson(progress).build(clock.instant()));
  }

  void emit(String queue, String event, String jobId, String... fields) {
    Map<String, String> f = new java.util.HashMap<>();
    f.put("event", event);
    if (jobId != null) {
      f.put("jobId", jobId);
    }
    for (int i = 0; i < fields.length; i += 2) {
      f.put(fields[i], fields[i + 1]);
    }
    QueueEventListener l = followers.get(queue);
    if (l != null) {
      l.onEvent(new QueueEvent(clock.millis() + "-" + eventIds.incrementAndGet(), event, jobId,
          f));
    }
  }

  @Override
  public Optional<JobView> read(String queue, String jobId, JobState stateHint) {
    reads.incrementAndGet();
    hints.add(stateHint == null ? "none" : stateHint.wireName());
    if (down) {
      throw new RedisUnavailableException("fake Redis is down", null);
    }
    Optional<JobView> snapshot = Optional.ofNullable(jobs.get(queue + "/" + jobId));
    readStarted.countDown();
    await();
    return snapshot;
  }

  private void await() {
    try {
      CountDownLatch g = gate;
      if (g != null) {
        g.await(10, TimeUnit.SECONDS);
      }
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException("interrupted", e);
    }
    if (down) {
      throw new RedisUnavailableException("fake Redis went down", null);
    }
  }

  @Override
  public JobLogs logs(String queue, String jobId, int maxRows) {
    logReads.incrementAndGet();
    if (down) {
      throw new RedisUnavailableException("fake Redis is down", null);
    }
    return new JobLogs(List.of("row " + logReads.get()), false);
  }

  @Override
  public Subscription follow(String queue, QueueEventListener listener) {
    if (down) {
      throw new RedisUnavailableException("fake Redis is down", null);
    }
    followers.put(queue, listener);
    return () -> followers.remove(queue);
  }

  @Override
  public void ping() {
    pings.incrementAndGet();
    if (down) {
      throw new RedisUnavailableException("fake Redis is down", null);
    }
  }
}
