package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.Queue;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two pools (as two processes would, each with its own client) share one queue under load: they
 * grow to the queue-wide maximum and never beyond it, shrink back to their minimums once the
 * backlog is gone, and lose no job while doing so.
 */
@RedisTest
class WorkerPoolIT {
  private static final int MAX = 4;
  private final RedisServer redis;
  private Bullpen bp1;
  private Bullpen bp2;
  private String name;
  private volatile boolean sampling = true;

  WorkerPoolIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp1 = Bullpen.connect(redis.uri());
    bp2 = Bullpen.connect(redis.uri());
    name = TestNames.uniqueQueue("pool");
  }

  @AfterEach
  void tearDown() {
    sampling = false;
    bp1.close();
    bp2.close();
  }

  private WorkerPoolOptions options(String id, Duration interval) {
    return WorkerPoolOptions.builder().min(1).max(MAX).instanceId(id)
        .scaleInterval(interval).scaleDownDelay(Duration.ofMillis(500))
        .drainTime(Duration.ofSeconds(1)).initialRatePerWorker(10).build();
  }

  @Test
  void twoPoolsGrowToTheSharedMaximumAndShrinkBackWithoutLosingJobs() {
    AtomicInteger runs = new AtomicInteger();
    try (WorkerPool<Object> p1 = WorkerPool.start(bp1, name, Object.class, j -> {
          runs.incrementAndGet();
          Thread.sleep(20);
          return null;
        }, options("one", Duration.ofMillis(100)));
        WorkerPool<Object> p2 = WorkerPool.start(bp2, name, Object.class, j -> {
          runs.incrementAndGet();
          Thread.sleep(20);
          return null;
        }, options("two", Duration.ofMillis(130)));
        Queue<Object> q = bp1.queue(name)) {
      assertThat(p1.current()).isEqualTo(1);
      assertThat(p2.current()).isEqualTo(1);
      AtomicInteger most = new AtomicInteger();
      AtomicReference<String> over = new AtomicReference<>();
      Thread sampler = new Thread(() -> {
        while (sampling) {
          // p1 read on both sides of p2: when unchanged, the sum held at the moment p2 was read.
          int a = p1.current();
          int b = p2.current();
          if (p1.current() != a) {
            continue;
          }
          int total = a + b;
          most.accumulateAndGet(total, Math::max);
          if (total > MAX) {
            over.set(p1 + " + " + p2);
          }
        }
      });
      sampler.setDaemon(true);
      sampler.start();

      for (int i = 0; i < 400; i++) {
        q.add("work", Map.of("i", i));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> most.get() == MAX);
      await().atMost(Duration.ofSeconds(60)).until(() -> q.getJobCounts().completed() == 400);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> p1.current() == 1 && p2.current() == 1);
      sampling = false;

      assertThat(over.get()).as("total above max").isNull();
      assertThat(q.getJobCounts().failed()).isZero();
      assertThat(runs.get()).as("every job ran once").isEqualTo(400);
      assertThat(p1.target()).isEqualTo(1);
      assertThat(p1.ratePerWorker()).as("measured while jobs waited").isNotEqualTo(10.0);
      assertThat(redis.command("HGET", "bull:" + name + ":bullpen:pools", "one")).isEqualTo("1");
      assertThat(redis.command("HGET", "bull:" + name + ":bullpen:pools", "two")).isEqualTo("1");
    }
    assertThat(redis.command("HLEN", "bull:" + name + ":bullpen:pools"))
        .as("closed pools leave the registry").isEqualTo("0");
  }

  @Test
  void aDecisionWaitsWhileAnotherProcessHoldsTheScaleLock() {
    try (WorkerPool<Object> pool = WorkerPool.start(bp1, name, Object.class, j -> null,
            options("solo", Duration.ofHours(1)));
        Queue<Object> q = bp1.queue(name)) {
      q.pause();
      for (int i = 0; i < 100; i++) {
        q.add("work", Map.of());
      }
      redis.command("SET", "bull:" + name + ":bullpen:scale-lock", "someone-else|x", "PX",
          "60000");
      assertThat(pool.rebalance()).isEqualTo(1);
      assertThat(pool.current()).isEqualTo(1);
      redis.command("DEL", "bull:" + name + ":bullpen:scale-lock");
      assertThat(pool.rebalance()).isEqualTo(MAX);
      assertThat(pool.current()).isEqualTo(MAX);
      assertThat(pool.target()).isEqualTo(MAX);
    }
  }

  @Test
  void aCrashedProcessesShareIsFreedWhenItsEntryExpires() {
    // Another process registered 3 workers 10 s ago and never came back.
    redis.command("HSET", "bull:" + name + ":bullpen:pools", "ghost", "3");
    redis.command("ZADD", "bull:" + name + ":bullpen:pools-expiry",
        Long.toString(System.currentTimeMillis() - 10_000), "ghost");
    try (WorkerPool<Object> pool = WorkerPool.start(bp1, name, Object.class, j -> null,
            options("alive", Duration.ofHours(1)));
        Queue<Object> q = bp1.queue(name)) {
      q.pause();
      for (int i = 0; i < 100; i++) {
        q.add("work", Map.of());
      }
      assertThat(pool.rebalance()).isEqualTo(MAX);
      assertThat(redis.command("HEXISTS", "bull:" + name + ":bullpen:pools", "ghost"))
          .isEqualTo("0");
    }
  }
}
