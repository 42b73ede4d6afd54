package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.JobState;
import dev.bullpen.Queue;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Removing jobs (FORMAT.md 4.8, 4.9): remove one job per state, clean, drain and obliterate,
 * done once by BullMQ and once by Bullpen on two queues that hold the same jobs (written by
 * BullMQ), then compared: events, and the keys left after each step.
 */
class RemovalParityIT extends InteropTestBase {
  static String viaNode;
  static String viaBullpen;
  static List<RedisProbe.Event> nodeEvents;
  static List<RedisProbe.Event> bullpenEvents;
  static Set<String> nodeKeysAfterRemove;
  static Set<String> bullpenKeysAfterRemove;
  static Set<String> nodeKeysAfterDrain;
  static Set<String> bullpenKeysAfterDrain;

  @BeforeAll
  static void fillTwoQueuesAlikeThenEmptyThem() {
    viaNode = TestNames.uniqueQueue("remove-bullmq");
    viaBullpen = TestNames.uniqueQueue("remove-bullpen");
    Scenario finished = new Scenario().add("done", Map.of(), Map.of())
        .add("bad", Map.of(), Map.of()).behave("done", Map.of("returns", 1))
        .behave("bad", Map.of("fail", "no"));
    Scenario pending = new Scenario()
        .add("w", 3, Map.of()).add("p", 4, Map.of("priority", 2))
        .add("d", 5, Map.of("delay", 60_000)).add("w", 6, Map.of())
        .add("p", 7, Map.of("priority", 2)).add("d", 8, Map.of("delay", 60_000));
    for (String q : List.of(viaNode, viaBullpen)) {
      nodeProduce(q, finished);
      nodeWork(q, finished, 2, "w");
      assertThat(nodeProduce(q, pending)).containsExactly("3", "4", "5", "6", "7", "8");
    }

    nodeAdminBatch(viaNode, List.of(List.of("remove", "3"), List.of("remove", "4"),
        List.of("remove", "5"), List.of("remove", "2"), List.of("clean", 0, 0, "completed")));
    nodeKeysAfterRemove = dataKeys(viaNode);
    nodeAdmin(viaNode, "drain", true);
    nodeKeysAfterDrain = dataKeys(viaNode);
    nodeEvents = probe.events(viaNode);
    nodeAdmin(viaNode, "obliterate", Map.of("force", true));

    Queue<Object> q = bullpen.queue(viaBullpen);
    for (String id : List.of("3", "4", "5", "2")) {
      assertThat(q.remove(id)).as("remove %s", id).isTrue();
    }
    assertThat(q.clean(Duration.ZERO, 0, JobState.COMPLETED)).containsExactly("1");
    bullpenKeysAfterRemove = dataKeys(viaBullpen);
    assertThat(q.drain(true)).isEqualTo(3);
    bullpenKeysAfterDrain = dataKeys(viaBullpen);
    bullpenEvents = probe.events(viaBullpen);
    q.obliterate(true);
  }

  /**
   * BullMQ's removeJob reports the list state by its key name: {@code prev=wait} for a job
   * removed from wait ({@code paused} for the legacy list), not the state name "waiting".
   */
  @Test
  void removedEventsMatchBullmq() {
    assertThat(Parity.perJob(nodeEvents).get("3")).last().isEqualTo("removed{prev=wait}");
    assertThat(Parity.perJob(nodeEvents).get("4")).last()
        .isEqualTo("removed{prev=prioritized}");
    assertThat(Parity.events(nodeEvents, bullpenEvents)).isEmpty();
  }

  @Test
  void cleanEmitsTheSameCount() {
    assertThat(queueWide(bullpenEvents)).isEqualTo(queueWide(nodeEvents))
        .containsExactly("cleaned{count=1}");
  }

  @Test
  void removeAndCleanLeaveTheSameKeys() {
    assertThat(bullpenKeysAfterRemove).isEqualTo(nodeKeysAfterRemove)
        .doesNotContain("1", "2", "3", "4", "5").contains("6", "7", "8");
  }

  /**
   * BullMQ's drain leaves the priority counter {@code pc} behind; Bullpen's deletes it with the
   * last prioritized job. Harmless (the next prioritized add starts a new counter, and BullMQ's
   * own moveToActive deletes it as soon as prioritized is empty), so it is left out here.
   */
  @Test
  void drainLeavesTheSameKeys() {
    Set<String> node = new TreeSet<>(nodeKeysAfterDrain);
    Set<String> mine = new TreeSet<>(bullpenKeysAfterDrain);
    node.remove("pc");
    mine.remove("pc");
    assertThat(mine).isEqualTo(node)
        .doesNotContain("6", "7", "8", "wait", "prioritized", "delayed");
  }

  @Test
  void obliterateLeavesNoKeys() {
    assertThat(probe.keySuffixes(viaNode)).isEmpty();
    assertThat(probe.keySuffixes(viaBullpen)).isEmpty();
  }

  /** BullMQ's clean emits {@code cleaned} on every call, with count 0 when nothing went. */
  @Test
  void cleanThatRemovesNothingStillEmitsCleaned() {
    String n = TestNames.uniqueQueue("clean0-bullmq");
    String b = TestNames.uniqueQueue("clean0-bullpen");
    nodeAdmin(n, "clean", 0, 0, "completed");
    assertThat(bullpen.queue(b).clean(Duration.ZERO, 0, JobState.COMPLETED)).isEmpty();
    assertThat(queueWide(probe.events(n))).containsExactly("cleaned{count=0}");
    assertThat(queueWide(probe.events(b))).isEqualTo(queueWide(probe.events(n)));
  }

  private static List<String> queueWide(List<RedisProbe.Event> events) {
    return events.stream().filter(e -> e.jobId() == null && !e.name().equals("drained"))
        .map(Parity::render).toList();
  }

  private static Set<String> dataKeys(String queue) {
    TreeSet<String> keys = probe.keySuffixes(queue);
    keys.removeAll(JobHashParityIT.TIMING_KEYS);
    keys.remove("meta");
    return keys;
  }
}
