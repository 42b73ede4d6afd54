package dev.bullpen.internal.coordinator;

import dev.bullpen.admin.TimingStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The finished jobs of one queue over a sliding window: exact counts per second, and the exact
 * wait/processing/total times of at most {@code capacity} newest jobs, for means and
 * nearest-rank percentiles.
 *
 * <p>Implementation notes: counts live in one bucket per second of finish time, so memory is
 * bounded by the window's seconds however many jobs finish; timings live in a ring of
 * {@code capacity} slots (oldest overwritten first), so percentiles are exact while the window
 * holds at most {@code capacity} jobs with timings, and otherwise cover the newest
 * {@code capacity}. The ring's arrays start at 256 slots and double up to {@code capacity}
 * before it first wraps, so an idle queue costs kilobytes. Snapshots sort a copy
 * (O(n log n) for n ≤ capacity), once per refresh.
 * Not thread-safe: the coordinator's one scheduler thread owns it.
 */
final class SampleWindow {
  private static final int INITIAL = 256;
  private final int capacity;
  private long[] finishedAt;
  private long[] wait;
  private long[] processing;
  private long[] total;
  private int next;
  private int size;
  private final ArrayDeque<long[]> seconds = new ArrayDeque<>(); // {second, completed, failed}

  SampleWindow(int capacity) {
    this.capacity = capacity;
    int initial = Math.min(capacity, INITIAL);
    this.finishedAt = new long[initial];
    this.wait = new long[initial];
    this.processing = new long[initial];
    this.total = new long[initial];
  }

  /** Counts one finished job; {@code waitMs} etc. are -1 when unknown (the job was gone). */
  void record(long finishedAtMs, boolean failed, long waitMs, long processingMs, long totalMs) {
    long second = Math.floorDiv(finishedAtMs, 1000);
    long[] bucket = null;
    // Finishes arrive nearly in order: look back from the newest bucket only a little.
    Iterator<long[]> it = seconds.descendingIterator();
    for (int i = 0; i < 8 && it.hasNext(); i++) {
      long[] b = it.next();
      if (b[0] == second) {
        bucket = b;
        break;
      }
      if (b[0] < second) {
        break;
      }
    }
    if (bucket == null) {
      bucket = new long[] {second, 0, 0};
      if (seconds.isEmpty() || seconds.peekLast()[0] < second) {
        seconds.addLast(bucket);
      } else {
        insertInOrder(bucket);
      }
    }
    bucket[failed ? 2 : 1]++;
    if (waitMs >= 0 && processingMs >= 0) {
      if (next == finishedAt.length && finishedAt.length < capacity) {
        grow();
      }
      next = next % finishedAt.length;
      finishedAt[next] = finishedAtMs;
      wait[next] = waitMs;
      processing[next] = processingMs;
      total[next] = totalMs;
      next = next + 1;
      size = Math.min(size + 1, capacity);
    }
  }

  /** Doubles the arrays (up to capacity); only called before the ring first wraps. */
  private void grow() {
    int n = Math.min(capacity, finishedAt.length * 2);
    finishedAt = Arrays.copyOf(finishedAt, n);
    wait = Arrays.copyOf(wait, n);
    processing = Arrays.copyOf(processing, n);
    total = Arrays.copyOf(total, n);
  }

  private void insertInOrder(long[] bucket) {
    ArrayDeque<long[]> later = new ArrayDeque<>();
    while (!seconds.isEmpty() && seconds.peekLast()[0] > bucket[0]) {
      later.addFirst(seconds.pollLast());
    }
    seconds.addLast(bucket);
    seconds.addAll(later);
  }

  /** Drops per-second counts that finished at or before {@code cutoffMs}. */
  void prune(long cutoffMs) {
    long cutoffSecond = Math.floorDiv(cutoffMs, 1000);
    while (!seconds.isEmpty() && seconds.peekFirst()[0] < cutoffSecond) {
      seconds.pollFirst();
    }
  }

  /** Counts and timings of jobs that finished in {@code (fromMs, toMs]}. */
  Snapshot snapshot(long fromMs, long toMs) {
    long fromSecond = Math.floorDiv(fromMs, 1000);
    long toSecond = Math.floorDiv(toMs, 1000);
    long completed = 0;
    long failed = 0;
    // Counts go by whole seconds: a second is in when it is in (fromSecond, toSecond], so the
    // window's edge is exact to one second.
    for (long[] b : seconds) {
      if (b[0] > fromSecond && b[0] <= toSecond) {
        completed += b[1];
        failed += b[2];
      }
    }
    long[] w = new long[size];
    long[] p = new long[size];
    long[] t = new long[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (finishedAt[i] > fromMs && finishedAt[i] <= toMs) {
        w[n] = wait[i];
        p[n] = processing[i];
        t[n] = total[i];
        n++;
      }
    }
    return new Snapshot(completed, failed, stats(w, n), stats(p, n), stats(t, n));
  }

  static TimingStats stats(long[] values, int n) {
    if (n == 0) {
      return TimingStats.EMPTY;
    }
    long[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return new TimingStats(n, Duration.ofMillis(Math.round(sum / n)), rank(sorted, 0.50),
        rank(sorted, 0.95), rank(sorted, 0.99));
  }

  /** Nearest-rank percentile: the smallest value with at least p of the values at or below it. */
  static Duration rank(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return Duration.ofMillis(sorted[Math.max(0, Math.min(sorted.length - 1, index))]);
  }

  /** One window's figures. */
  record Snapshot(long completed, long failed, TimingStats waitTime,
      TimingStats processingTime, TimingStats totalTime) {}
}
