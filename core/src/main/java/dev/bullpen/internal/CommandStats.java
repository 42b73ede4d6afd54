package dev.bullpen.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What one client saw of Redis from its side: a latency histogram of every command sent through
 * {@link RedisGateway}, errors and timeouts (in total and in the last minute), the slowest command
 * of the last minute, and the connections it holds open.
 *
 * <p>Implementation notes: {@link #record} runs on every command, so it allocates nothing and
 * takes no lock in the common case: a bucket search over a dozen longs, three {@link LongAdder}
 * increments, and a per-second maximum kept in an {@link AtomicLongArray} ring. A slot of the
 * ring is reset under a lock when a new second reaches it; a value recorded by a racing thread
 * into the slot just before its reset is lost, which only makes the "slowest" figure miss one
 * command at a second boundary. Errors and timeouts are rare, so their one-minute windows are
 * plain synchronized rings. Connections are counted from Lettuce's connection events
 * ({@link RedisConnections}), which arrive a moment after the connection changed.
 */
public final class CommandStats {
  /** Upper bounds of the latency buckets, in microseconds; a last bucket takes the rest. */
  private static final long[] BOUNDS_MICROS = {250, 500, 1_000, 2_000, 5_000, 10_000, 25_000,
      50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000};
  /** A command slower than this counts as slow. */
  public static final long SLOW_NANOS = 500_000_000L;
  private static final int WINDOW_S = 60;

  private final LongSupplier millis;
  private final LongAdder[] buckets = new LongAdder[BOUNDS_MICROS.length + 1];
  private final LongAdder count = new LongAdder();
  private final LongAdder sumNanos = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final Window errorWindow = new Window();
  private final Window timeoutWindow = new Window();
  private final Window slowWindow = new Window();
  private final AtomicLongArray maxStamps = new AtomicLongArray(WINDOW_S);
  private final AtomicLongArray maxNanos = new AtomicLongArray(WINDOW_S);
  private final AtomicInteger connections = new AtomicInteger();

  /** Stats on the system clock. */
  public CommandStats() {
    this(System::currentTimeMillis);
  }

  /** Stats whose one-minute windows follow {@code millis} (tests move it). */
  public CommandStats(LongSupplier millis) {
    this.millis = millis;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
    for (int i = 0; i < WINDOW_S; i++) {
      maxStamps.set(i, -1);
    }
  }

  /** Records one command that took {@code nanos}, answered or not. */
  public void record(long nanos) {
    long micros = nanos / 1000;
    int b = 0;
    while (b < BOUNDS_MICROS.length && micros > BOUNDS_MICROS[b]) {
      b++;
    }
    buckets[b].increment();
    count.increment();
    sumNanos.add(nanos);
    long now = millis.getAsLong();
    long sec = now / 1000;
    int i = (int) (sec % WINDOW_S);
    if (maxStamps.get(i) != sec) {
      synchronized (maxStamps) {
        if (maxStamps.get(i) != sec) {
          maxNanos.set(i, 0);
          maxStamps.set(i, sec);
        }
      }
    }
    if (nanos > maxNanos.get(i)) {
      maxNanos.accumulateAndGet(i, nanos, Math::max);
    }
    if (nanos >= SLOW_NANOS) {
      slowWindow.add(now);
    }
  }

  /** Records a command that failed (any failure, timeouts included). */
  public void onError() {
    errors.increment();
    errorWindow.add(millis.getAsLong());
  }

  /** Records a command that got no answer in time (also call {@link #onError}). */
  public void onTimeout() {
    timeouts.increment();
    timeoutWindow.add(millis.getAsLong());
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  /** A consistent-enough copy of the figures now. */
  public Figures figures() {
    long now = millis.getAsLong();
    long[] counts = new long[buckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets[i].sum();
    }
    long sec = now / 1000;
    long slowest = 0;
    for (int i = 0; i < WINDOW_S; i++) {
      long stamp = maxStamps.get(i);
      if (stamp > sec - WINDOW_S && stamp <= sec) {
        slowest = Math.max(slowest, maxNanos.get(i));
      }
    }
    return new Figures(Math.max(0, connections.get()), count.sum(), sumNanos.sum(), errors.sum(),
        timeouts.sum(), errorWindow.sum(now), timeoutWindow.sum(now), slowWindow.sum(now),
        slowest, BOUNDS_MICROS.clone(), counts);
  }

  /**
   * The figures at one moment. {@code bucketCounts[i]} counts commands that took at most
   * {@code boundsMicros[i]} (and more than the bound before); the last count has no bound.
   */
  public record Figures(int connections, long commands, long totalNanos, long errors,
      long timeouts, long errorsLastMinute, long timeoutsLastMinute, long slowLastMinute,
      long slowestNanosLastMinute, long[] boundsMicros, long[] bucketCounts) {}

  /** Counts of the last 60 one-second slots. */
  private static final class Window {
    private final long[] stamps = new long[WINDOW_S];
    private final long[] counts = new long[WINDOW_S];

    Window() {
      java.util.Arrays.fill(stamps, -1);
    }

    synchronized void add(long nowMillis) {
      long sec = nowMillis / 1000;
      int i = (int) (sec % WINDOW_S);
      if (stamps[i] != sec) {
        stamps[i] = sec;
        counts[i] = 0;
      }
      counts[i]++;
    }

    synchronized long sum(long nowMillis) {
      long sec = nowMillis / 1000;
      long total = 0;
      for (int i = 0; i < WINDOW_S; i++) {
        if (stamps[i] > sec - WINDOW_S && stamps[i] <= sec) {
          total += counts[i];
        }
      }
      return total;
    }
  }
}
