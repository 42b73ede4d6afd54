package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.MutableClock;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retry timing checked on a test clock: the clock moves, the test never sleeps for backoff. */
@RedisTest
class BackoffIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static String score(RedisServer redis, String q, String id) {
    return redis.command("ZSCORE", "bull:" + q + ":delayed", id);
  }

  @Test
  void exponentialBackoffDoublesTheDelayOnTheTestClock(RedisServer redis) {
    MutableClock clock = MutableClock.at(Instant.parse("2026-11-25T12:00:00Z"));
    String q = TestNames.uniqueQueue("backoff");
    try (Bullpen bp = Bullpen.builder().uri(redis.uri()).clock(clock).build()) {
      Queue<Object> queue = bp.queue(q);
      queue.add("flaky", 1, JobOptions.builder().attempts(3)
          .backoff(Backoff.exponential(Duration.ofSeconds(10))).build());
      AtomicInteger runs = new AtomicInteger();
      bp.worker(q, Object.class, j -> {
        runs.incrementAndGet();
        throw new IllegalStateException("fail " + runs.get());
      }, WorkerOptions.builder().drainDelay(Duration.ofMillis(100)).build());

      long t0 = clock.millis();
      await().atMost(WAIT).until(() -> score(redis, q, "1") != null);
      assertThat(score(redis, q, "1")).isEqualTo(Long.toString((t0 + 10_000) * 4096));
      assertThat(queue.getJob("1").orElseThrow().delayMs()).isEqualTo(10_000);
      assertThat(runs.get()).isEqualTo(1);

      clock.advance(Duration.ofMillis(9_999));
      // Not due yet: the worker polls (drainDelay 100 ms) but leaves it delayed.
      await().pollDelay(Duration.ofMillis(400)).atMost(WAIT).until(() -> true);
      assertThat(runs.get()).isEqualTo(1);

      clock.advance(Duration.ofMillis(1));
      long t1 = clock.millis();
      await().atMost(WAIT).until(() -> runs.get() == 2 && score(redis, q, "1") != null);
      assertThat(score(redis, q, "1")).isEqualTo(Long.toString((t1 + 20_000) * 4096));
      assertThat(queue.getJob("1").orElseThrow().attemptsMade()).isEqualTo(2);

      clock.advance(Duration.ofSeconds(20));
      await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);
      Job<Object> job = queue.getJob("1").orElseThrow();
      assertThat(job.attemptsMade()).isEqualTo(3);
      assertThat(job.failedReason()).isEqualTo("fail 3");
      assertThat(job.finishedOn().toEpochMilli()).isEqualTo(clock.millis());
    }
  }

  @Test
  void fixedBackoffWaitsTheSameEachTime(RedisServer redis) {
    MutableClock clock = MutableClock.at(Instant.parse("2026-11-25T12:00:00Z"));
    String q = TestNames.uniqueQueue("fixed");
    try (Bullpen bp = Bullpen.builder().uri(redis.uri()).clock(clock).build()) {
      Queue<Object> queue = bp.queue(q);
      queue.add("flaky", 1, JobOptions.builder().attempts(3)
          .backoff(Backoff.fixed(Duration.ofSeconds(5))).build());
      AtomicInteger runs = new AtomicInteger();
      bp.worker(q, Object.class, j -> {
        if (runs.incrementAndGet() < 3) {
          throw new IllegalStateException("again");
        }
        return "ok";
      }, WorkerOptions.builder().drainDelay(Duration.ofMillis(100)).build());
      for (int attempt = 1; attempt <= 2; attempt++) {
        int expected = attempt;
        await().atMost(WAIT).until(() -> runs.get() == expected && score(redis, q, "1") != null);
        assertThat(score(redis, q, "1"))
            .isEqualTo(Long.toString((clock.millis() + 5_000) * 4096));
        clock.advance(Duration.ofSeconds(5));
      }
      await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1);
      assertThat(queue.getJob("1").orElseThrow().attemptsMade()).isEqualTo(3);
    }
  }

  @Test
  void backoffFormulaMatchesBullmq() {
    Backoff exp = Backoff.exponential(Duration.ofMillis(1000));
    assertThat(exp.delayFor(1, 0)).isEqualTo(1000);
    assertThat(exp.delayFor(2, 0)).isEqualTo(2000);
    assertThat(exp.delayFor(3, 0)).isEqualTo(4000);
    Backoff jittered = Backoff.fixed(Duration.ofMillis(1000)).withJitter(0.5);
    assertThat(jittered.delayFor(1, 0)).isEqualTo(500);
    assertThat(jittered.delayFor(1, 0.999)).isBetween(500L, 999L);
    assertThat(Backoff.custom("x", Duration.ZERO).delayFor(1, 0)).isEqualTo(-1);
  }
}
