package dev.bullpen.reliability;

import dev.bullpen.Job;
import dev.bullpen.JobHandler;
import dev.bullpen.JobOptions;
import dev.bullpen.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady traffic for fault tests: producer threads add jobs through a {@link JobLedger} (one
 * every {@code pauseMs}), and {@link #handler(long)} is a handler that reports its runs to the
 * ledger. Records when adds were acknowledged, when runs finished, and every failed add with its
 * duration, so tests can tell how long calls took to fail and how long recovery took.
 */
final class Load implements AutoCloseable {
  /** A failed add: when it started, how long it took, what it threw. */
  record FailedAdd(long startNanos, long tookMs, RuntimeException error) {}

  private final JobLedger ledger;
  private final List<Queue<Object>> via;
  private final long pauseMs;
  private final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> runs = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<FailedAdd> failures = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong added = new AtomicLong();
  private volatile boolean running;

  /** One producer thread per handle in {@code via}. */
  Load(JobLedger ledger, List<Queue<Object>> via, long pauseMs) {
    this.ledger = ledger;
    this.via = via;
    this.pauseMs = pauseMs;
  }

  /** A handler that holds each job {@code holdMs} and reports its run. */
  JobHandler<Object, Object> handler(long holdMs) {
    return (Job<Object> job) -> {
      if (holdMs > 0) {
        Thread.sleep(holdMs);
      }
      ledger.ran(JobLedger.key(job));
      runs.add(System.nanoTime());
      return null;
    };
  }

  void start() {
    running = true;
    int i = 0;
    for (Queue<Object> q : via) {
      Thread t = new Thread(() -> produce(q), "load-producer-" + i++);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void produce(Queue<Object> q) {
    while (running) {
      long t0 = System.nanoTime();
      try {
        ledger.add(q, "load", JobOptions.DEFAULT);
        acks.add(System.nanoTime());
        added.incrementAndGet();
      } catch (RuntimeException e) {
        failures.add(new FailedAdd(t0, Report.msSince(t0), e));
        sleep(50);
      }
      sleep(pauseMs);
    }
  }

  /** Stops the producers and waits for them. */
  void stop() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  long added() {
    return added.get();
  }

  List<FailedAdd> failures() {
    return List.copyOf(failures);
  }

  /** Milliseconds from {@code t0} to the first add acknowledged after it; -1 if none yet. */
  long firstAckAfterMs(long t0) {
    return firstAfter(acks, t0);
  }

  /** Milliseconds from {@code t0} to the first handler run finished after it; -1 if none yet. */
  long firstRunAfterMs(long t0) {
    return firstAfter(runs, t0);
  }

  /** Adds acknowledged after {@code t0}. */
  long acksAfter(long t0) {
    return acks.stream().filter(t -> t > t0).count();
  }

  /** Longest failed add that started after {@code t0}; 0 if none. */
  long longestFailureAfterMs(long t0) {
    return failures.stream().filter(f -> f.startNanos() > t0).mapToLong(FailedAdd::tookMs)
        .max().orElse(0);
  }

  private static long firstAfter(ConcurrentLinkedQueue<Long> times, long t0) {
    return times.stream().filter(t -> t > t0).mapToLong(t -> (t - t0) / 1_000_000).min()
        .orElse(-1);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
