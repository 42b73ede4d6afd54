package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Job;
import dev.bullpen.Queue;
import dev.bullpen.testing.TestNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Manual retries of finished jobs (FORMAT.md 4.4): {@code job.retry(state)} (reprocessJob) and
 * {@code queue.retryJobs()} (moveJobsToWait), done once by BullMQ and once by Bullpen on two
 * queues holding the same finished jobs (produced and processed by BullMQ).
 */
class RetryParityIT extends InteropTestBase {
  static String viaNode;
  static String viaBullpen;

  static Scenario scenario() {
    return new Scenario()
        .add("f", Map.of(), Map.of())
        .add("f", Map.of(), Map.of("priority", 3))
        .add("flaky", Map.of(), Map.of("attempts", 2))
        .behave("f", Map.of("fail", "no"))
        .behave("flaky", Map.of("fail", "once", "failAttempts", 1, "returns", "ok"));
  }

  @BeforeAll
  static void finishJobsThenRetryThem() {
    viaNode = TestNames.uniqueQueue("retry-bullmq");
    viaBullpen = TestNames.uniqueQueue("retry-bullpen");
    for (String q : List.of(viaNode, viaBullpen)) {
      nodeProduce(q, scenario());
      nodeWork(q, scenario(), 3, "w");
      assertThat(probe.redis.zrange(RedisProbe.key(q, "failed"), 0, -1))
          .containsExactlyInAnyOrder("1", "2");
      assertThat(probe.job(q, "3")).containsEntry("failedReason", "once");
    }
    nodeAdmin(viaNode, "retryJob", "3", "completed");
    nodeAdmin(viaNode, "retryJobs", Map.of("state", "failed"));

    Queue<Object> q = bullpen.queue(viaBullpen);
    Job<Object> completed = q.getJob("3").orElseThrow();
    completed.retry();
    assertThat(q.retryJobs()).isEqualTo(2);
  }

  @Test
  void retriedJobsEmitTheSameEvents() {
    assertThat(Parity.events(probe.events(viaNode), probe.events(viaBullpen))).isEmpty();
  }

  @Test
  void retriedFailedJobsLookTheSame() {
    for (String id : List.of("1", "2")) {
      assertThat(Parity.jobHash("retried failed job " + id, probe.job(viaNode, id),
          probe.job(viaBullpen, id))).isEmpty();
    }
  }

  /**
   * BullMQ's reprocessJob on a completed job deletes only finishedOn, processedOn and
   * returnvalue: a failedReason left by an earlier failed attempt stays.
   */
  @Test
  void retriedCompletedJobLooksTheSame() {
    assertThat(probe.job(viaNode, "3")).containsEntry("failedReason", "once")
        .doesNotContainKeys("finishedOn", "processedOn", "returnvalue");
    assertThat(Parity.jobHash("retried completed job 3", probe.job(viaNode, "3"),
        probe.job(viaBullpen, "3"))).isEmpty();
  }

  /**
   * Known difference (README): BullMQ's retryJobs, like its promoteJobs, LPUSHes every job to
   * wait whatever its priority; Bullpen puts a job with a priority back into prioritized.
   */
  @Test
  void retryJobsHonoursPriorityInBullpenOnly() {
    assertThat(probe.redis.lrange(RedisProbe.key(viaNode, "wait"), 0, -1))
        .containsExactlyInAnyOrder("1", "2", "3");
    assertThat(probe.redis.zcard(RedisProbe.key(viaNode, "prioritized"))).isZero();
    assertThat(probe.redis.lrange(RedisProbe.key(viaBullpen, "wait"), 0, -1))
        .containsExactlyInAnyOrder("1", "3");
    assertThat(probe.redis.zrange(RedisProbe.key(viaBullpen, "prioritized"), 0, -1))
        .containsExactly("2");
  }
}
