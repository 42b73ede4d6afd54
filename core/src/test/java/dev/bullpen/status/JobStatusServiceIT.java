package dev.bullpen.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The status service on a real redis-server: events keep it exact, reads coalesce, outages. */
@RedisTest
class JobStatusServiceIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** So long that only events can refresh a view during a test. */
  private static final StatusOptions NO_TTL = StatusOptions.builder()
      .activeTtl(Duration.ofHours(1)).finishedTtl(Duration.ofHours(1)).build();

  private static JobState stateOf(JobStatusService s, String q, String id) {
    return s.get(q, id).map(JobView::state).orElse(JobState.UNKNOWN);
  }

  @Test
  void cacheFollowsEveryStateChangeThroughEventsAlone(RedisServer redis) throws Exception {
    String q = TestNames.uniqueQueue("status-exact");
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobStatusService status = JobStatusService.create(bp, NO_TTL)) {
      Queue<Object> queue = bp.queue(q);
      Job<Object> job = queue.add("render", 1, JobOptions.builder().delay(Duration.ofHours(1))
          .attempts(2).backoff(Backoff.fixed(Duration.ofMillis(1))).build());
      String id = job.id();
      assertThat(stateOf(status, q, id)).isEqualTo(JobState.DELAYED);

      job.promote();
      await().atMost(WAIT).until(() -> stateOf(status, q, id) == JobState.WAITING);

      CountDownLatch[] steps = {new CountDownLatch(1), new CountDownLatch(1),
        new CountDownLatch(1)};
      Worker<Object> worker = bp.worker(q, Object.class, j -> {
        if (j.attemptsMade() == 0) {
          steps[0].await(10, TimeUnit.SECONDS);
          throw new IllegalStateException("first attempt fails");
        }
        j.updateProgress(50);
        steps[1].await(10, TimeUnit.SECONDS);
        j.updateProgress(90);
        steps[2].await(10, TimeUnit.SECONDS);
        return "done";
      }, WorkerOptions.builder().name("status-it").build());
      try {
        await().atMost(WAIT).until(() -> stateOf(status, q, id) == JobState.ACTIVE);
        long readsWhileActive = status.counters().redisReads();
        steps[0].countDown();
        await().atMost(WAIT).until(() -> status.get(q, id).orElseThrow().attemptsMade() == 1
            && "50".equals(status.get(q, id).orElseThrow().progressJson()));
        long readsBeforeProgress = status.counters().redisReads();
        steps[1].countDown();
        await().atMost(WAIT).until(() -> "90".equals(status.get(q, id).orElseThrow()
            .progressJson()));
        assertThat(status.counters().redisReads()).as("progress needs no read")
            .isEqualTo(readsBeforeProgress);
        steps[2].countDown();
        await().atMost(WAIT).until(() -> stateOf(status, q, id) == JobState.COMPLETED);
        JobView done = status.get(q, id).orElseThrow();
        assertThat(done.returnValueJson()).isEqualTo("\"done\"");
        assertThat(done.finishedOn()).isNotNull();
        assertThat(status.counters().redisReads() - readsWhileActive)
            .as("a handful of reads for a retry and a completion, whatever the polling")
            .isLessThan(10);

        job.retry(); // runs again at once: the view must show the new run, not the old one
        await().atMost(WAIT).until(() -> {
          JobView v = status.get(q, id).orElseThrow();
          return v.state() == JobState.COMPLETED && !v.etag().equals(done.etag());
        });

        long before = status.counters().redisReads();
        for (int i = 0; i < 500; i++) {
          status.get(q, id);
        }
        assertThat(status.counters().redisReads()).isEqualTo(before);
      } finally {
        worker.close();
      }
      queue.remove(id);
      await().atMost(WAIT).until(() -> status.get(q, id).isEmpty());
    }
  }

  @Test
  void concurrentReadersOfOneUncachedJobCauseOneRedisRead(RedisServer redis) throws Exception {
    String q = TestNames.uniqueQueue("status-coalesce");
    try (Bullpen bp = Bullpen.connect(redis.uri());
        JobStatusService status = JobStatusService.create(bp)) {
      Queue<Object> queue = bp.queue(q);
      status.get(q, queue.add("warmup", 0).id()); // follows the queue's events
      String id = queue.add("render", 1).id();
      int readers = 64;
      CyclicBarrier start = new CyclicBarrier(readers);
      ExecutorService pool = Executors.newFixedThreadPool(readers);
      long reads = status.counters().redisReads();
      long hgetalls = calls(redis, "hgetall");
      try {
        List<Future<Optional<JobView>>> answers = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
          answers.add(pool.submit(() -> {
            start.await();
            return status.get(q, id);
          }));
        }
        for (Future<Optional<JobView>> a : answers) {
          assertThat(a.get(10, TimeUnit.SECONDS)).get().extracting(JobView::state)
              .isEqualTo(JobState.WAITING);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(status.counters().redisReads() - reads).isEqualTo(1);
      assertThat(calls(redis, "hgetall") - hgetalls).as("HGETALLs seen by the server")
          .isEqualTo(1);
    }
  }

  private static long calls(RedisServer redis, String command) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + command
        + ":calls=(\\d+)").matcher(redis.command("INFO", "commandstats"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void stoppedRedisGivesStaleAnswersWithinTheTimeoutAndRecovers() throws Exception {
    String q = TestNames.uniqueQueue("status-outage");
    Duration readTimeout = Duration.ofMillis(500);
    try (RedisServer redis = RedisServer.builder().arg("--appendonly", "yes",
            "--appendfsync", "always").start();
        Bullpen bp = Bullpen.builder().uri(redis.uri()).commandTimeout(Duration.ofSeconds(1))
            .build();
        JobStatusService status = JobStatusService.create(bp, NO_TTL.toBuilder()
            .readTimeout(readTimeout).failureThreshold(3).openDuration(Duration.ofMillis(500))
            .build())) {
      Queue<Object> queue = bp.queue(q);
      String id = queue.add("render", 1).id();
      String other = queue.add("render", 2).id();
      assertThat(status.get(q, id).orElseThrow().stale()).isFalse();

      redis.stop();
      long t0 = System.nanoTime();
      await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
        long c0 = System.nanoTime();
        boolean stale = status.get(q, id).orElseThrow().stale();
        assertThat(Duration.ofNanos(System.nanoTime() - c0)).as("one call")
            .isLessThan(readTimeout.plusMillis(300));
        return stale;
      });
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("flagged within ping + timeout")
          .isLessThan(Duration.ofSeconds(4));
      JobView stale = status.get(q, id).orElseThrow();
      assertThat(stale.age()).isPositive();
      long c0 = System.nanoTime();
      assertThatThrownBy(() -> status.get(q, other))
          .isInstanceOf(StatusUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - c0)).isLessThan(
          readTimeout.plusMillis(300));

      redis.restart();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> !status.get(q, id).orElseThrow().stale());
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        try {
          return status.get(q, other).isPresent();
        } catch (StatusUnavailableException e) {
          return false;
        }
      });
      assertThat(status.circuitState()).isEqualTo(CircuitState.CLOSED);
      // The events reader is back too: a change shows without any TTL.
      queue.remove(id);
      await().atMost(Duration.ofSeconds(20)).until(() -> status.get(q, id).isEmpty());
    }
  }
}
