package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.JobOptions;
import dev.bullpen.Queue;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.MutableClock;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Metrics correctness on a known workload. The client's clock is a {@link MutableClock} that only
 * the handler moves, so every job's timestamps are known in advance: the figures must match
 * exactly (percentiles are nearest-rank over exact samples; nothing is approximated at this
 * size).
 */
@RedisTest
class CoordinatorMetricsIT {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final RedisServer redis;
  private final MutableClock clock = MutableClock.at(T0);
  private Bullpen bp;
  private Coordinator coordinator;
  private SimpleMeterRegistry registry;
  private String timed;
  private String mixed;

  CoordinatorMetricsIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.builder().uri(redis.uri()).clock(clock).build();
    timed = TestNames.uniqueQueue("timed");
    mixed = TestNames.uniqueQueue("mixed");
    registry = new SimpleMeterRegistry();
    coordinator = Coordinator.start(bp, CoordinatorOptions.builder().queues(timed, mixed)
        .refreshInterval(Duration.ofHours(1)).maintenanceInterval(Duration.ofHours(1))
        .instanceId("metrics-" + timed).build(), registry);
  }

  @AfterEach
  void tearDown() {
    coordinator.close();
    bp.close();
  }

  private QueueMetrics refreshUntil(String queue, long finished) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      coordinator.refresh();
      QueueMetrics m = coordinator.metrics(queue);
      return m.completed() + m.failed() >= finished;
    });
    return coordinator.metrics(queue);
  }

  @Test
  void knownWorkloadGivesExactCountsRatesAndPercentiles() {
    Queue<Object> q = bp.queue(timed);
    for (int i = 0; i < 20; i++) {
      q.add("step", Map.of("ms", (i + 1) * 100));
    }
    // One worker, one slot: job i starts when job i-1 finishes, and its handler moves the clock
    // by (i+1) * 100 ms. So processing_i = (i+1)*100 and wait_i = 100 * i(i+1)/2.
    bp.worker(timed, Map.class, j -> {
      clock.advance(Duration.ofMillis(((Number) j.data().get("ms")).longValue()));
      return null;
    }, WorkerOptions.builder().concurrency(1).build());
    await().atMost(Duration.ofSeconds(20)).until(() -> q.getJobCounts().completed() == 20);

    QueueMetrics m = refreshUntil(timed, 20);
    assertThat(m.completed()).isEqualTo(20);
    assertThat(m.failed()).isZero();
    assertThat(m.failureRate()).isZero();
    assertThat(m.processingTime()).isEqualTo(new TimingStats(20, Duration.ofMillis(1050),
        Duration.ofMillis(1000), Duration.ofMillis(1900), Duration.ofMillis(2000)));
    assertThat(m.waitTime()).isEqualTo(new TimingStats(20, Duration.ofMillis(6650),
        Duration.ofMillis(4500), Duration.ofMillis(17100), Duration.ofMillis(19000)));
    // total_i = wait_i + processing_i: mean 7700; p50 = total_9 = 4500 + 1000, ...
    assertThat(m.totalTime()).isEqualTo(new TimingStats(20, Duration.ofMillis(7700),
        Duration.ofMillis(5500), Duration.ofMillis(19000), Duration.ofMillis(21000)));
    // Watched for 21 s: rates are over the first minute (the shortest span used).
    assertThat(m.window()).isEqualTo(Duration.ofMinutes(1));
    assertThat(m.throughputPerMinute()).isEqualTo(20.0);
    assertThat(m.backlog()).isZero();
    assertThat(m.counts().completed()).isEqualTo(20);
    assertThat(m.at()).isEqualTo(T0.plusMillis(21_000));

    // The same figures reach Micrometer, tagged by queue only.
    assertThat(registry.get("bullpen.queue.finished").tags("queue", timed, "state", "completed")
        .counter().count()).isEqualTo(20.0);
    assertThat(registry.get("bullpen.queue.processing").tags("queue", timed).timer().count())
        .isEqualTo(20);
    assertThat(registry.get("bullpen.queue.processing").tags("queue", timed).timer()
        .max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(2000.0);
    assertThat(registry.get("bullpen.queue.throughput").tags("queue", timed).gauge().value())
        .isEqualTo(20.0);
    assertThat(registry.get("bullpen.queue.jobs").tags("queue", timed, "state", "completed")
        .gauge().value()).isEqualTo(20.0);
  }

  @Test
  void failureRateBacklogAndWindowFollowTheWorkload() {
    Queue<Object> q = bp.queue(mixed);
    for (int i = 0; i < 10; i++) {
      q.add("job", Map.of("fail", i < 3), JobOptions.builder().attempts(1).build());
    }
    // A retried attempt is not a failure: this job fails once, then completes.
    q.add("flaky", Map.of("fail", false, "flaky", true),
        JobOptions.builder().attempts(2).build());
    java.util.Set<String> flakySeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    bp.worker(mixed, Map.class, j -> {
      if (Boolean.TRUE.equals(j.data().get("flaky")) && flakySeen.add(j.id())) {
        throw new IllegalStateException("first attempt fails");
      }
      if (Boolean.TRUE.equals(j.data().get("fail"))) {
        throw new IllegalStateException("boom");
      }
      return "ok";
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      var c = q.getJobCounts();
      return c.completed() == 8 && c.failed() == 3;
    });
    QueueMetrics m = refreshUntil(mixed, 11);
    assertThat(m.completed()).isEqualTo(8);
    assertThat(m.failed()).isEqualTo(3);
    assertThat(m.failureRate()).isEqualTo(3 / 11.0);
    assertThat(m.throughputPerMinute()).isEqualTo(11.0);

    // Jobs added while nobody works are the backlog.
    clock.advance(Duration.ofMinutes(2));
    try (Queue<Object> other = bp.queue(mixed)) {
      other.pause();
      for (int i = 0; i < 4; i++) {
        other.add("later", Map.of());
      }
      coordinator.refresh();
      m = coordinator.metrics(mixed);
      assertThat(m.backlog()).isEqualTo(4);
      // Two minutes watched: the same 11 jobs are now spread over two minutes.
      assertThat(m.window()).isEqualTo(Duration.ofMinutes(2));
      assertThat(m.throughputPerMinute()).isEqualTo(5.5);
      // Past the five-minute window they are forgotten.
      clock.advance(Duration.ofMinutes(4));
      coordinator.refresh();
      m = coordinator.metrics(mixed);
      assertThat(m.completed() + m.failed()).isZero();
      assertThat(m.waitTime()).isEqualTo(TimingStats.EMPTY);
      assertThat(m.window()).isEqualTo(CoordinatorOptions.DEFAULT_WINDOW);
    }
  }

  @Test
  void leaderWritesBullMqPerMinuteMetricsReadBackAsHistory() {
    Queue<Object> q = bp.queue(timed);
    bp.worker(timed, Map.class, j -> {
      if (Boolean.TRUE.equals(j.data().get("fail"))) {
        throw new IllegalStateException("boom");
      }
      return null;
    });
    await().atMost(Duration.ofSeconds(10)).until(coordinator::isLeader);
    for (int i = 0; i < 6; i++) {
      q.add("a", Map.of("fail", i == 0));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      var c = q.getJobCounts();
      return c.completed() == 5 && c.failed() == 1;
    });
    refreshUntil(timed, 6);
    clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 3; i++) {
      q.add("b", Map.of("fail", false));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> q.getJobCounts().completed() == 8);
    refreshUntil(timed, 9);

    String meta = "bull:" + timed + ":metrics:completed";
    // BullMQ's layout: count 8; minute 10:00 had 5, 10:01 none (newest first); 10:02 is open.
    assertThat(redis.command("HGET", meta, "count")).isEqualTo("8");
    assertThat(redis.command("LRANGE", meta + ":data", "0", "-1")).isEqualTo("0\n5");
    assertThat(redis.command("HGET", meta, "prevCount")).isEqualTo("5");
    assertThat(redis.command("HGET", "bull:" + timed + ":metrics:failed", "count"))
        .isEqualTo("1");

    List<ThroughputMinute> history = coordinator.throughputHistory(timed);
    assertThat(history).containsExactly(
        new ThroughputMinute(T0, 5, 1),
        new ThroughputMinute(T0.plusSeconds(60), 0, 0),
        new ThroughputMinute(T0.plusSeconds(120), 3, 0));

    // Refreshing again counts nothing twice.
    coordinator.refresh();
    assertThat(redis.command("HGET", meta, "count")).isEqualTo("8");
  }

  @Test
  void unknownQueuesAreRefusedClearly() {
    assertThatThrownBy(() -> coordinator.metrics("nope"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> coordinator.watch("a:b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
    assertThat(coordinator.watch(TestNames.uniqueQueue("absent"))).isFalse();
    assertThat(coordinator.queues()).containsExactlyInAnyOrder(timed, mixed);
  }
}
