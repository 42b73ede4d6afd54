package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.event.QueueEvent;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@RedisTest
class QueueEventsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void listenersSeeAJobsWholeLifeInOrder(RedisServer redis) {
    String q = TestNames.uniqueQueue("events");
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      List<QueueEvent> seen = new CopyOnWriteArrayList<>();
      List<QueueEvent> second = new CopyOnWriteArrayList<>();
      QueueEvents events = bp.queueEvents(q).addListener(seen::add).addListener(second::add);
      Queue<Object> queue = bp.queue(q);
      queue.add("e", 1);
      queue.add("bad", 2, JobOptions.builder().attempts(1).build());
      bp.worker(q, Object.class, j -> {
        if (j.name().equals("bad")) {
          throw new IllegalStateException("nope");
        }
        j.updateProgress(50);
        return "r";
      });
      await().atMost(WAIT).until(() -> seen.stream().anyMatch(e -> "failed".equals(e.event())));
      List<String> forJob1 = seen.stream().filter(e -> "1".equals(e.jobId()))
          .map(QueueEvent::event).collect(Collectors.toList());
      assertThat(forJob1).containsExactly("added", "waiting", "active", "progress", "completed");
      QueueEvent completed = seen.stream().filter(e -> "completed".equals(e.event()))
          .findFirst().orElseThrow();
      assertThat(completed.field("returnvalue")).isEqualTo("\"r\"");
      assertThat(completed.prev()).isEqualTo("active");
      QueueEvent failed = seen.stream().filter(e -> "failed".equals(e.event())).findFirst()
          .orElseThrow();
      assertThat(failed.field("failedReason")).isEqualTo("nope");
      assertThat(seen.stream().map(QueueEvent::event)).contains("retries-exhausted");
      assertThat(second).hasSameSizeAs(seen);
      assertThat(events.lastEventId()).isEqualTo(seen.get(seen.size() - 1).streamId());
    }
  }

  @Test
  void readerResumesAfterItsConnectionIsKilledWithoutMissingEvents(RedisServer redis)
      throws Exception {
    String q = TestNames.uniqueQueue("resume");
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      List<String> added = new CopyOnWriteArrayList<>();
      bp.queueEvents(q).addListener(e -> {
        if ("added".equals(e.event())) {
          added.add(e.jobId());
        }
      });
      Queue<Object> queue = bp.queue(q);
      queue.add("a", 1);
      await().atMost(WAIT).until(() -> added.contains("1"));
      // Kill the reader's connection (named like BullMQ's QueueEvents), then add while it is
      // reconnecting.
      String name = new dev.bullpen.internal.Keys("bull", q).clientName(":qe");
      redis.command("CLIENT", "KILL", "SKIPME", "yes", "TYPE", "normal");
      assertThat(redis.command("CLIENT", "LIST")).doesNotContain("name=" + name + " ");
      queue.add("b", 2);
      queue.add("c", 3);
      await().atMost(WAIT).until(() -> added.size() == 3);
      assertThat(added).containsExactly("1", "2", "3");
      await().atMost(WAIT).until(() -> redis.command("CLIENT", "LIST").contains(name));
    }
  }

  @Test
  void eventsAlreadyInTheStreamCanBeReplayed(RedisServer redis) {
    String q = TestNames.uniqueQueue("replay");
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      bp.queue(q).add("old", 1);
      List<String> names = new CopyOnWriteArrayList<>();
      bp.queueEvents(q, "0").addListener(e -> names.add(e.event()));
      await().atMost(WAIT).until(() -> names.size() == 2);
      assertThat(names).containsExactly("added", "waiting");
    }
  }

  /**
   * With a batch window, a stream of events spread over time costs a few XREADs, not one per
   * event, and every event still arrives, in order.
   */
  @Test
  void batchWindowGathersSpreadEventsIntoFewReads() throws Exception {
    String q = TestNames.uniqueQueue("batched");
    try (RedisServer own = RedisServer.start(); Bullpen bp = Bullpen.connect(own.uri())) {
      List<String> added = new CopyOnWriteArrayList<>();
      bp.queueEvents(q).batchWindow(Duration.ofMillis(300)).addListener(e -> {
        if ("added".equals(e.event())) {
          added.add(e.jobId());
        }
      });
      Queue<Object> queue = bp.queue(q);
      long before = xreadCalls(own);
      for (int i = 0; i < 30; i++) {
        queue.add("spread", i);
        Thread.sleep(10); // spread the events over ~300 ms; not a synchronization
      }
      await().atMost(WAIT).until(() -> added.size() == 30);
      long reads = xreadCalls(own) - before;
      assertThat(added).containsExactlyElementsOf(
          java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(String::valueOf).toList());
      // Unbatched, the reader would read about once per event (30 times).
      assertThat(reads).isLessThanOrEqualTo(6);
    }
  }

  @Test
  void batchWindowRejectsNonsense(RedisServer redis) {
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      QueueEvents events = bp.queueEvents(TestNames.uniqueQueue("bw"));
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> events.batchWindow(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchWindow");
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> events.batchWindow(Duration.ofSeconds(5)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchWindow");
    }
  }

  private static long xreadCalls(RedisServer redis) {
    for (String line : redis.info("commandstats").split("\\r?\\n")) {
      if (line.startsWith("cmdstat_xread:")) {
        String calls = line.substring(line.indexOf("calls=") + 6);
        return Long.parseLong(calls.substring(0, calls.indexOf(',')));
      }
    }
    return 0;
  }
}
