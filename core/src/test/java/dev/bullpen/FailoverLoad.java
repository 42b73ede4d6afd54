package dev.bullpen;

import static org.awaitility.Awaitility.await;

import dev.bullpen.event.QueueEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady load for failover tests: producer threads add jobs whose data is a sequence number, a
 * worker processes them and an events reader listens, while the test kills (or freezes) the
 * master. Afterwards it reports which acknowledged adds were lost and how long producers, the
 * worker and the events reader needed to work again.
 *
 * <p>"Lost" means: {@code add} returned, yet the job never ran (checked after the queue drained).
 * An add that threw is not acknowledged and never counts as lost; a durable add that threw
 * {@link NotReplicatedException} is counted apart.
 */
final class FailoverLoad implements AutoCloseable {
  private final Bullpen bp;
  private final Queue<Object> queue;
  private final int producers;
  private final AtomicLong seq = new AtomicLong();
  private final Map<Long, Long> ackedAt = new ConcurrentHashMap<>();
  private final Map<Long, Long> unconfirmed = new ConcurrentHashMap<>();
  private final Map<Long, Long> startedAt = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final Map<Long, Long> firstRunAt = new ConcurrentHashMap<>();
  private final List<Long> completedEventsAt = new CopyOnWriteArrayList<>();
  private final List<Throwable> addErrors = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Worker<?> worker;
  private volatile boolean running = true;
  private volatile long killedAt = Long.MAX_VALUE;

  /**
   * What one failover cost. Times are from the kill, counting only adds started after it:
   * {@code addsBackMs} until an add stored a job again, {@code acksBackMs} until an add returned
   * normally again (for a durable add: was replicated), {@code processingBackMs} until such a job
   * ran,
   * {@code eventsBackMs} until the events reader delivered an event of such a job.
   */
  record Result(String label, long acknowledged, long lost, long unconfirmed,
      long unconfirmedLost, long failedAdds, long ranTwice, long addsBackMs, long acksBackMs,
      long processingBackMs, long eventsBackMs) {
    @Override
    public String toString() {
      return String.format("FAILOVER %-30s acknowledged=%d lost=%d notReplicated=%d"
          + " (of them lost=%d) failedAdds=%d ranTwice=%d addsBackAfter=%dms"
          + " acksBackAfter=%dms processingBackAfter=%dms eventsBackAfter=%dms", label,
          acknowledged, lost, unconfirmed, unconfirmedLost, failedAdds, ranTwice, addsBackMs,
          acksBackMs, processingBackMs, eventsBackMs);
    }
  }

  FailoverLoad(Bullpen bp, String queueName, int producers) {
    this.bp = bp;
    this.queue = bp.queue(queueName);
    this.producers = producers;
    bp.queueEvents(queueName).addListener((QueueEvent e) -> {
      if ("completed".equals(e.event())) {
        completedEventsAt.add(System.currentTimeMillis());
      }
    });
    this.worker = bp.worker(queueName, Object.class, job -> {
      long n = ((Number) ((Map<?, ?>) job.data()).get("seq")).longValue();
      firstRunAt.putIfAbsent(n, System.currentTimeMillis());
      runs.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
      return null;
    }, WorkerOptions.builder().concurrency(20).lockDuration(Duration.ofSeconds(2))
        .stalledInterval(Duration.ofSeconds(1)).drainDelay(Duration.ofSeconds(5))
        .removeOnComplete(KeepJobs.last(100)).build());
  }

  void start() {
    for (int i = 0; i < producers; i++) {
      Thread t = new Thread(this::produce, "failover-producer-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void produce() {
    while (running) {
      long n = seq.incrementAndGet();
      startedAt.put(n, System.currentTimeMillis());
      try {
        queue.add("load", Map.of("seq", n));
        ackedAt.put(n, System.currentTimeMillis());
      } catch (NotReplicatedException e) {
        unconfirmed.put(n, System.currentTimeMillis());
      } catch (RuntimeException e) {
        addErrors.add(e);
        sleep(50);
      }
      sleep(1);
    }
  }

  /**
   * Stops the worker taking jobs, so that jobs added from now on wait in Redis (a backlog), as
   * they do whenever workers are behind; {@link #killed()} resumes it.
   */
  void pauseWorker() {
    worker.pause();
  }

  /** Marks the moment the test killed or froze the master. */
  void killed() {
    killedAt = System.currentTimeMillis();
    worker.resume();
  }

  /** Waits until adds store jobs, jobs run and events arrive again after the failover. */
  void awaitRecovery(Duration timeout) {
    await().atMost(timeout).until(() -> addsBackMs() >= 0 && processingBackMs() >= 0
        && eventsBackMs() >= 0);
  }

  /** Waits until an add returned normally again (durable adds: a replica acknowledged). */
  void awaitAcks(Duration timeout) {
    await().atMost(timeout).until(() -> after(ackedAt) >= 0);
  }

  /** Stops the producers, waits until every job ran and returns the tally. */
  Result finish(String label, Duration timeout) {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    await().atMost(timeout).ignoreExceptions()
        .until(() -> queue.getJobCounts().unfinished() == 0);
    long lost = ackedAt.keySet().stream().filter(n -> !runs.containsKey(n)).count();
    long unconfirmedLost = unconfirmed.keySet().stream().filter(n -> !runs.containsKey(n))
        .count();
    long twice = runs.values().stream().filter(c -> c.get() > 1).count();
    return new Result(label, ackedAt.size(), lost, unconfirmed.size(), unconfirmedLost,
        addErrors.size(), twice, addsBackMs(), after(ackedAt), processingBackMs(),
        eventsBackMs());
  }

  List<Throwable> addErrors() {
    return addErrors;
  }

  private long addsBackMs() {
    long a = after(ackedAt);
    long u = after(unconfirmed);
    return a < 0 ? u : u < 0 ? a : Math.min(a, u);
  }

  /** Earliest time in {@code times} of an add that started after the kill. */
  private long after(Map<Long, Long> times) {
    return times.entrySet().stream().filter(e -> startedAt.get(e.getKey()) > killedAt)
        .mapToLong(e -> e.getValue() - killedAt).min().orElse(-1);
  }

  /** First run of a job that was stored after the kill. */
  private long processingBackMs() {
    long best = -1;
    for (Map<Long, Long> stored : List.of(ackedAt, unconfirmed)) {
      for (Map.Entry<Long, Long> e : stored.entrySet()) {
        Long ran = firstRunAt.get(e.getKey());
        if (startedAt.get(e.getKey()) > killedAt && ran != null
            && (best < 0 || ran - killedAt < best)) {
          best = ran - killedAt;
        }
      }
    }
    return best;
  }

  /** A completed event seen after adds came back. */
  private long eventsBackMs() {
    long adds = addsBackMs();
    if (adds < 0) {
      return -1;
    }
    return completedEventsAt.stream().filter(t -> t >= killedAt + adds)
        .mapToLong(t -> t - killedAt).min().orElse(-1);
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
    running = false;
  }
}
