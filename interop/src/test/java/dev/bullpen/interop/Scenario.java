package dev.bullpen.interop;

import dev.bullpen.Backoff;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobHandler;
import dev.bullpen.JobOptions;
import dev.bullpen.KeepJobs;
import dev.bullpen.Queue;
import dev.bullpen.UnrecoverableJobException;
import dev.bullpen.Worker;
import dev.bullpen.WorkerListener;
import dev.bullpen.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One workload described once and played by either side: a list of jobs in BullMQ's terms
 * (name, data, opts as Node's {@code queue.add} takes them) and a behavior per job name, which
 * {@code work.js} and {@link #handler} both follow (see work.js for the behavior keys); plus,
 * optionally, Queue calls the producer makes before adding ({@link #before}: pause, global
 * concurrency, global rate limit, as produce.js's "before" list) and the worker concurrency.
 */
final class Scenario {
  /** One add: what Node's {@code queue.add(name, data, opts)} gets. */
  record Spec(String name, Object data, Map<String, Object> opts) {
    Map<String, Object> toNode() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("data", data);
      m.put("opts", opts);
      return m;
    }
  }

  /** One Queue call by name (queue-calls.js's names), e.g. {@code setGlobalConcurrency(2)}. */
  record Call(String call, List<Object> args) {
    Map<String, Object> toNode() {
      return Map.of("call", call, "args", args);
    }
  }

  final List<Spec> jobs = new ArrayList<>();
  final Map<String, Map<String, Object>> behaviors = new LinkedHashMap<>();
  final List<Call> before = new ArrayList<>();
  int concurrency = 1;

  Scenario add(String name, Object data, Map<String, Object> opts) {
    jobs.add(new Spec(name, data, opts));
    return this;
  }

  Scenario behave(String name, Map<String, Object> behavior) {
    behaviors.put(name, behavior);
    return this;
  }

  /** A Queue call the producer makes before adding the jobs (either side). */
  Scenario before(String call, Object... args) {
    before.add(new Call(call, List.of(args)));
    return this;
  }

  /** Worker concurrency for both sides (default 1). */
  Scenario concurrency(int n) {
    concurrency = n;
    return this;
  }

  /** Settings for produce.js. */
  Map<String, Object> produceSettings() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Spec s : jobs) {
      list.add(s.toNode());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jobs", list);
    if (!before.isEmpty()) {
      m.put("before", before.stream().map(Call::toNode).toList());
    }
    return m;
  }

  /** Settings for work.js: stop after {@code finals} final outcomes. */
  Map<String, Object> workSettings(int finals, String workerName) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", finals);
    m.put("behaviors", behaviors);
    m.put("worker", Map.of("name", workerName, "concurrency", concurrency));
    return m;
  }

  /**
   * Makes the {@link #before} calls, then adds every job with Bullpen, one {@code add} per job
   * as produce.js does; returns the ids.
   */
  List<String> addWithBullpen(Queue<Object> queue) {
    for (Call c : before) {
      call(queue, c);
    }
    List<String> ids = new ArrayList<>();
    for (Spec s : jobs) {
      ids.add(queue.add(s.name, s.data, javaOptions(s.opts)).id());
    }
    return ids;
  }

  /** The Bullpen equivalent of one queue-calls.js call. */
  static Object call(Queue<Object> queue, Call c) {
    List<Object> a = c.args();
    switch (c.call()) {
      case "pause" -> queue.pause();
      case "resume" -> queue.resume();
      case "isPaused" -> {
        return queue.isPaused();
      }
      case "setGlobalConcurrency" -> queue.setGlobalConcurrency(((Number) a.get(0)).intValue());
      case "removeGlobalConcurrency" -> queue.removeGlobalConcurrency();
      case "setGlobalRateLimit" -> queue.setGlobalRateLimit(((Number) a.get(0)).intValue(),
          Duration.ofMillis(((Number) a.get(1)).longValue()));
      case "removeGlobalRateLimit" -> queue.removeGlobalRateLimit();
      default -> throw new IllegalArgumentException("no Bullpen mapping for call " + c);
    }
    return null;
  }

  /** Node job options (the subset the ITs use) as Bullpen {@link JobOptions}. */
  static JobOptions javaOptions(Map<String, Object> o) {
    JobOptions.Builder b = JobOptions.builder();
    if (o == null) {
      return b.build();
    }
    for (Map.Entry<String, Object> e : o.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "jobId" -> b.jobId((String) v);
        case "delay" -> b.delay(Duration.ofMillis(((Number) v).longValue()));
        case "priority" -> b.priority(((Number) v).intValue());
        case "lifo" -> b.lifo((Boolean) v);
        case "attempts" -> b.attempts(((Number) v).intValue());
        case "backoff" -> {
          Map<?, ?> bo = (Map<?, ?>) v;
          Duration d = Duration.ofMillis(((Number) bo.get("delay")).longValue());
          b.backoff("exponential".equals(bo.get("type")) ? Backoff.exponential(d)
              : Backoff.fixed(d));
        }
        case "removeOnComplete" -> b.removeOnComplete(keep(v));
        case "removeOnFail" -> b.removeOnFail(keep(v));
        default -> throw new IllegalArgumentException("no Bullpen mapping for option " + e);
      }
    }
    return b.build();
  }

  private static KeepJobs keep(Object v) {
    if (v instanceof Boolean) {
      return (Boolean) v ? KeepJobs.NONE : KeepJobs.ALL;
    }
    if (v instanceof Map<?, ?> m) {
      Object count = m.get("count");
      Object age = m.get("age");
      Object limit = m.get("limit");
      return KeepJobs.of(count == null ? -1 : ((Number) count).intValue(),
          age == null ? null : Duration.ofSeconds(((Number) age).longValue()),
          limit == null ? 0 : ((Number) limit).intValue());
    }
    return KeepJobs.last(((Number) v).intValue());
  }

  /** A Bullpen handler that follows the behaviors exactly as work.js does. */
  JobHandler<Object, Object> handler() {
    return job -> {
      Map<String, Object> b = behaviors.getOrDefault(job.name(),
          behaviors.getOrDefault("*", Map.of()));
      Object sleep = b.get("sleepMs");
      if (sleep != null) {
        Thread.sleep(((Number) sleep).longValue());
      }
      for (Object row : list(b.get("logs"))) {
        job.log((String) row);
      }
      for (Object p : list(b.get("progress"))) {
        job.updateProgress(p);
      }
      Object fail = b.get("fail");
      Object failAttempts = b.get("failAttempts");
      if (fail != null && (failAttempts == null
          || job.attemptsMade() < ((Number) failAttempts).intValue())) {
        if (Boolean.TRUE.equals(b.get("unrecoverable"))) {
          throw new UnrecoverableJobException((String) fail);
        }
        throw new Exception((String) fail);
      }
      if (Boolean.TRUE.equals(b.get("echo"))) {
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("echo", job.data());
        return echo;
      }
      return b.get("returns");
    };
  }

  private static List<?> list(Object o) {
    return o == null ? List.of() : (List<?>) o;
  }

  /** What a Bullpen worker did: ids in the order they became active, and final outcomes. */
  static final class WorkerRun {
    final List<String> order = Collections.synchronizedList(new ArrayList<>());
    final List<String> completed = Collections.synchronizedList(new ArrayList<>());
    final List<String> failed = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private String queue;
    private int finals;
    private CountDownLatch done;
    private Worker<Object> worker;

    /**
     * Waits until the worker reached its final outcomes, then closes it (also on failure).
     *
     * @throws AssertionError when they are not reached within {@code timeout}
     */
    WorkerRun await(Duration timeout) {
      try {
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError("Bullpen worker on " + queue + " reached " + (finals
              - done.getCount()) + " of " + finals + " final outcomes in " + timeout
              + "; order " + order + ", completed " + completed + ", failed " + failed
              + ", errors " + errors);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      } finally {
        close();
      }
      return this;
    }

    /** Closes the worker (waiting at most 5 s for its jobs). */
    void close() {
      worker.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Runs a Bullpen worker (name {@code workerName}, this scenario's concurrency) until
   * {@code finals} jobs completed or failed for good, then closes it.
   */
  WorkerRun runBullpenWorker(Bullpen bp, String queue, int finals, String workerName,
      Duration timeout) {
    return runBullpenWorker(bp, queue, finals, timeout,
        WorkerOptions.builder().name(workerName).concurrency(concurrency).build());
  }

  WorkerRun runBullpenWorker(Bullpen bp, String queue, int finals, Duration timeout,
      WorkerOptions options) {
    return startBullpenWorker(bp, queue, finals, options).await(timeout);
  }

  /**
   * Starts a Bullpen worker following the behaviors and returns at once; {@link WorkerRun#await}
   * waits for {@code finals} final outcomes and closes it.
   */
  WorkerRun startBullpenWorker(Bullpen bp, String queue, int finals, WorkerOptions options) {
    WorkerRun run = new WorkerRun();
    run.queue = queue;
    run.finals = finals;
    run.done = new CountDownLatch(finals);
    CountDownLatch done = run.done;
    Worker<Object> w = bp.worker(queue, Object.class, handler(),
        options.toBuilder().autorun(false).build());
    run.worker = w;
    w.addListener(new WorkerListener<>() {
      @Override
      public void onActive(Job<Object> job) {
        run.order.add(job.id());
      }

      @Override
      public void onCompleted(Job<Object> job, Object result) {
        run.completed.add(job.id());
        done.countDown();
      }

      @Override
      public void onFailed(Job<Object> job, Throwable error, boolean retrying) {
        if (!retrying) {
          run.failed.add(job.id());
          done.countDown();
        }
      }

      @Override
      public void onError(Throwable error) {
        run.errors.add(error);
      }
    });
    w.start();
    return run;
  }
}
