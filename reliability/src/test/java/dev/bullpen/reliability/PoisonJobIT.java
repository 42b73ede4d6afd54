package dev.bullpen.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Backoff;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import dev.bullpen.JobState;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Poison jobs among good ones: a job whose handler always throws, and one whose handler never
 * returns (and ignores interrupts). Each fails after its attempts with its reason, and the
 * worker, even with a single slot, keeps completing the good jobs.
 */
@RedisTest
class PoisonJobIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aJobThatAlwaysThrowsFailsAfterItsAttemptsAndNeverBlocksTheWorker(RedisServer redis) {
    String q = TestNames.uniqueQueue("poison");
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri())) {
      Queue<Object> queue = bp.queue(q);
      JobOptions poison = JobOptions.builder().attempts(3)
          .backoff(Backoff.fixed(Duration.ofMillis(50))).build();
      List<String> poisonIds = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        if (i % 40 == 0) {
          poisonIds.add(ledger.add("poison", poison).id());
        }
        ledger.add("good");
      }
      long start = System.nanoTime();
      // one slot: a poison job that held it would stop everything
      Worker<Object> worker = bp.worker(q, Object.class, (Job<Object> job) -> {
        if (job.name().equals("poison")) {
          throw new IllegalStateException("poison pill " + JobLedger.key(job));
        }
        ledger.ran(JobLedger.key(job));
        return null;
      }, WorkerOptions.builder().concurrency(1).build());
      await().atMost(WAIT).until(() -> queue.getJobCounts().unfinished() == 0);
      long drainedMs = Report.msSince(start);
      worker.close();

      JobLedger.Outcome outcome = ledger.check();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("poisonJobs", poisonIds.size());
      extra.put("attempts", 3);
      extra.put("concurrency", 1);
      extra.put("drainedMs", drainedMs);
      Report.print("poison job (always throws)", outcome, extra);
      outcome.assertHolds();
      assertThat(outcome.completed()).isEqualTo(200);
      assertThat(outcome.failed()).isEqualTo(poisonIds.size());
      for (String id : poisonIds) {
        Job<Object> job = queue.getJob(id).orElseThrow();
        assertThat(queue.getState(id)).isEqualTo(JobState.FAILED);
        assertThat(job.attemptsMade()).isEqualTo(3);
        assertThat(job.failedReason()).startsWith("poison pill");
        assertThat(job.stacktrace()).isNotEmpty();
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aJobThatNeverReturnsFailsAfterItsTimeoutAndNeverBlocksTheWorker(RedisServer redis) {
    String q = TestNames.uniqueQueue("hang");
    AtomicBoolean release = new AtomicBoolean();
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri())) {
      Queue<Object> queue = bp.queue(q);
      JobOptions hang = JobOptions.builder().attempts(2).timeout(Duration.ofMillis(300)).build();
      List<String> hangIds = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        if (i % 25 == 0) {
          hangIds.add(ledger.add("hang", hang).id());
        }
        ledger.add("good");
      }
      long start = System.nanoTime();
      Worker<Object> worker = bp.worker(q, Object.class, (Job<Object> job) -> {
        if (job.name().equals("hang")) {
          while (!release.get()) { // deaf to interrupts: keeps its thread, must not keep the slot
            try {
              Thread.sleep(50);
            } catch (InterruptedException ignored) {
              // a handler that swallows interrupts
            }
          }
          return "released";
        }
        ledger.ran(JobLedger.key(job));
        return null;
      }, WorkerOptions.builder().concurrency(2).build());
      await().atMost(WAIT).until(() -> queue.getJobCounts().unfinished() == 0);
      long drainedMs = Report.msSince(start);
      release.set(true);
      worker.close();

      JobLedger.Outcome outcome = ledger.check();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("hangingJobs", hangIds.size());
      extra.put("attempts", 2);
      extra.put("timeoutMs", 300);
      extra.put("concurrency", 2);
      extra.put("drainedMs", drainedMs);
      Report.print("poison job (never returns, timeout)", outcome, extra);
      outcome.assertHolds();
      assertThat(outcome.completed()).isEqualTo(100);
      assertThat(outcome.failed()).isEqualTo(hangIds.size());
      for (String id : hangIds) {
        Job<Object> job = queue.getJob(id).orElseThrow();
        assertThat(job.attemptsMade()).isEqualTo(2);
        assertThat(job.failedReason()).contains("timed out");
      }
    } finally {
      release.set(true);
    }
  }
}
