package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lock renewal, lock loss and graceful shutdown. */
@RedisTest
class LockAndShutdownIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final RedisServer redis;
  private Bullpen bp;
  private String name;
  private Queue<Object> queue;

  LockAndShutdownIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.connect(redis.uri());
    name = TestNames.uniqueQueue("lock");
    queue = bp.queue(name);
  }

  @AfterEach
  void tearDown() {
    bp.close();
  }

  private String key(String suffix) {
    return "bull:" + name + ":" + suffix;
  }

  @Test
  void locksAreRenewedWhileAHandlerRunsLongerThanTheLock() {
    queue.add("long", 1);
    bp.worker(name, Object.class, j -> {
      Thread.sleep(2500);
      return "finished";
    }, WorkerOptions.builder().lockDuration(Duration.ofMillis(800))
        .stalledInterval(Duration.ofMillis(300)).build());
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1);
    Job<Object> job = queue.getJob("1").orElseThrow();
    assertThat(job.stalledCounter()).isZero();
    assertThat(job.attemptsStarted()).isEqualTo(1);
    assertThat(job.returnValueJson()).isEqualTo("\"finished\"");
  }

  @Test
  void lostLockIsReportedAndTheLateFinishWritesNothing() throws Exception {
    queue.add("victim", 1);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> lost = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Worker<Object> w = bp.worker(name, Object.class, j -> {
      started.countDown();
      release.await(20, TimeUnit.SECONDS);
      return "late";
    }, WorkerOptions.builder().lockDuration(Duration.ofSeconds(2))
        .lockRenewTime(Duration.ofMillis(200)).skipStalledCheck(true).build());
    w.addListener(new WorkerListener<>() {
      @Override
      public void onLockLost(String jobId) {
        lost.add(jobId);
      }

      @Override
      public void onError(Throwable error) {
        errors.add(error);
      }
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    redis.command("SET", key("1:lock"), "someone-else", "PX", "60000");
    await().atMost(WAIT).until(() -> lost.contains("1"));
    release.countDown();
    await().atMost(WAIT).until(() -> errors.stream().anyMatch(e -> e instanceof LockLostException));
    assertThat(queue.getJobCounts().completed()).isZero();
    assertThat(queue.getJob("1").orElseThrow().returnValueJson()).isNull();
    assertThat(redis.command("GET", key("1:lock"))).isEqualTo("someone-else");
  }

  @Test
  void closeLetsRunningJobsFinish() {
    queue.add("short", 1);
    Worker<Object> w = bp.worker(name, Object.class, j -> {
      Thread.sleep(400);
      return "ok";
    });
    await().atMost(WAIT).until(() -> w.activeCount() == 1);
    w.close(Duration.ofSeconds(10));
    assertThat(queue.getJobCounts().completed()).isEqualTo(1);
    assertThat(w.isRunning()).isFalse();
  }

  @Test
  void closeHandsBackJobsThatOverrunTheShutdownTimeout() throws Exception {
    queue.add("first", 1);
    queue.add("second", 2);
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    Worker<Object> w = bp.worker(name, Object.class, j -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw e;
      }
      return "never";
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    w.close(Duration.ofMillis(300));
    await().atMost(WAIT).until(interrupted::get);
    Thread.sleep(300);
    // Job 1 is back at the front of wait, no attempt counted, no lock left behind.
    assertThat(queue.getJobs(JobState.WAITING, 0, -1, true)).extracting(Job::id)
        .containsExactly("1", "2");
    Job<Object> job = queue.getJob("1").orElseThrow();
    assertThat(job.attemptsMade()).isZero();
    assertThat(job.failedReason()).isNull();
    assertThat(redis.command("EXISTS", key("1:lock"))).isEqualTo("0");
    assertThat(queue.getJobCounts().active()).isZero();
    // Another worker picks it up first.
    List<String> order = new CopyOnWriteArrayList<>();
    bp.worker(name, Object.class, j -> order.add(j.id()));
    await().atMost(WAIT).until(() -> order.size() == 2);
    assertThat(order).containsExactly("1", "2");
  }
}
