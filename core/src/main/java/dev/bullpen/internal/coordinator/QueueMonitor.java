package dev.bullpen.internal.coordinator;

import dev.bullpen.Bullpen;
import dev.bullpen.JobCounts;
import dev.bullpen.Queue;
import dev.bullpen.QueueEvents;
import dev.bullpen.admin.QueueMetrics;
import dev.bullpen.admin.TimingStats;
import dev.bullpen.event.QueueEvent;
import dev.bullpen.event.QueueEventListener;
import dev.bullpen.internal.Keys;
import dev.bullpen.internal.RedisGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches one queue: learns from its events stream which jobs finished, reads their timestamps,
 * and turns them into {@link QueueMetrics}.
 *
 * <p>Implementation notes: the {@link QueueEvents} reader thread only appends (stream id, job
 * id, completed/failed) to a bounded lock-free queue; everything else runs on the coordinator's
 * thread at each refresh: the job hashes' {@code timestamp}, {@code delay}, {@code processedOn}
 * and {@code finishedOn} are read by one read-only script per 500 jobs (one round trip, and the
 * timestamps are the ones the writers' clocks put there, so an injected clock makes them exact in
 * tests). A job removed before it was read (removeOnComplete) still counts, at the refresh's
 * time, without timings. Finished jobs are also kept, in stream order, for the leader's per-minute
 * rollup, whose cursor in Redis makes it count every finish exactly once across leaders.
 */
final class QueueMonitor implements QueueEventListener, AutoCloseable {
  static final int MAX_PENDING = 100_000;
  static final int MAX_ROLLUP = 100_000;
  static final long ROLLUP_KEEP_MS = 10 * 60_000;
  private static final int BATCH = 500;

  final String queue;
  final Keys keys;
  private final RedisGateway redis;
  private final Queue<Object> handle;
  private final QueueEvents events;
  private final SampleWindow window;
  private final long windowMs;
  private final long startedAt;
  private final ConcurrentLinkedQueue<Finish> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingSize = new AtomicInteger();
  final AtomicLong dropped = new AtomicLong();
  private final ArrayDeque<Rolled> rollup = new ArrayDeque<>();
  private final SampleSink sink;
  private volatile QueueMetrics last;

  /** Receives every measured job, for Micrometer. */
  interface SampleSink {
    void finished(String queue, boolean failed, long waitMs, long processingMs, long totalMs);
  }

  record Finish(String streamId, String jobId, boolean failed) {}

  /** A finish waiting for the leader's rollup. */
  record Rolled(long streamMs, long streamSeq, long finishedAt, boolean failed) {}

  QueueMonitor(Bullpen client, RedisGateway redis, String queue, Duration window, int maxSamples,
      SampleSink sink) {
    this.queue = queue;
    this.redis = redis;
    this.keys = new Keys(client.prefix(), queue);
    this.handle = client.queue(queue);
    this.window = new SampleWindow(maxSamples);
    this.windowMs = window.toMillis();
    this.sink = sink;
    this.startedAt = client.clock().millis();
    this.last = empty(Instant.ofEpochMilli(startedAt));
    this.events = client.queueEvents(queue);
    events.addListener(this);
  }

  private QueueMetrics empty(Instant at) {
    return new QueueMetrics(queue, at, Duration.ZERO, 0, 0, 0, 0, TimingStats.EMPTY,
        TimingStats.EMPTY, TimingStats.EMPTY, 0, 0, new JobCounts(0, 0, 0, 0, 0, 0, 0, 0));
  }

  @Override
  public void onEvent(QueueEvent e) {
    boolean completed = "completed".equals(e.event());
    if ((completed || "failed".equals(e.event())) && e.jobId() != null) {
      if (pendingSize.incrementAndGet() > MAX_PENDING) {
        pendingSize.decrementAndGet();
        dropped.incrementAndGet();
        return;
      }
      pending.add(new Finish(e.streamId(), e.jobId(), !completed));
    }
  }

  /** The last computed snapshot. */
  QueueMetrics last() {
    return last;
  }

  /** How long this monitor has watched, by the client's clock. */
  long watchedMs(long now) {
    return now - startedAt;
  }

  /** Reads what finished since the last refresh and computes a new snapshot. */
  QueueMetrics refresh(long now, int activeWorkers) {
    List<Finish> batch = new ArrayList<>(BATCH);
    Finish f;
    while ((f = pending.poll()) != null) {
      pendingSize.decrementAndGet();
      batch.add(f);
      if (batch.size() == BATCH) {
        measure(batch, now);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      measure(batch, now);
    }
    window.prune(now - windowMs);
    long span = Math.min(windowMs, Math.max(watchedMs(now), 60_000));
    SampleWindow.Snapshot s = window.snapshot(now - windowMs, now);
    long finished = s.completed() + s.failed();
    double perMinute = finished / (span / 60_000.0);
    double failureRate = finished == 0 ? 0 : (double) s.failed() / finished;
    JobCounts counts = handle.getJobCounts();
    QueueMetrics m = new QueueMetrics(queue, Instant.ofEpochMilli(now), Duration.ofMillis(span),
        s.completed(), s.failed(), perMinute, failureRate, s.waitTime(), s.processingTime(), s.totalTime(),
        counts.waiting() + counts.prioritized(), activeWorkers, counts);
    last = m;
    return m;
  }

  private void measure(List<Finish> batch, long now) {
    String[] args = new String[batch.size() + 1];
    args[0] = keys.base();
    for (int i = 0; i < batch.size(); i++) {
      args[i + 1] = batch.get(i).jobId();
    }
    List<Object> reply = redis.eval(CoordinatorScripts.get().jobTimings,
        new String[] {keys.key("meta")}, args);
    for (int i = 0; i < batch.size(); i++) {
      Finish f = batch.get(i);
      long added = parse(reply.get(i * 4));
      long delay = Math.max(0, parse(reply.get(i * 4 + 1)));
      long started = parse(reply.get(i * 4 + 2));
      long finishedOn = parse(reply.get(i * 4 + 3));
      long w = -1;
      long p = -1;
      long t = -1;
      long at = now;
      if (added >= 0 && started >= 0 && finishedOn >= 0) {
        at = finishedOn;
        w = Math.max(0, started - added - delay);
        p = Math.max(0, finishedOn - started);
        t = Math.max(0, finishedOn - added);
      }
      window.record(at, f.failed(), w, p, t);
      sink.finished(queue, f.failed(), w, p, t);
      int dash = f.streamId().indexOf('-');
      rollup.addLast(new Rolled(Long.parseLong(f.streamId().substring(0, dash)),
          Long.parseLong(f.streamId().substring(dash + 1)), at, f.failed()));
    }
    while (rollup.size() > MAX_ROLLUP) {
      rollup.pollFirst();
    }
  }

  private static long parse(Object v) {
    if (v == null) {
      return -1;
    }
    String s = v.toString();
    if (s.isEmpty()) {
      return -1;
    }
    try {
      return (long) Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Finishes not yet rolled up, oldest first (the leader sends them). */
  List<Rolled> rollupBacklog(int max) {
    List<Rolled> out = new ArrayList<>(Math.min(max, rollup.size()));
    for (Rolled r : rollup) {
      if (out.size() == max) {
        break;
      }
      out.add(r);
    }
    return out;
  }

  /** Forgets the first {@code n} finishes (sent by the leader). */
  void rolledUp(int n) {
    for (int i = 0; i < n && !rollup.isEmpty(); i++) {
      rollup.pollFirst();
    }
  }

  /**
   * A follower keeps finishes for a while in case it becomes leader before the current one
   * counted them; the cursor in Redis skips the ones that were.
   */
  void forgetOldRollups(long streamMsCutoff) {
    while (!rollup.isEmpty() && rollup.peekFirst().streamMs() < streamMsCutoff) {
      rollup.pollFirst();
    }
  }

  @Override
  public void close() {
    events.close();
    handle.close();
  }
}
