package dev.bullpen.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobState;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.WorkerListener;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Worker processes that die or freeze in the middle of jobs. The worker runs in its own JVM
 * ({@link ChildWorker}) so that it can really be SIGKILLed or SIGSTOPped; the jobs it held must
 * be recovered by the stalled check of another worker, and the frozen worker's late completions
 * must be rejected by the lock check.
 */
@RedisTest
class WorkerCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int JOBS = 300;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void jobsOfASigkilledWorkerAreRecoveredByTheStalledCheck(RedisServer redis) throws Exception {
    String q = TestNames.uniqueQueue("sigkill");
    int concurrency = 8;
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri())) {
      Queue<Object> queue = bp.queue(q);
      for (int i = 0; i < JOBS; i++) {
        ledger.add("crash");
      }
      long killedAt;
      Set<Long> inFlight;
      try (WorkerProcess child = WorkerProcess.start("a", redis.uri(), q, concurrency,
          Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(40))) {
        child.await("30 finished jobs", WAIT, () -> child.runs().size() >= 30);
        child.awaitInHandler(concurrency, WAIT);
        child.kill();
        killedAt = System.nanoTime();
        ledger.fault(concurrency);
        inFlight = child.inHandler();
        ledger.ranAll(child.runs());
      }
      assertThat(inFlight).as("jobs in the killed worker's handlers").isNotEmpty();
      assertThat(queue.getJobCounts().active()).isPositive();

      Set<String> stalled = ConcurrentHashMap.newKeySet();
      Worker<Object> rescuer = bp.worker(q, Object.class, (Job<Object> job) -> {
        ledger.ran(JobLedger.key(job));
        return null;
      }, WorkerOptions.builder().concurrency(8).stalledInterval(Duration.ofMillis(500)).build());
      rescuer.addListener(new WorkerListener<>() {
        @Override
        public void onStalled(String jobId) {
          stalled.add(jobId);
        }
      });
      Set<String> inFlightIds = idsOf(ledger, inFlight);
      await().atMost(WAIT).until(() -> inFlightIds.stream().allMatch(id -> isCompleted(queue, id)));
      long recoveredMs = Report.msSince(killedAt);
      await().atMost(WAIT).until(() -> queue.getJobCounts().unfinished() == 0);
      long drainedMs = Report.msSince(killedAt);
      rescuer.close();

      JobLedger.Outcome outcome = ledger.check();
      Report.print("worker SIGKILL mid-job", outcome, Map.of("concurrency", concurrency,
          "inHandlersAtKill", inFlight.size(), "recoveredByStalledCheckMs", recoveredMs,
          "drainedMs", drainedMs));
      outcome.assertHolds();
      assertThat(outcome.completed()).isEqualTo(JOBS);
      for (String id : inFlightIds) {
        assertThat(queue.getJob(id).orElseThrow().stalledCounter())
            .as("job %s was recovered by the stalled check", id).isEqualTo(1);
      }
      assertThat(stalled).containsAll(inFlightIds);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aFrozenWorkersJobsRunElsewhereAndItsLateCompletionsAreRejected(RedisServer redis)
      throws Exception {
    String q = TestNames.uniqueQueue("sigstop");
    int concurrency = 4;
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri())) {
      Queue<Object> queue = bp.queue(q);
      for (int i = 0; i < 200; i++) {
        ledger.add("freeze");
      }
      try (WorkerProcess child = WorkerProcess.start("frozen", redis.uri(), q, concurrency,
          Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(300))) {
        child.await("10 finished jobs", WAIT, () -> child.runs().size() >= 10);
        child.awaitInHandler(concurrency, WAIT);
        child.freeze();
        long frozenAt = System.nanoTime();
        ledger.fault(concurrency);
        Set<Long> frozenKeys = child.inHandler();
        Map<Long, Integer> runsBeforeFreeze = child.runs();

        Worker<Object> other = bp.worker(q, Object.class, (Job<Object> job) -> {
          ledger.ran(JobLedger.key(job));
          return null;
        }, WorkerOptions.builder().concurrency(8).stalledInterval(Duration.ofMillis(500))
            .build());
        Set<String> frozenIds = idsOf(ledger, frozenKeys);
        await().atMost(WAIT).until(() -> frozenIds.stream().allMatch(id -> isCompleted(queue, id)));
        long reRunMs = Report.msSince(frozenAt);
        await().atMost(WAIT).until(() -> queue.getJobCounts().unfinished() == 0);
        other.close();

        // Thaw: the frozen handlers return and try to record completions that are no longer theirs.
        child.thaw();
        child.await("the late handler returns", WAIT,
            () -> frozenKeys.stream().allMatch(n -> child.runs().getOrDefault(n, 0) > 0));
        child.await("rejected late completions", WAIT, () -> child.errors().stream()
            .filter(e -> e.contains("lock")).count() + child.lockLost().size() > 0);
        Map<Long, Integer> childRuns = child.runs();
        child.kill();
        ledger.ranAll(childRuns);

        JobLedger.Outcome outcome = ledger.check();
        long rejected = child.errors().stream().filter(e -> e.contains("lock")).count();
        Report.print("worker SIGSTOP longer than the lock", outcome, Map.of(
            "concurrency", concurrency, "frozenInHandlers", frozenKeys.size(),
            "reRunElsewhereMs", reRunMs, "lockErrorsReported", rejected,
            "lockLostReported", child.lockLost().size()));
        outcome.assertHolds();
        assertThat(outcome.completed()).isEqualTo(200);
        assertThat(outcome.duplicates()).as("each frozen job ran twice")
            .isGreaterThanOrEqualTo(frozenKeys.size());
        for (String id : frozenIds) {
          Job<Object> job = queue.getJob(id).orElseThrow();
          assertThat(job.attemptsMade()).as("job %s recorded once", id).isEqualTo(1);
          assertThat(job.returnValueJson()).as("the re-run's result, not the frozen one's")
              .isEqualTo("null");
        }
        assertThat(runsBeforeFreeze.keySet()).doesNotContainAnyElementsOf(frozenKeys);
      }
    }
  }

  private static boolean isCompleted(Queue<Object> queue, String id) {
    return queue.getState(id) == JobState.COMPLETED;
  }

  static Set<String> idsOf(JobLedger ledger, Set<Long> keys) {
    Set<String> ids = new HashSet<>();
    for (long n : keys) {
      ids.add(ledger.idOf(n));
    }
    return ids;
  }
}
