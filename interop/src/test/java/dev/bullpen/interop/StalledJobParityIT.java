package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.JobCounts;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.TestNames;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stall recovery across clients (FORMAT.md 4.6), in both directions: a worker of one language
 * takes a job and is SIGKILLed (a BullMQ worker in node, or a Bullpen worker in a JVM of its
 * own, {@link StallVictim}), and a worker of either language recovers the job, with
 * maxStalledCount 1 (the job runs again and completes, {@code stc = 1}) and 0 (the stalled
 * check sets {@code defa} and the next fetch fails the job without running it: "job stalled
 * more than allowable limit"). In the two-stall cells the worker that recovers the job first
 * is killed with it too (languages alternating), so the stall counter adds up across clients
 * and maxStalledCount 1 ends the job at the second stall. The queues are paused once the last
 * victims die, so the state the stalled check leaves (back in wait, {@code stc}, {@code defa})
 * is compared too before the resume lets the rescuer finish. All-BullMQ is the reference;
 * every other cell must leave the same job hash (paused and final), the same events, heard
 * alike by a BullMQ and a Bullpen QueueEvents, and the same counts on both sides.
 */
class StalledJobParityIT extends InteropTestBase {
  static final Duration CHECK = Duration.ofMillis(300);
  static final long LOCK_MS = 800;

  /** Who dies mid-job (in order), who recovers last, with which maxStalledCount. */
  record Cell(List<MatrixCases.Side> victims, MatrixCases.Side rescuer, int maxStalled,
      String queue) {
    boolean reference() {
      return rescuer == MatrixCases.Side.BULLMQ
          && victims.stream().allMatch(v -> v == MatrixCases.Side.BULLMQ);
    }

    @Override
    public String toString() {
      return victims + " killed, " + rescuer + " recovers, maxStalledCount " + maxStalled;
    }
  }

  static final List<Cell> cells = new ArrayList<>();
  /** Job hash of each queue after the stalled check, while the queue is paused. */
  static final Map<String, Map<String, String>> afterCheck = new HashMap<>();
  static final Map<String, JsonNode> dumps = new HashMap<>();
  static Listeners listeners;

  static Scenario scenario() {
    return new Scenario().add("s", Map.of("x", 1), Map.of())
        .behave("s", Map.of("returns", "second life"));
  }

  @BeforeAll
  static void killWorkersMidJobThenRecover() {
    MatrixCases.Side node = MatrixCases.Side.BULLMQ;
    MatrixCases.Side java = MatrixCases.Side.BULLPEN;
    for (MatrixCases.Side victim : MatrixCases.Side.values()) {
      for (MatrixCases.Side rescuer : MatrixCases.Side.values()) {
        for (int max : List.of(1, 0)) {
          cells.add(new Cell(List.of(victim), rescuer, max, TestNames.uniqueQueue("stall-"
              + victim.name().toLowerCase() + "-" + rescuer.name().toLowerCase() + "-" + max)));
        }
      }
    }
    for (List<MatrixCases.Side> chain : List.of(List.of(node, node, node),
        List.of(java, node, java), List.of(node, java, node), List.of(java, java, java))) {
      cells.add(new Cell(chain.subList(0, 2), chain.get(2), 1, TestNames.uniqueQueue("stall2-"
          + String.join("-", chain.stream().map(x -> x.name().toLowerCase()).toList()))));
    }
    List<String> queues = cells.stream().map(Cell::queue).toList();
    listeners = Listeners.start(redis, bullpen, queues);
    Map<String, Scenario> produce = new LinkedHashMap<>();
    queues.forEach(q -> produce.put(q, scenario()));
    nodeProduceAll(produce);

    try {
      for (int k = 0; k < 2; k++) {
        killVictims(k);
      }
    } catch (RuntimeException | Error e) {
      listeners.kill();
      throw e;
    }

    Map<String, List<Scenario.Call>> pause = new LinkedHashMap<>();
    Map<String, List<Scenario.Call>> resume = new LinkedHashMap<>();
    queues.forEach(q -> {
      pause.put(q, List.of(new Scenario.Call("pause", List.of())));
      resume.put(q, List.of(new Scenario.Call("resume", List.of())));
    });
    nodeAdminAll(pause);

    Map<String, Map<String, Object>> nodeRescuers = new LinkedHashMap<>();
    List<Scenario.WorkerRun> javaRescuers = new ArrayList<>();
    NodeHelpers.Running nodeRun = null;
    try {
      for (Cell c : cells) {
        if (c.rescuer == MatrixCases.Side.BULLMQ) {
          nodeRescuers.put(c.queue, Map.of("count", 1, "behaviors", scenario().behaviors,
              "worker", Map.of("name", "w", "stalledInterval", CHECK.toMillis(),
                  "maxStalledCount", c.maxStalled)));
        } else {
          javaRescuers.add(scenario().startBullpenWorker(bullpen, c.queue, 1,
              WorkerOptions.builder().name("w").stalledInterval(CHECK)
                  .maxStalledCount(c.maxStalled).build()));
        }
      }
      nodeRun = nodeWorkAllStart(nodeRescuers, 60_000);
      for (Cell c : cells) {
        String stc = Integer.toString(c.victims.size());
        await().atMost(Duration.ofSeconds(30))
            .until(() -> stc.equals(probe.job(c.queue, "1").get("stc")));
        afterCheck.put(c.queue, probe.job(c.queue, "1"));
      }
      nodeAdminAll(resume);
      for (Scenario.WorkerRun r : javaRescuers) {
        assertThat(r.await(Duration.ofSeconds(30)).errors).isEmpty();
      }
      nodeWorkAllResult(nodeRun, Duration.ofSeconds(40));
    } catch (RuntimeException | Error e) {
      javaRescuers.forEach(Scenario.WorkerRun::close);
      if (nodeRun != null) {
        nodeRun.kill();
      }
      listeners.kill();
      throw e;
    }
    listeners.stop(probe, Duration.ofSeconds(30));
    Map<String, List<String>> ids = new LinkedHashMap<>();
    queues.forEach(q -> ids.put(q, List.of("1")));
    dumps.putAll(nodeDumpAll(ids));
  }

  /**
   * Round {@code k} of victims: for every cell with a k-th victim, that worker takes the job
   * (the first one with a lock it never renews and no stalled check; the second one after
   * recovering the job with its own stalled check, renewing its lock) and is SIGKILLed.
   */
  static void killVictims(int k) {
    List<Cell> round = cells.stream().filter(c -> c.victims.size() > k).toList();
    Map<String, Map<String, Object>> nodeVictims = new LinkedHashMap<>();
    List<String> javaVictims = new ArrayList<>();
    for (Cell c : round) {
      if (c.victims.get(k) == MatrixCases.Side.BULLMQ) {
        Map<String, Object> worker = k == 0
            ? Map.of("lockDuration", LOCK_MS, "skipLockRenewal", true, "skipStalledCheck", true)
            : Map.of("lockDuration", LOCK_MS, "stalledInterval", CHECK.toMillis(),
                "maxStalledCount", c.maxStalled);
        nodeVictims.put(c.queue, Map.of("count", 1,
            "behaviors", Map.of("s", Map.of("sleepMs", 60_000)), "worker", worker));
      } else {
        javaVictims.add(c.queue);
      }
    }
    List<NodeHelpers.Running> dying = new ArrayList<>();
    try {
      if (!nodeVictims.isEmpty()) {
        dying.add(nodeWorkAllStart(nodeVictims, 60_000));
      }
      if (!javaVictims.isEmpty()) {
        dying.add(startJavaVictim(javaVictims, k == 0 ? 0 : CHECK.toMillis(), 1));
      }
      String started = Integer.toString(k + 1);
      for (Cell c : round) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
            probe.redis.llen(RedisProbe.key(c.queue, "active")) == 1
                && started.equals(probe.job(c.queue, "1").get("ats")));
      }
    } finally {
      dying.forEach(NodeHelpers.Running::kill);
    }
  }

  /** A JVM running {@link StallVictim} on the queues (the test's own classpath). */
  static NodeHelpers.Running startJavaVictim(List<String> queues, long checkMs, int maxStalled) {
    String java = ProcessHandle.current().info().command()
        .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), StallVictim.class.getName(), redis.uri(),
        Long.toString(LOCK_MS), Long.toString(checkMs), Integer.toString(maxStalled)));
    cmd.addAll(queues);
    return NodeHelpers.Running.start(Paths.get("."), cmd, redis);
  }

  @AfterAll
  static void stopListeners() {
    if (listeners != null) {
      listeners.kill();
    }
  }

  static Cell reference(Cell c) {
    return cells.stream().filter(x -> x.reference() && x.maxStalled == c.maxStalled
        && x.victims.size() == c.victims.size()).findFirst().orElseThrow();
  }

  static Stream<Cell> allCells() {
    return cells.stream();
  }

  static Stream<Cell> bullpenCells() {
    return cells.stream().filter(c -> !c.reference());
  }

  static Stream<Arguments> listenerCells() {
    return cells.stream().flatMap(c -> Stream.of(Arguments.of(c, MatrixCases.Side.BULLMQ),
        Arguments.of(c, MatrixCases.Side.BULLPEN)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCells")
  void stalledCheckHonoursMaxStalledCount(Cell cell) {
    Map<String, String> paused = afterCheck.get(cell.queue);
    Map<String, String> done = probe.job(cell.queue, "1");
    String stc = Integer.toString(cell.victims.size());
    boolean completes = cell.victims.size() <= cell.maxStalled;
    assertThat(probe.redis.zrange(RedisProbe.key(cell.queue, completes ? "completed" : "failed"),
        0, -1)).as("%s", cell).containsExactly("1");
    if (completes) {
      assertThat(paused).as("%s, after the stalled check", cell).containsEntry("stc", stc)
          .doesNotContainKey("defa");
      assertThat(done).containsEntry("stc", stc).containsEntry("ats", "2")
          .containsEntry("atm", "1").containsEntry("returnvalue", "\"second life\"");
      assertThat(Parity.perJob(probe.events(cell.queue)).get("1"))
          .containsSubsequence("waiting{prev=active}", "stalled{}", "active{prev=waiting}",
              "completed{returnvalue=\"second life\", prev=active}");
    } else {
      assertThat(paused).as("%s, after the stalled check", cell).containsEntry("stc", stc)
          .containsEntry("defa", "job stalled more than allowable limit");
      assertThat(done).containsEntry("stc", stc)
          .containsEntry("failedReason", "job stalled more than allowable limit")
          .doesNotContainKey("defa").doesNotContainKey("returnvalue");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenCells")
  void jobHashesMatchBullmqAlone(Cell cell) {
    Cell ref = reference(cell);
    assertThat(Parity.jobHash("after the stalled check", afterCheck.get(ref.queue),
        afterCheck.get(cell.queue))).as("%s", cell).isEmpty();
    assertThat(Parity.jobHash("final", probe.job(ref.queue, "1"), probe.job(cell.queue, "1")))
        .as("%s", cell).isEmpty();
  }

  @ParameterizedTest(name = "{0} listener={1}")
  @MethodSource("listenerCells")
  void eventsHeardMatchBullmqAlone(Cell cell, MatrixCases.Side listener) {
    List<RedisProbe.Event> raw = probe.events(cell.queue);
    List<RedisProbe.Event> heard = listener == MatrixCases.Side.BULLMQ
        ? listeners.node(cell.queue) : listeners.bullpen(cell.queue);
    assertThat(Parity.events(raw, heard)).as("%s listener, %s", listener, cell).isEmpty();
    assertThat(Parity.events(probe.events(reference(cell).queue), heard))
        .as("%s listener, %s, vs BullMQ alone", listener, cell).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCells")
  void jobCountsFromBothSidesMatchBullmqAlone(Cell cell) {
    Cell ref = reference(cell);
    assertThat(dumps.get(cell.queue).get("counts")).as("BullMQ getJobCounts(), %s", cell)
        .isEqualTo(dumps.get(ref.queue).get("counts"));
    JobCounts mine = bullpen.queue(cell.queue).getJobCounts();
    assertThat(mine).as("Bullpen getJobCounts(), %s", cell)
        .isEqualTo(bullpen.queue(ref.queue).getJobCounts());
    assertThat(mine.unfinished()).isZero();
    assertThat(cell.victims.size() <= cell.maxStalled ? mine.completed() : mine.failed())
        .isEqualTo(1);
  }
}
