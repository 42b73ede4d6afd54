package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Poison jobs (never return, always throw) fail after their attempts and never block a worker. */
@RedisTest
class JobTimeoutIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final RedisServer redis;
  private Bullpen bp;
  private String name;
  private Queue<Object> queue;
  private final CountDownLatch never = new CountDownLatch(1);

  JobTimeoutIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.connect(redis.uri());
    name = TestNames.uniqueQueue("timeout");
    queue = bp.queue(name);
  }

  @AfterEach
  void tearDown() {
    never.countDown();
    bp.close();
  }

  /** Blocks forever and swallows interrupts: the worst handler there is. */
  private Object hang() {
    while (never.getCount() > 0) {
      try {
        never.await();
      } catch (InterruptedException ignored) {
        // a poison handler that ignores being interrupted
      }
    }
    return null;
  }

  @Test
  void handlerThatNeverReturnsFailsAfterItsAttemptsWhileOtherJobsComplete() {
    Set<String> done = ConcurrentHashMap.newKeySet();
    AtomicInteger poisonRuns = new AtomicInteger();
    Worker<Object> w = bp.worker(name, Object.class, j -> {
      if (j.name().equals("poison")) {
        poisonRuns.incrementAndGet();
        return hang();
      }
      done.add(j.id());
      return "ok";
    }, WorkerOptions.builder().concurrency(1).build());
    Job<Object> poison = queue.add("poison", Map.of(), JobOptions.builder()
        .timeout(Duration.ofMillis(300)).attempts(2).build());
    for (int i = 0; i < 10; i++) {
      queue.add("good", Map.of("i", i));
    }

    await().atMost(WAIT).until(() -> queue.getState(poison.id()) == JobState.FAILED
        && done.size() == 10);
    Job<Object> failed = queue.getJob(poison.id()).orElseThrow();
    assertThat(failed.failedReason()).isEqualTo("job timed out after 300 ms");
    assertThat(failed.attemptsMade()).isEqualTo(2);
    assertThat(poisonRuns).hasValue(2);
    assertThat(failed.optsJson()).contains("\"" + JobOptions.TIMEOUT_KEY + "\":300");
    assertThat(queue.getJobCounts().completed()).isEqualTo(10);
    await().atMost(WAIT).until(() -> w.activeCount() == 0);
    // the worker still takes work: one slot, two handler threads stuck forever
    Job<Object> after = queue.add("good", Map.of("i", 99));
    await().atMost(WAIT).until(() -> done.contains(after.id()));
  }

  @Test
  void workerTimeoutAppliesToJobsWithoutTheirOwnAndInterruptsTheHandler() {
    AtomicInteger interrupted = new AtomicInteger();
    bp.worker(name, Object.class, j -> {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return null;
    }, WorkerOptions.builder().jobTimeout(Duration.ofMillis(200)).build());
    Job<Object> job = queue.add("slow", Map.of());

    await().atMost(WAIT).until(() -> queue.getState(job.id()) == JobState.FAILED);
    assertThat(queue.getJob(job.id()).orElseThrow().failedReason())
        .isEqualTo("job timed out after 200 ms");
    await().atMost(WAIT).untilAsserted(() -> assertThat(interrupted).hasValue(1));
  }

  @Test
  void alwaysThrowingJobFailsAfterItsAttemptsWithItsReason() {
    Set<String> done = ConcurrentHashMap.newKeySet();
    AtomicInteger runs = new AtomicInteger();
    bp.worker(name, Object.class, j -> {
      if (j.name().equals("poison")) {
        runs.incrementAndGet();
        throw new IllegalStateException("cannot parse invoice");
      }
      done.add(j.id());
      return null;
    }, WorkerOptions.builder().concurrency(2).build());
    Job<Object> poison = queue.add("poison", Map.of(), JobOptions.builder().attempts(3)
        .backoff(Backoff.fixed(Duration.ofMillis(50))).build());
    for (int i = 0; i < 10; i++) {
      queue.add("good", Map.of("i", i));
    }

    await().atMost(WAIT).until(() -> queue.getState(poison.id()) == JobState.FAILED
        && done.size() == 10);
    Job<Object> failed = queue.getJob(poison.id()).orElseThrow();
    assertThat(failed.failedReason()).isEqualTo("cannot parse invoice");
    assertThat(failed.attemptsMade()).isEqualTo(3);
    assertThat(runs).hasValue(3);
    assertThat(queue.getJobs(JobState.FAILED, 0, -1, true)).extracting(Job::id)
        .containsExactly(poison.id());
  }

  @Test
  void aHandlerFinishingInTimeIsNotTouched() {
    bp.worker(name, Object.class, j -> "fine",
        WorkerOptions.builder().jobTimeout(Duration.ofSeconds(20)).build());
    List<Job<Object>> jobs = List.of(queue.add("a", Map.of()), queue.add("b", Map.of()));
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 2);
    assertThat(jobs).allSatisfy(j -> assertThat(queue.getJob(j.id()).orElseThrow()
        .returnValueJson()).isEqualTo("\"fine\""));
  }

  @Test
  void timeoutsAreValidated() {
    assertThatThrownBy(() -> JobOptions.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> WorkerOptions.builder().jobTimeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jobTimeout");
    assertThat(JobOptions.builder().timeout(Duration.ofSeconds(2)).build().timeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(JobOptions.DEFAULT.timeout()).isNull();
  }
}
