package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Job;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Queue-wide controls across clients: pause and resume (FORMAT.md 4.7), retention by count and
 * by age (4.3), and automatic ids past 299,999,999 (2.6).
 */
class QueueControlParityIT extends InteropTestBase {

  @Test
  void pauseAndResumeWriteWhatBullmqWrites() {
    String viaNode = TestNames.uniqueQueue("pause-bullmq");
    String viaBullpen = TestNames.uniqueQueue("pause-bullpen");
    nodeAdmin(viaNode, "pause");
    assertThat(nodeAdmin(viaNode, "isPaused").asBoolean()).isTrue();
    Queue<Object> q = bullpen.queue(viaBullpen);
    q.pause();
    assertThat(q.isPaused()).isTrue();
    assertThat(probe.redis.hget(RedisProbe.key(viaBullpen, "meta"), "paused"))
        .isEqualTo(probe.redis.hget(RedisProbe.key(viaNode, "meta"), "paused"));
    assertThat(nodeAdmin(viaBullpen, "isPaused").asBoolean()).as("BullMQ sees Bullpen's pause")
        .isTrue();
    assertThat(bullpen.queue(viaNode).isPaused()).as("Bullpen sees BullMQ's pause").isTrue();

    nodeAdmin(viaNode, "resume");
    q.resume();
    assertThat(probe.redis.hexists(RedisProbe.key(viaBullpen, "meta"), "paused")).isFalse();
    assertThat(render(probe.events(viaBullpen))).isEqualTo(render(probe.events(viaNode)))
        .containsExactly("paused{}", "resumed{}");
  }

  @Test
  void bullmqWorkerWaitsWhileBullpenPausesTheQueue() {
    String qn = TestNames.uniqueQueue("paused-by-bullpen");
    Queue<Object> q = bullpen.queue(qn);
    q.pause();
    NodeHelpers.Running worker = NodeHelpers.start(redis, "work.js", qn, Map.of("count", 1,
        "behaviors", Map.of("*", Map.of("returns", "ran"))));
    try {
      String id = q.add("x", Map.of()).id();
      sleep(800);
      assertThat(q.getJob(id).orElseThrow().processedOn()).as("a job of a paused queue").isNull();
      assertThat(probe.redis.llen(RedisProbe.key(qn, "wait"))).isEqualTo(1);
      q.resume();
      JsonNode summary = worker.await(Duration.ofSeconds(20)).json();
      assertThat(summary.get("completed")).hasSize(1);
      assertThat(q.getJob(id).orElseThrow().returnValueJson()).isEqualTo("\"ran\"");
    } finally {
      worker.kill();
    }
  }

  @Test
  void bullpenWorkerWaitsWhileBullmqPausesTheQueue() throws InterruptedException {
    String qn = TestNames.uniqueQueue("paused-by-bullmq");
    nodeAdmin(qn, "pause");
    CountDownLatch done = new CountDownLatch(1);
    Worker<Object> w = bullpen.worker(qn, Object.class, job -> "ran",
        WorkerOptions.builder().build());
    w.addListener(new dev.bullpen.WorkerListener<>() {
      @Override
      public void onCompleted(Job<Object> job, Object result) {
        done.countDown();
      }
    });
    try {
      List<String> ids = nodeProduce(qn, new Scenario().add("x", Map.of(), Map.of()));
      sleep(800);
      assertThat(done.getCount()).as("a job of a paused queue ran").isEqualTo(1);
      assertThat(probe.redis.lrange(RedisProbe.key(qn, "wait"), 0, -1)).isEqualTo(ids);
      nodeAdmin(qn, "resume");
      assertThat(done.await(10, TimeUnit.SECONDS)).as("BullMQ's resume woke the Bullpen worker")
          .isTrue();
    } finally {
      w.close(Duration.ofSeconds(5));
    }
  }

  /**
   * A v5 client paused the queue: its jobs sit in the legacy {@code paused} list (newest on the
   * left) while {@code wait} is not empty. BullMQ's resume RPUSHes the list from left to right,
   * so the oldest paused job ends at the right end of wait and runs first (paused jobs in FIFO
   * order, ahead of those already waiting). Bullpen must merge in the same order.
   */
  @Test
  void resumeMergesALegacyPausedListInBullmqOrder() {
    String viaNode = TestNames.uniqueQueue("legacy-bullmq");
    String viaBullpen = TestNames.uniqueQueue("legacy-bullpen");
    for (String q : List.of(viaNode, viaBullpen)) {
      probe.redis.lpush(RedisProbe.key(q, "wait"), "w1");
      // Added in the order 1, 2, 3 while paused under v5: LPUSH to the paused list.
      probe.redis.lpush(RedisProbe.key(q, "paused"), "1", "2", "3");
      probe.redis.hset(RedisProbe.key(q, "meta"), "paused", "1");
    }
    nodeAdmin(viaNode, "resume");
    bullpen.queue(viaBullpen).resume();
    List<String> bullmq = probe.redis.lrange(RedisProbe.key(viaNode, "wait"), 0, -1);
    assertThat(bullmq).as("BullMQ: 1 is at the right end, taken first")
        .containsExactly("w1", "3", "2", "1");
    assertThat(probe.redis.exists(RedisProbe.key(viaBullpen, "paused"))).isZero();
    assertThat(probe.redis.lrange(RedisProbe.key(viaBullpen, "wait"), 0, -1))
        .as("wait after Bullpen's resume (right end runs first); BullMQ leaves %s", bullmq)
        .isEqualTo(bullmq);
  }

  /**
   * removeOnComplete / removeOnFail as counts, set by BullMQ's producer, applied by either
   * worker: the same jobs survive.
   */
  @Test
  void retentionByCountKeepsTheSameJobs() {
    Scenario s = new Scenario()
        .add("k", 1, Map.of("removeOnComplete", 2)).add("k", 2, Map.of("removeOnComplete", 2))
        .add("f", 3, Map.of("removeOnFail", 1)).add("k", 4, Map.of("removeOnComplete", 2))
        .add("f", 5, Map.of("removeOnFail", 1)).add("k", 6, Map.of("removeOnComplete", 2))
        .behave("k", Map.of("sleepMs", 5, "echo", true))
        .behave("f", Map.of("sleepMs", 5, "fail", "no"));
    String viaNode = TestNames.uniqueQueue("keep-bullmq");
    nodeProduce(viaNode, s);
    nodeWork(viaNode, s, 6, "w");
    String viaBullpen = TestNames.uniqueQueue("keep-bullpen");
    nodeProduce(viaBullpen, s);
    s.runBullpenWorker(bullpen, viaBullpen, 6, "w", Duration.ofSeconds(20));

    assertThat(probe.redis.zrange(RedisProbe.key(viaNode, "completed"), 0, -1))
        .containsExactly("4", "6");
    assertThat(probe.redis.zrange(RedisProbe.key(viaNode, "failed"), 0, -1))
        .containsExactly("5");
    for (String set : List.of("completed", "failed")) {
      assertThat(probe.redis.zrange(RedisProbe.key(viaBullpen, set), 0, -1)).as(set)
          .isEqualTo(probe.redis.zrange(RedisProbe.key(viaNode, set), 0, -1));
    }
    assertThat(dataKeys(viaBullpen)).isEqualTo(dataKeys(viaNode));
  }

  /** removeOnComplete {age: 1}: a job finished over a second earlier is removed by the next. */
  @Test
  void retentionByAgeRemovesTheSameJobs() {
    Scenario s = new Scenario()
        .add("old", 1, Map.of("removeOnComplete", Map.of("age", 1)))
        .add("new", 2, Map.of("removeOnComplete", Map.of("age", 1)))
        .behave("new", Map.of("sleepMs", 1200, "returns", "new"));
    String viaNode = TestNames.uniqueQueue("age-bullmq");
    nodeProduce(viaNode, s);
    nodeWork(viaNode, s, 2, "w");
    String viaBullpen = TestNames.uniqueQueue("age-bullpen");
    nodeProduce(viaBullpen, s);
    s.runBullpenWorker(bullpen, viaBullpen, 2, "w", Duration.ofSeconds(20));

    assertThat(probe.redis.zrange(RedisProbe.key(viaNode, "completed"), 0, -1))
        .containsExactly("2");
    assertThat(probe.redis.zrange(RedisProbe.key(viaBullpen, "completed"), 0, -1))
        .containsExactly("2");
    assertThat(dataKeys(viaBullpen)).isEqualTo(dataKeys(viaNode));
  }

  /** Automatic ids stay decimal past 299,999,999 (the "3e+08" trap), on both sides. */
  @Test
  void automaticIdsPast299999999StayDecimal() {
    String viaBullpen = TestNames.uniqueQueue("ids-bullpen");
    String viaNode = TestNames.uniqueQueue("ids-bullmq");
    for (String q : List.of(viaBullpen, viaNode)) {
      probe.redis.set(RedisProbe.key(q, "id"), "299999999");
    }
    Scenario s = new Scenario().add("x", Map.of(), Map.of())
        .add("x", Map.of(), Map.of("delay", 50)).behave("x", Map.of("returns", 1));
    assertThat(s.addWithBullpen(bullpen.queue(viaBullpen)))
        .containsExactly("300000000", "300000001");
    assertThat(nodeProduce(viaNode, s)).containsExactly("300000000", "300000001");
    nodeWork(viaBullpen, s, 2, "w");
    s.runBullpenWorker(bullpen, viaNode, 2, "w", Duration.ofSeconds(20));
    for (String q : List.of(viaBullpen, viaNode)) {
      assertThat(probe.redis.zrange(RedisProbe.key(q, "completed"), 0, -1))
          .containsExactlyInAnyOrder("300000000", "300000001");
      assertThat(Parity.perJob(probe.events(q)).keySet())
          .containsExactlyInAnyOrder("300000000", "300000001");
    }
    assertThat(Parity.events(probe.events(viaNode), probe.events(viaBullpen))).isEmpty();
  }

  /** The queue's keys that hold job data (timing-dependent keys left out). */
  private static Set<String> dataKeys(String queue) {
    TreeSet<String> keys = probe.keySuffixes(queue);
    keys.removeAll(JobHashParityIT.TIMING_KEYS);
    return keys;
  }

  private static List<String> render(List<RedisProbe.Event> events) {
    return events.stream().map(Parity::render).toList();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
