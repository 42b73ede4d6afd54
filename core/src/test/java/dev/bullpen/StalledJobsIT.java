package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stalled-job recovery with real process faults. "Lost" here means: a job that was added is,
 * at the end, neither completed nor failed nor waiting to run. Each test checks that no job is
 * lost and counts how many ran twice.
 */
@RedisTest
class StalledJobsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  static Process startChild(RedisServer redis, String queue, int concurrency, long lockMs,
      long stalledMs, long holdMs) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ChildWorkerMain.class.getName(), redis.uri(), queue, Integer.toString(concurrency),
        Long.toString(lockMs), Long.toString(stalledMs), Long.toString(holdMs));
    pb.redirectErrorStream(true);
    return pb.start();
  }

  /** Reads the child's output until {@code count} lines start with {@code prefix}. */
  static List<String> awaitLines(Process p, String prefix, int count) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    List<String> hits = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (hits.size() < count && System.nanoTime() < deadline) {
      String line = r.readLine();
      if (line == null) {
        throw new AssertionError("child exited early:\n" + all);
      }
      all.append(line).append('\n');
      if (line.startsWith(prefix)) {
        hits.add(line.substring(prefix.length()).trim());
      }
    }
    assertThat(hits).as("child output:\n" + all).hasSize(count);
    return hits;
  }

  @Test
  void jobsOfAKilledWorkerProcessAreRecoveredByAnotherWorker(RedisServer redis)
      throws Exception {
    String q = TestNames.uniqueQueue("stall");
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      Queue<Object> queue = bp.queue(q);
      for (int i = 0; i < 5; i++) {
        queue.add("video", Map.of("n", i));
      }
      Process child = startChild(redis, q, 5, 1500, 500, 600_000);
      try {
        List<String> taken = awaitLines(child, "ACTIVE ", 5);
        assertThat(taken).containsExactlyInAnyOrder("1", "2", "3", "4", "5");
      } finally {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      assertThat(queue.getJobCounts().active()).isEqualTo(5);

      Map<String, Integer> runs = new ConcurrentHashMap<>();
      Set<String> stalledSeen = ConcurrentHashMap.newKeySet();
      bp.worker(q, Object.class, j -> runs.merge(j.id(), 1, Integer::sum),
          WorkerOptions.builder().concurrency(5).stalledInterval(Duration.ofMillis(500)).build())
          .addListener(new WorkerListener<>() {
            @Override
            public void onStalled(String jobId) {
              stalledSeen.add(jobId);
            }
          });
      await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 5);
      assertThat(runs).containsOnlyKeys("1", "2", "3", "4", "5");
      assertThat(runs.values()).allMatch(n -> n == 1);
      for (String id : runs.keySet()) {
        Job<Object> job = queue.getJob(id).orElseThrow();
        assertThat(job.stalledCounter()).isEqualTo(1);
        assertThat(job.attemptsStarted()).isEqualTo(2);
        assertThat(job.returnValueJson()).isEqualTo("1");
      }
      JobCounts counts = queue.getJobCounts();
      assertThat(counts.unfinished()).isZero();
      assertThat(counts.failed()).isZero();
      String events = redis.command("XRANGE", "bull:" + q + ":events", "-", "+");
      assertThat(events).contains("stalled");
    }
  }

  @Test
  void aFrozenWorkersLateCompletionIsRejected(RedisServer redis) throws Exception {
    String q = TestNames.uniqueQueue("frozen");
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      Queue<Object> queue = bp.queue(q);
      queue.add("job", 1);
      // Child holds the job 4 s with a 1 s lock; we freeze it so it cannot renew.
      Process child = startChild(redis, q, 1, 1000, 500, 4000);
      try {
        awaitLines(child, "ACTIVE ", 1);
        new ProcessBuilder("kill", "-STOP", Long.toString(child.pid())).start().waitFor();
        Map<String, Integer> runs = new ConcurrentHashMap<>();
        bp.worker(q, Object.class, j -> runs.merge(j.id(), 1, Integer::sum),
            WorkerOptions.builder().stalledInterval(Duration.ofMillis(400)).build());
        await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1);
        new ProcessBuilder("kill", "-CONT", Long.toString(child.pid())).start().waitFor();
        // The child wakes, its handler returns, and its finish is rejected by the lock check.
        awaitLines(child, "DONE ", 1);
        Thread.sleep(500);
        Job<Object> job = queue.getJob("1").orElseThrow();
        assertThat(job.returnValueJson()).isEqualTo("1");
        assertThat(job.attemptsMade()).isEqualTo(1);
        assertThat(redis.command("ZCARD", "bull:" + q + ":completed")).isEqualTo("1");
        assertThat(runs).containsEntry("1", 1);
      } finally {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aJobStalledMoreThanMaxStalledCountFailsWithoutRunning(RedisServer redis)
      throws Exception {
    String q = TestNames.uniqueQueue("maxstall");
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      Queue<Object> queue = bp.queue(q);
      queue.add("job", 1);
      QueueContext ctx = new QueueContext(bp, q);
      for (int stall = 1; stall <= 2; stall++) {
        // A "worker" takes the job with a 50 ms lock and vanishes.
        ctx.eval(bp.scripts().moveToActive, ctx.keys.base(), Long.toString(ctx.now()), "1",
            "ghost:" + stall + ":", "50", "0", "0", "");
        Thread.sleep(100);
        for (int check = 0; check < 2; check++) {
          redis.command("DEL", "bull:" + q + ":stalled-check");
          ctx.eval(bp.scripts().moveStalledJobsToWait, ctx.keys.base(), "1",
              Long.toString(ctx.now()), "1000");
        }
        assertThat(queue.getState("1")).isEqualTo(JobState.WAITING);
        assertThat(queue.getJob("1").orElseThrow().stalledCounter()).isEqualTo(stall);
      }
      assertThat(queue.getJob("1").orElseThrow().deferredFailure())
          .contains("job stalled more than allowable limit");
      Map<String, Integer> runs = new ConcurrentHashMap<>();
      bp.worker(q, Object.class, j -> runs.merge(j.id(), 1, Integer::sum));
      await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);
      assertThat(runs).isEmpty();
      assertThat(queue.getJob("1").orElseThrow().failedReason())
          .isEqualTo("job stalled more than allowable limit");
    }
  }
}
