package dev.bullpen.reliability;

import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import dev.bullpen.JobState;
import dev.bullpen.Queue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The invariant every fault test checks, over every job: a ledger of the jobs whose {@code add}
 * returned, of the handler runs, and of what Redis recorded.
 *
 * <p>Each job carries a ledger key {@code n} in its data ({@code {"n": 17}}), unique for the
 * ledger's life, so runs can be matched to jobs even when Redis loses its data and job ids start
 * again at 1. Handlers report a run with {@link #ran(long)} (in-process workers) or print it
 * (child JVMs; see {@link WorkerProcess#runs()}, merged with {@link #ranAll}).
 *
 * <h2>Definitions</h2>
 * <ul>
 *   <li><b>Accepted</b>: {@link #add} returned a job. An add that threw is <i>unknown</i> (the
 *       job may or may not exist) and is counted apart, never as lost.
 *   <li><b>Run</b>: a handler returned normally for the job (its side effect happened).
 *   <li><b>Recorded completion</b>: a {@code completed} event for the job's id in the queue's
 *       events stream (the ledger raises the stream's cap so nothing is trimmed). Exactly one
 *       is written per successful finishing call, so it counts how often Redis recorded a
 *       completion.
 *   <li><b>Completed exactly once</b>: the job is in state completed and has exactly one
 *       recorded completion. Two recorded completions of one job are a violation (a late
 *       completion that the lock check should have rejected).
 *   <li><b>Failed with a reason</b>: the job is in state failed with a non-blank
 *       {@code failedReason}, after all its attempts ({@code attemptsMade >= attempts}) or
 *       because it stalled more often than allowed.
 *   <li><b>Duplicate</b>: every run of an accepted job beyond its first (at-least-once
 *       processing). Tests assert that duplicates are at most the jobs in flight at the
 *       faults ({@link #fault(int)}).
 *   <li><b>Pending</b>: accepted and still waiting, prioritized, delayed or active at the end.
 *   <li><b>Lost</b>: accepted, yet at the end neither completed, failed nor pending (its hash
 *       or its state is gone, or a completed job has no recorded completion). Tests assert
 *       zero.
 *   <li><b>Gone with Redis data</b>: accepted before {@link #redisDataLost()} (Redis restarted
 *       without persistence and lost everything). That is a loss of Redis data, not of Bullpen,
 *       and is reported apart; the checks cover the jobs accepted after it.
 * </ul>
 *
 * <p>Thread-safe: producers, handlers and the test thread use one ledger.
 */
final class JobLedger implements AutoCloseable {
  private final Queue<Object> queue;
  private final String eventsKey;
  private final String metaKey;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> conn;
  private final AtomicLong seq = new AtomicLong();
  /** Current epoch: ledger key to job id. */
  private final Map<Long, String> accepted = new ConcurrentHashMap<>();
  private final Map<Long, Integer> runs = new ConcurrentHashMap<>();
  private final AtomicInteger unknown = new AtomicInteger();
  private final AtomicInteger inFlightAtFaults = new AtomicInteger();
  private final AtomicInteger goneWithRedis = new AtomicInteger();
  private final Map<Long, Integer> expectedAttempts = new ConcurrentHashMap<>();

  /**
   * A ledger for {@code queue}; {@code redisUri} (any URI Lettuce takes, Sentinel included) is
   * used to read the events stream.
   */
  JobLedger(Queue<Object> queue, String redisUri, String prefix) {
    this.queue = queue;
    this.eventsKey = prefix + ":" + queue.name() + ":events";
    this.metaKey = prefix + ":" + queue.name() + ":meta";
    RedisURI uri = RedisURI.create(redisUri);
    uri.setTimeout(Duration.ofSeconds(5));
    this.client = RedisClient.create(uri);
    this.conn = client.connect();
    raiseEventsCap();
  }

  JobLedger(Queue<Object> queue, String redisUri) {
    this(queue, redisUri, "bull");
  }

  /**
   * Keeps every event of the test (BullMQ's default cap of 10,000 would trim them); call it
   * again after Redis lost its data.
   */
  void raiseEventsCap() {
    conn.sync().hset(metaKey, "opts.maxLenEvents", "100000000");
  }

  /**
   * Adds a job whose data is {@code {"n": key}} and records it as accepted once the add returns.
   * An add that throws is counted as unknown and rethrown.
   */
  Job<Object> add(String name, JobOptions opts) {
    return add(queue, name, opts);
  }

  /** Like {@link #add(String, JobOptions)}, through another client's handle on the queue. */
  Job<Object> add(Queue<Object> via, String name, JobOptions opts) {
    long n = seq.incrementAndGet();
    Map<String, Object> data = new HashMap<>();
    data.put("n", n);
    Job<Object> job;
    try {
      job = via.add(name, data, opts);
    } catch (RuntimeException e) {
      unknown.incrementAndGet();
      throw e;
    }
    accepted.put(n, job.id());
    expectedAttempts.put(n, Math.max(1, opts.attempts()));
    return job;
  }

  Job<Object> add(String name) {
    return add(name, JobOptions.DEFAULT);
  }

  /** The ledger key of a job added through {@link #add}. */
  static long key(Job<?> job) {
    return ((Number) ((Map<?, ?>) job.data()).get("n")).longValue();
  }

  /** A handler returned normally for the job with ledger key {@code n}. */
  void ran(long n) {
    runs.merge(n, 1, Integer::sum);
  }

  /** Merges run counts reported by a child JVM. */
  void ranAll(Map<Long, Integer> childRuns) {
    childRuns.forEach((n, c) -> runs.merge(n, c, Integer::sum));
  }

  /** A fault hit while {@code inFlight} jobs were running: that many duplicates are allowed. */
  void fault(int inFlight) {
    inFlightAtFaults.addAndGet(inFlight);
  }

  /** Redis restarted without persistence: everything accepted so far is gone with its data. */
  void redisDataLost() {
    goneWithRedis.addAndGet(accepted.size());
    accepted.keySet().forEach(runs::remove);
    accepted.clear();
  }

  /** The id of the job with ledger key {@code n} (current epoch). */
  String idOf(long n) {
    String id = accepted.get(n);
    if (id == null) {
      throw new IllegalArgumentException("no accepted job with ledger key " + n);
    }
    return id;
  }

  int acceptedCount() {
    return accepted.size();
  }

  int unknownCount() {
    return unknown.get();
  }

  int runsOf(long n) {
    return runs.getOrDefault(n, 0);
  }

  /** Jobs with a run recorded (any epoch). */
  int jobsRun() {
    return runs.size();
  }

  /** Reads the end state of every accepted job and evaluates the definitions above. */
  Outcome check() {
    Map<String, Integer> recorded = completedEvents();
    long completed = 0;
    long failed = 0;
    long pending = 0;
    List<String> lost = new ArrayList<>();
    List<String> recordedTwice = new ArrayList<>();
    List<String> badFailures = new ArrayList<>();
    long duplicates = 0;
    long completedNeverRun = 0;
    for (Map.Entry<Long, String> e : accepted.entrySet()) {
      long n = e.getKey();
      String id = e.getValue();
      int ran = runs.getOrDefault(n, 0);
      duplicates += Math.max(0, ran - 1);
      Job<Object> job = queue.getJob(id).orElse(null);
      JobState state = job == null ? null : queue.getState(id);
      if (job != null && key(job) != n) {
        lost.add(n + "->" + id + " (id now holds job n=" + key(job) + ")");
        continue;
      }
      int times = recorded.getOrDefault(id, 0);
      if (state == JobState.COMPLETED) {
        if (times == 1) {
          completed++;
        } else if (times == 0) {
          lost.add(n + "->" + id + " (completed without a recorded completion)");
        } else {
          recordedTwice.add(n + "->" + id + " x" + times);
        }
        if (ran == 0) {
          completedNeverRun++;
        }
      } else if (state == JobState.FAILED) {
        failed++;
        String reason = job.failedReason();
        boolean stalledOut = reason != null && reason.contains("stalled");
        if (reason == null || reason.isBlank()
            || (!stalledOut && job.attemptsMade() < expectedAttempts.getOrDefault(n, 1))) {
          badFailures.add(n + "->" + id + " reason=" + reason + " attemptsMade="
              + job.attemptsMade());
        }
      } else if (state == JobState.WAITING || state == JobState.PRIORITIZED
          || state == JobState.DELAYED || state == JobState.ACTIVE || state == JobState.PAUSED) {
        pending++;
      } else {
        lost.add(n + "->" + id + " (state " + state + ")");
      }
    }
    return new Outcome(accepted.size(), completed, failed, pending, lost, duplicates,
        inFlightAtFaults.get(), recordedTwice, badFailures, unknown.get(), goneWithRedis.get(),
        completedNeverRun);
  }

  /** Counts {@code completed} events per job id in the events stream. */
  private Map<String, Integer> completedEvents() {
    RedisCommands<String, String> r = conn.sync();
    Map<String, Integer> counts = new HashMap<>();
    Range<String> range = Range.unbounded();
    while (true) {
      List<StreamMessage<String, String>> page = r.xrange(eventsKey, range, Limit.from(5000));
      for (StreamMessage<String, String> m : page) {
        if ("completed".equals(m.getBody().get("event"))) {
          counts.merge(m.getBody().get("jobId"), 1, Integer::sum);
        }
      }
      if (page.size() < 5000) {
        return counts;
      }
      range = Range.from(Range.Boundary.excluding(page.get(page.size() - 1).getId()),
          Range.Boundary.unbounded());
    }
  }

  @Override
  public void close() {
    conn.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  /**
   * The ledger's verdict. {@link #assertHolds()} checks the invariant; {@link #line} renders the
   * one summary line each test prints.
   */
  record Outcome(long accepted, long completed, long failed, long pending, List<String> lost,
      long duplicates, long inFlightAtFaults, List<String> recordedTwice,
      List<String> badFailures, long unknownAdds, long goneWithRedisData,
      long completedNeverRun) {

    /** Zero lost, none recorded twice, failures with reasons, duplicates within the bound. */
    void assertHolds() {
      StringBuilder problems = new StringBuilder();
      if (!lost.isEmpty()) {
        problems.append("lost ").append(lost.size()).append(": ").append(first(lost)).append('\n');
      }
      if (!recordedTwice.isEmpty()) {
        problems.append("completion recorded more than once: ").append(first(recordedTwice))
            .append('\n');
      }
      if (!badFailures.isEmpty()) {
        problems.append("failed without reason or before its attempts: ")
            .append(first(badFailures)).append('\n');
      }
      if (duplicates > inFlightAtFaults) {
        problems.append("duplicates ").append(duplicates).append(" > jobs in flight at the faults ")
            .append(inFlightAtFaults).append('\n');
      }
      if (completedNeverRun > 0) {
        problems.append(completedNeverRun).append(" jobs completed but no handler run was seen\n");
      }
      if (problems.length() > 0) {
        throw new AssertionError("ledger invariant broken: " + this + "\n" + problems);
      }
    }

    private static List<String> first(List<String> l) {
      return l.subList(0, Math.min(10, l.size()));
    }

    /** The summary fields, in order, for the RELIABILITY line. */
    Map<String, Object> fields() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("jobs", accepted);
      m.put("completed", completed);
      m.put("failed", failed);
      m.put("pending", pending);
      m.put("lost", lost.size());
      m.put("duplicates", duplicates);
      m.put("inFlightAtFaults", inFlightAtFaults);
      m.put("recordedTwice", recordedTwice.size());
      m.put("unknownAdds", unknownAdds);
      if (goneWithRedisData > 0) {
        m.put("goneWithRedisData", goneWithRedisData);
      }
      return m;
    }
  }
}
