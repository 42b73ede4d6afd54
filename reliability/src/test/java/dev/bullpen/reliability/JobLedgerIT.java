package dev.bullpen.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ledger itself: it must catch each kind of broken promise, or the fault tests prove nothing. */
@RedisTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobLedgerIT {

  @Test
  void aCleanRunHolds(RedisServer redis) {
    String q = TestNames.uniqueQueue("ledger-ok");
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri())) {
      run(bp, q, ledger, 20);
      JobLedger.Outcome o = ledger.check();
      o.assertHolds();
      assertThat(o.accepted()).isEqualTo(20);
      assertThat(o.completed()).isEqualTo(20);
      assertThat(o.lost()).isEmpty();
    }
  }

  @Test
  void aJobWhoseHashVanishedIsLost(RedisServer redis) {
    String q = TestNames.uniqueQueue("ledger-lost");
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri())) {
      Job<Object> victim = ledger.add("x");
      run(bp, q, ledger, 5);
      redis.command("DEL", "bull:" + q + ":" + victim.id());
      redis.command("ZREM", "bull:" + q + ":completed", victim.id());
      JobLedger.Outcome o = ledger.check();
      assertThat(o.lost()).hasSize(1);
      assertThatThrownBy(o::assertHolds).hasMessageContaining("lost 1");
    }
  }

  @Test
  void aSecondRecordedCompletionAndTooManyDuplicatesBreakTheInvariant(RedisServer redis) {
    String q = TestNames.uniqueQueue("ledger-twice");
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri())) {
      run(bp, q, ledger, 3);
      String id = ledger.idOf(1);
      redis.command("XADD", "bull:" + q + ":events", "*", "event", "completed", "jobId", id,
          "returnvalue", "null");
      ledger.ran(2);
      ledger.ran(2);
      ledger.fault(1);
      JobLedger.Outcome o = ledger.check();
      assertThat(o.recordedTwice()).hasSize(1);
      assertThat(o.duplicates()).isEqualTo(2);
      assertThatThrownBy(o::assertHolds)
          .hasMessageContaining("completion recorded more than once")
          .hasMessageContaining("duplicates 2 > jobs in flight at the faults 1");
    }
  }

  @Test
  void pendingJobsAreNeitherLostNorCompleted(RedisServer redis) {
    String q = TestNames.uniqueQueue("ledger-pending");
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri())) {
      ledger.add("waits");
      JobLedger.Outcome o = ledger.check();
      assertThat(o.pending()).isEqualTo(1);
      assertThat(o.completed()).isZero();
      o.assertHolds();
    }
  }

  /** Adds {@code n} jobs and processes every job of the queue once. */
  private static void run(Bullpen bp, String q, JobLedger ledger, int n) {
    for (int i = 0; i < n; i++) {
      ledger.add("job");
    }
    Queue<Object> queue = bp.queue(q);
    Worker<Object> w = bp.worker(q, Object.class, job -> {
      ledger.ran(JobLedger.key(job));
      return null;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> queue.getJobCounts().unfinished() == 0);
    w.close();
    assertThat(List.of(queue.getJobCounts().completed())).containsExactly((long) ledger.acceptedCount());
  }
}
