package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Redis faults: restarts, pauses. Each test starts its own server, since it kills or freezes it.
 * "Lost" means a job whose add returned that is, at the end, neither completed nor failed.
 */
class FaultIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void callsFailWithinTheTimeoutWhileRedisIsFrozenAndWorkersCarryOnAfter() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Bullpen bp = Bullpen.builder().uri(redis.uri())
            .commandTimeout(Duration.ofMillis(500)).build()) {
      String q = TestNames.uniqueQueue("frozen");
      Queue<Object> queue = bp.queue(q);
      Set<String> done = ConcurrentHashMap.newKeySet();
      bp.worker(q, Object.class, j -> done.add(j.id()),
          WorkerOptions.builder().drainDelay(Duration.ofSeconds(1)).build());
      queue.add("before", 1);
      await().atMost(WAIT).until(() -> done.contains("1"));

      redis.pause();
      long start = System.nanoTime();
      assertThatThrownBy(() -> queue.add("during", 2))
          .isInstanceOf(RedisUnavailableException.class).hasMessageContaining("500 ms");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMs).isLessThan(3000);
      assertThatThrownBy(queue::getJobCounts).isInstanceOf(RedisUnavailableException.class);
      Thread.sleep(1500);
      redis.resume();

      // The failed add may or may not have reached Redis before the freeze; either way the
      // queue works again and a new job is processed.
      await().atMost(WAIT).ignoreExceptions().until(() -> queue.add("after", 3) != null);
      await().atMost(WAIT).until(() -> queue.getJobCounts().unfinished() == 0);
      assertThat(done).contains("1");
      assertThat(queue.getJobCounts().completed()).isEqualTo(done.size());
    }
  }

  @Test
  void workersAndListenersReconnectAfterARestart() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Bullpen bp = Bullpen.builder().uri(redis.uri())
            .commandTimeout(Duration.ofSeconds(1)).build()) {
      String q = TestNames.uniqueQueue("restart");
      Queue<Object> queue = bp.queue(q);
      Set<String> done = ConcurrentHashMap.newKeySet();
      List<String> completedEvents = new ArrayList<>();
      bp.queueEvents(q).addListener(e -> {
        if ("completed".equals(e.event())) {
          synchronized (completedEvents) {
            completedEvents.add(e.jobId());
          }
        }
      });
      bp.worker(q, Object.class, j -> done.add(j.dataJson()),
          WorkerOptions.builder().drainDelay(Duration.ofSeconds(1)).build());
      queue.add("before", "a");
      await().atMost(WAIT).until(() -> done.contains("\"a\""));

      redis.restart();
      // Without persistence the restart wiped Redis: that is a loss of Redis data, and the
      // job counter starts again at 1.
      await().atMost(WAIT).ignoreExceptions().until(() -> queue.add("after", "b") != null);
      await().atMost(WAIT).until(() -> done.contains("\"b\""));
      await().atMost(WAIT).until(() -> {
        synchronized (completedEvents) {
          return completedEvents.size() >= 2;
        }
      });
    }
  }

  @Test
  void acceptedJobsSurviveAKillWithAppendOnlyAlways() {
    try (RedisServer redis = RedisServer.builder()
        .arg("--appendonly", "yes", "--appendfsync", "always").start()) {
      String q = TestNames.uniqueQueue("aof");
      List<NewJob<Object>> jobs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        jobs.add(NewJob.of("keep", Map.of("n", i)));
      }
      try (Bullpen bp = Bullpen.connect(redis.uri())) {
        bp.queue(q).addBulk(jobs);
        bp.queue(q).add("one-more", 1);
      }
      redis.kill();
      redis.restart();
      try (Bullpen bp = Bullpen.connect(redis.uri())) {
        Queue<Object> queue = bp.queue(q);
        assertThat(queue.getJobCounts().waiting()).isEqualTo(201);
        bp.worker(q, Object.class, j -> null, WorkerOptions.builder().concurrency(20).build());
        await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 201);
        assertThat(queue.getJobCounts().unfinished()).isZero();
      }
    }
  }

  @Test
  void connectingToNothingFailsClearlyAndQuickly() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> Bullpen.builder().uri("redis://127.0.0.1:1")
        .commandTimeout(Duration.ofMillis(500)).build())
        .isInstanceOf(RedisUnavailableException.class).hasMessageContaining("127.0.0.1:1");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
    assertThatThrownBy(() -> Bullpen.connect("http://example")).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("redis://");
  }
}
