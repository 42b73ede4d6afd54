package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.JobCounts;
import dev.bullpen.Queue;
import dev.bullpen.WorkerOptions;
import dev.bullpen.interop.MatrixCases.Case;
import dev.bullpen.interop.MatrixCases.Side;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interoperability matrix of issue 3: every scenario ({@link MatrixCases}) is played on its
 * own queue by each producer × worker pair (BullMQ or Bullpen each), all at once on one server, and
 * every queue is heard live by both a BullMQ QueueEvents and a Bullpen QueueEvents: so each
 * scenario covers all 8 producer × worker × listener cells. The BullMQ producer + BullMQ worker
 * queue is the reference ("BullMQ alone"); for every other queue:
 *
 * <ul>
 *   <li>the ids add returned, every final job hash field by field ({@link Parity#jobHash}:
 *       timing fields by shape, opts/data/returnvalue/progress as parsed JSON), the logs, the
 *       keys left behind, the meta hash (minus BullMQ's version tag) and BullMQ's decoded
 *       getJob()/getState() view equal the reference's;
 *   <li>what each listener heard equals, per job and in order, the reference's stream
 *       ({@link Parity#events}), and for scenarios whose order is deterministic the order in
 *       which jobs became active is the reference's;
 *   <li>getJobCounts() from BullMQ and from Bullpen equal the reference's.
 * </ul>
 *
 * Scenario-specific checks: a paused backlog stays untouched until resume, the global rate
 * limit and global concurrency hold on every queue. One node process per role (produce, work,
 * listen, dump) serves all queues, which keeps the whole matrix to a few seconds.
 */
class InteropMatrixIT extends InteropTestBase {
  static final String WORKER_NAME = "w";
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  /** Who produces and who works; the listeners are always both. */
  record Run(String tag, Side producer, Side worker) {
    boolean reference() {
      return producer == Side.BULLMQ && worker == Side.BULLMQ;
    }
  }

  static final List<Run> RUNS = List.of(
      new Run("ref", Side.BULLMQ, Side.BULLMQ),
      new Run("bp", Side.BULLPEN, Side.BULLPEN),
      new Run("n2b", Side.BULLMQ, Side.BULLPEN),
      new Run("b2n", Side.BULLPEN, Side.BULLMQ));

  /** One queue of the matrix. */
  record Cell(Case scenario, Run run, String queue) {
    @Override
    public String toString() {
      return scenario.name() + ": producer=" + run.producer + " worker=" + run.worker;
    }
  }

  static final List<Case> CASES = MatrixCases.all();
  static final Map<String, Cell> cells = new LinkedHashMap<>();
  static final Map<String, List<String>> producedIds = new HashMap<>();
  static final Map<String, JsonNode> dumps = new HashMap<>();
  static final Map<String, List<Throwable>> bullpenWorkerErrors = new HashMap<>();
  /** Active events in each paused queue just before its resume. */
  static final Map<String, Long> activeBeforeResume = new HashMap<>();
  /** A paused queue read from both sides before its resume. */
  record PausedView(JobCounts bullpenCounts, List<String> bullpenStates, JsonNode bullmq) {}

  static final Map<String, PausedView> whilePaused = new HashMap<>();
  static Listeners listeners;

  @BeforeAll
  static void playTheMatrix() throws InterruptedException {
    for (Case c : CASES) {
      for (Run r : RUNS) {
        String base = c.queueBase() != null ? c.queueBase() : c.name();
        String q = TestNames.uniqueQueue(base + "-" + r.tag);
        cells.put(q, new Cell(c, r, q));
        if (c.idCounter() != null) {
          probe.redis.set(RedisProbe.key(q, "id"), c.idCounter());
        }
      }
    }
    listeners = Listeners.start(redis, bullpen, cells.keySet());

    Map<String, Scenario> nodeProduced = new LinkedHashMap<>();
    for (Cell cell : cells.values()) {
      if (cell.run.producer == Side.BULLPEN) {
        producedIds.put(cell.queue,
            cell.scenario.scenario().addWithBullpen(bullpen.queue(cell.queue)));
      } else {
        nodeProduced.put(cell.queue, cell.scenario.scenario());
      }
    }
    producedIds.putAll(nodeProduceAll(nodeProduced));

    Map<String, Map<String, Object>> nodeWork = new LinkedHashMap<>();
    Map<String, Scenario.WorkerRun> javaWork = new LinkedHashMap<>();
    NodeHelpers.Running nodeWorkers = null;
    try {
      for (Cell cell : cells.values()) {
        Scenario s = cell.scenario.scenario();
        if (cell.run.worker == Side.BULLMQ) {
          nodeWork.put(cell.queue, s.workSettings(cell.scenario.finals(), WORKER_NAME));
        } else {
          javaWork.put(cell.queue, s.startBullpenWorker(bullpen, cell.queue,
              cell.scenario.finals(),
              WorkerOptions.builder().name(WORKER_NAME).concurrency(s.concurrency).build()));
        }
      }
      nodeWorkers = nodeWorkAllStart(nodeWork, RUN_TIMEOUT.toMillis());
      resumePausedQueuesOnceWorkersRun();
      for (Map.Entry<String, Scenario.WorkerRun> e : javaWork.entrySet()) {
        bullpenWorkerErrors.put(e.getKey(), e.getValue().await(RUN_TIMEOUT).errors);
      }
      nodeWorkAllResult(nodeWorkers, RUN_TIMEOUT.plusSeconds(10));
    } catch (RuntimeException | Error e) {
      javaWork.values().forEach(Scenario.WorkerRun::close);
      if (nodeWorkers != null) {
        nodeWorkers.kill();
      }
      listeners.kill();
      throw e;
    }
    listeners.stop(probe, Duration.ofSeconds(30));

    Map<String, List<String>> ids = new LinkedHashMap<>();
    cells.keySet().forEach(q -> ids.put(q, distinct(producedIds.get(q))));
    dumps.putAll(nodeDumpAll(ids));
  }

  /**
   * Once every worker runs (each queue that is not paused has had a job active, and then half a
   * second more), reads each paused queue from both sides (how many of its jobs became active:
   * must be none; getJobCounts(); the state of a waiting and of a prioritized job) and has the
   * producer's side resume it.
   */
  private static void resumePausedQueuesOnceWorkersRun() throws InterruptedException {
    await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> cells.values()
        .stream().filter(c -> !c.scenario.resumeLater())
        .allMatch(c -> activeEvents(c.queue).size() > 0));
    Thread.sleep(500);
    Scenario.Call resume = new Scenario.Call("resume", List.of());
    Map<String, List<Scenario.Call>> nodeCalls = new LinkedHashMap<>();
    for (Cell cell : cells.values()) {
      if (!cell.scenario.resumeLater()) {
        continue;
      }
      activeBeforeResume.put(cell.queue, (long) activeEvents(cell.queue).size());
      Queue<Object> queue = bullpen.queue(cell.queue);
      whilePaused.put(cell.queue, new PausedView(queue.getJobCounts(),
          List.of(queue.getState("1").wireName(), queue.getState("4").wireName()), null));
      List<Scenario.Call> calls = new ArrayList<>(List.of(
          new Scenario.Call("getJobCounts", List.of()),
          new Scenario.Call("getJobState", List.of("1")),
          new Scenario.Call("getJobState", List.of("4"))));
      if (cell.run.producer == Side.BULLMQ) {
        calls.add(resume);
      }
      nodeCalls.put(cell.queue, calls);
    }
    nodeAdminAll(nodeCalls).forEach((q, results) -> whilePaused.put(q, new PausedView(
        whilePaused.get(q).bullpenCounts, whilePaused.get(q).bullpenStates, results)));
    for (Cell cell : cells.values()) {
      if (cell.scenario.resumeLater() && cell.run.producer == Side.BULLPEN) {
        Scenario.call(bullpen.queue(cell.queue), resume);
      }
    }
  }

  @AfterAll
  static void stopListeners() {
    if (listeners != null) {
      listeners.kill();
    }
  }

  // ---------------------------------------------------------------- argument sources

  static Cell reference(Case c) {
    return cells.values().stream().filter(x -> x.scenario == c && x.run.reference()).findFirst()
        .orElseThrow();
  }

  static Stream<Cell> allCells() {
    return cells.values().stream();
  }

  static Stream<Cell> bullpenCells() {
    return cells.values().stream().filter(c -> !c.run.reference());
  }

  static Stream<Arguments> listenerCells() {
    return cells.values().stream().flatMap(c -> Stream.of(
        Arguments.of(c, Side.BULLMQ), Arguments.of(c, Side.BULLPEN)));
  }

  static Stream<Cell> cellsOf(String caseName) {
    return cells.values().stream().filter(c -> c.scenario.name().equals(caseName));
  }

  static Stream<Cell> pauseCells() {
    return cellsOf("pause-resume");
  }

  static Stream<Cell> rateLimitCells() {
    return cellsOf("global-rate-limit");
  }

  static Stream<Cell> concurrencyCells() {
    return cellsOf("global-concurrency");
  }

  // ---------------------------------------------------------------- the matrix

  @Test
  void everyScenarioRanOnEveryProducerWorkerPair() {
    assertThat(cells).hasSize(CASES.size() * RUNS.size());
    assertThat(bullpenWorkerErrors.values()).allSatisfy(errors -> assertThat(errors).isEmpty());
    // The reference itself did what the scenario is about.
    Map<String, String> fixed = probe.job(reference(find("fixed-backoff-success")).queue, "1");
    assertThat(fixed).containsEntry("atm", "3").containsEntry("returnvalue", "\"third time\"");
    Map<String, String> exp = probe.job(reference(find("exponential-backoff-failure")).queue, "1");
    assertThat(exp).containsEntry("atm", "3").containsEntry("failedReason", "always");
    assertThat(probe.job(reference(find("unrecoverable")).queue, "1")).containsEntry("atm", "1");
    assertThat(producedIds.get(reference(find("custom-id")).queue))
        .containsExactly("order-42", "order-42", "3");
    assertThat(producedIds.get(reference(find("ids-past-299999999")).queue))
        .containsExactly("300000000", "300000001", "custom", "300000003", "300000004");
    assertThat(reference(find("hash-tag-queue")).queue).startsWith("{video}-");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenCells")
  void finalJobsMatchBullmqAlone(Cell cell) {
    Cell ref = reference(cell.scenario);
    assertThat(producedIds.get(cell.queue)).as("ids add returned, %s", cell)
        .isEqualTo(producedIds.get(ref.queue));
    List<String> diffs = new ArrayList<>();
    for (String id : distinct(producedIds.get(ref.queue))) {
      if (Boolean.getBoolean("interop.verbose")) {
        System.out.println(cell + " job " + id + "\n  BullMQ: " + probe.job(ref.queue, id)
            + "\n  other : " + probe.job(cell.queue, id));
      }
      diffs.addAll(Parity.jobHash("job " + id, probe.job(ref.queue, id),
          probe.job(cell.queue, id)));
      List<String> logs = probe.redis.lrange(RedisProbe.key(cell.queue, id + ":logs"), 0, -1);
      List<String> refLogs = probe.redis.lrange(RedisProbe.key(ref.queue, id + ":logs"), 0, -1);
      if (!logs.equals(refLogs)) {
        diffs.add("job " + id + ": logs " + logs + ", BullMQ " + refLogs);
      }
      JsonNode a = decodedWithoutTimes(dumps.get(ref.queue).get("jobs").get(id));
      JsonNode b = decodedWithoutTimes(dumps.get(cell.queue).get("jobs").get(id));
      if (!Parity.sameJson(a, b)) {
        diffs.add("job " + id + ": BullMQ getJob()/getState()\n    BullMQ : " + a
            + "\n    other  : " + b);
      }
    }
    Set<String> keys = dataKeys(cell.queue);
    Set<String> refKeys = dataKeys(ref.queue);
    if (!keys.equals(refKeys)) {
      diffs.add("keys left behind: " + keys + ", BullMQ " + refKeys);
    }
    Map<String, String> meta = meta(cell.queue);
    Map<String, String> refMeta = meta(ref.queue);
    if (!meta.equals(refMeta)) {
      diffs.add("meta (version tag aside): " + meta + ", BullMQ " + refMeta);
    }
    assertThat(diffs).as("differences of %s from BullMQ alone", cell).isEmpty();
  }

  @ParameterizedTest(name = "{0} listener={1}")
  @MethodSource("listenerCells")
  void eventsHeardMatchBullmqAlone(Cell cell, Side listener) {
    Cell ref = reference(cell.scenario);
    List<RedisProbe.Event> refStream = probe.events(ref.queue);
    List<RedisProbe.Event> raw = probe.events(cell.queue);
    List<RedisProbe.Event> heard = listener == Side.BULLMQ ? listeners.node(cell.queue)
        : listeners.bullpen(cell.queue);
    if (Boolean.getBoolean("interop.verbose")) {
      System.out.println(cell + ", heard by " + listener + ":\n" + render(heard));
    }
    assertThat(Parity.events(raw, heard)).as("%s listener on %s vs the stream it read%n%s",
        listener, cell, listener == Side.BULLMQ ? listeners.describeNode() : "").isEmpty();
    assertThat(heard.stream().map(RedisProbe.Event::streamId).toList())
        .as("stream ids heard by the %s listener on %s", listener, cell)
        .isEqualTo(raw.stream().map(RedisProbe.Event::streamId).toList());
    assertThat(Parity.events(refStream, heard))
        .as("%s listener on %s vs BullMQ alone's stream:%n%s", listener, cell,
            render(refStream)).isEmpty();
    if (cell.scenario.ordered()) {
      assertThat(activeOrder(heard)).as("order jobs became active, %s", cell)
          .isEqualTo(activeOrder(refStream));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allCells")
  void jobCountsFromBothSidesMatchBullmqAlone(Cell cell) {
    Cell ref = reference(cell.scenario);
    JsonNode counts = dumps.get(cell.queue).get("counts");
    assertThat(counts).as("BullMQ getJobCounts() of %s", cell)
        .isEqualTo(dumps.get(ref.queue).get("counts"));
    JobCounts mine = bullpen.queue(cell.queue).getJobCounts();
    assertThat(mine).as("Bullpen getJobCounts() of %s", cell)
        .isEqualTo(bullpen.queue(ref.queue).getJobCounts());
    // BullMQ 6 has no paused state (a paused queue's jobs count as waiting), nor key for it.
    Map<String, Object> asBullmq = asBullmqCounts(mine);
    assertThat(asBullmq.remove("paused")).as("Bullpen's paused count of %s", cell).isEqualTo(0);
    assertThat(asBullmq).as("Bullpen's and BullMQ's counts of %s", cell)
        .isEqualTo(NodeHelpers.JSON.convertValue(counts, Map.class));
    assertThat(mine.unfinished()).as("%s left unfinished jobs", cell).isZero();
  }

  // ---------------------------------------------------------------- scenario semantics

  @ParameterizedTest(name = "{0}")
  @MethodSource("pauseCells")
  void pausedBacklogWaitsForResume(Cell cell) {
    assertThat(activeBeforeResume.get(cell.queue)).as("jobs active while paused, %s", cell)
        .isZero();
    PausedView view = whilePaused.get(cell.queue);
    PausedView ref = whilePaused.get(reference(cell.scenario).queue);
    for (int i = 0; i < 3; i++) {
      assertThat(view.bullmq.get(i)).as("BullMQ getJobCounts(), getJobState(1),"
          + " getJobState(4) while paused, %s", cell).isEqualTo(ref.bullmq.get(i));
    }
    assertThat(ref.bullmq.get(1).asText()).isEqualTo("waiting");
    assertThat(ref.bullmq.get(2).asText()).isEqualTo("prioritized");
    assertThat(view.bullpenCounts).as("Bullpen getJobCounts() while paused, %s", cell)
        .isEqualTo(ref.bullpenCounts);
    Map<String, Object> asBullmq = asBullmqCounts(view.bullpenCounts);
    assertThat(asBullmq.remove("paused")).isEqualTo(0);
    assertThat(asBullmq).as("Bullpen's and BullMQ's counts while paused, %s", cell)
        .isEqualTo(NodeHelpers.JSON.convertValue(view.bullmq.get(0), Map.class));
    assertThat(view.bullpenStates).as("Bullpen getState(1), getState(4) while paused, %s", cell)
        .containsExactly(ref.bullmq.get(1).asText(), ref.bullmq.get(2).asText());
    assertThat(Parity.queueWide(probe.events(cell.queue))).contains("paused", "resumed");
    assertThat(activeOrder(probe.events(cell.queue))).containsExactly("1", "2", "3", "5", "4");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rateLimitCells")
  void globalRateLimitHolds(Cell cell) {
    // The limiter counts in fixed windows that open with the first job started after the last
    // one expired, and processedOn is the client's clock, taken just before the fetch call: so
    // 6 jobs at 2 per 500 ms need 3 windows (the last start about 1000 ms after the first), and
    // no sliding 500 ms holds more than 2 windows' worth (4 jobs). Slack for the clocks; a
    // limiter letting 3 jobs through per window would span about 500 ms.
    List<Long> starts = times(cell.queue, "processedOn").stream().sorted().toList();
    assertThat(starts.get(5) - starts.get(0)).as("6 jobs at 2 per 500 ms on %s: %s", cell,
        starts).isGreaterThanOrEqualTo(900);
    for (int i = 0; i + 4 < starts.size(); i++) {
      assertThat(starts.get(i + 4) - starts.get(i))
          .as("5 jobs started within 500 ms on %s: %s", cell, starts)
          .isGreaterThanOrEqualTo(400);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("concurrencyCells")
  void globalConcurrencyHolds(Cell cell) {
    // Jobs sleep 150 ms; a fetch's client timestamp may precede the finish it waited for by a
    // few ms, hence the 25 ms of slack.
    List<String> ids = distinct(producedIds.get(cell.queue));
    List<long[]> spans = ids.stream().map(id -> probe.job(cell.queue, id))
        .map(h -> new long[] {Long.parseLong(h.get("processedOn")),
            Long.parseLong(h.get("finishedOn"))}).toList();
    for (long[] s : spans) {
      long running = spans.stream().filter(o -> o[0] <= s[0] && s[0] < o[1] - 25).count();
      assertThat(running).as("jobs running at %d on %s (limit 2)", s[0], cell)
          .isLessThanOrEqualTo(2);
    }
  }

  // ---------------------------------------------------------------- helpers

  static Case find(String name) {
    return CASES.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  static List<String> distinct(List<String> ids) {
    return List.copyOf(new LinkedHashSet<>(ids));
  }

  static List<RedisProbe.Event> activeEvents(String queue) {
    return probe.events(queue).stream().filter(e -> "active".equals(e.name())).toList();
  }

  static List<String> activeOrder(List<RedisProbe.Event> events) {
    return events.stream().filter(e -> "active".equals(e.name())).map(RedisProbe.Event::jobId)
        .toList();
  }

  static List<Long> times(String queue, String field) {
    return distinct(producedIds.get(queue)).stream()
        .map(id -> Long.parseLong(probe.job(queue, id).get(field))).toList();
  }

  /** The queue's keys that hold data (timing-dependent ones left out). */
  static Set<String> dataKeys(String queue) {
    TreeSet<String> keys = probe.keySuffixes(queue);
    keys.removeAll(JobHashParityIT.TIMING_KEYS);
    return keys;
  }

  /** The meta hash without BullMQ's version tag (KnownDifferencesIT). */
  static Map<String, String> meta(String queue) {
    Map<String, String> m = new HashMap<>(probe.redis.hgetall(RedisProbe.key(queue, "meta")));
    m.remove("version");
    return m;
  }

  static Map<String, Object> asBullmqCounts(JobCounts c) {
    Map<String, Object> m = new HashMap<>();
    m.put("waiting", (int) c.waiting());
    m.put("prioritized", (int) c.prioritized());
    m.put("delayed", (int) c.delayed());
    m.put("active", (int) c.active());
    m.put("completed", (int) c.completed());
    m.put("failed", (int) c.failed());
    m.put("paused", (int) c.paused());
    m.put("waiting-children", (int) c.waitingChildren());
    return m;
  }

  static JsonNode decodedWithoutTimes(JsonNode entry) {
    if (entry == null || entry.isNull()) {
      return NodeHelpers.JSON.nullNode();
    }
    ObjectNode copy = entry.deepCopy();
    ObjectNode job = (ObjectNode) copy.get("job");
    for (String f : List.of("timestamp", "processedOn", "finishedOn")) {
      job.put(f, job.get(f) == null || job.get(f).isNull() ? "null"
          : job.get(f).isNumber() ? "<ms>" : "<not a number: " + job.get(f) + ">");
    }
    job.put("stacktrace", job.get("stacktrace").size() + " traces");
    copy.remove("raw");
    return copy;
  }

  static String render(List<RedisProbe.Event> events) {
    StringBuilder sb = new StringBuilder();
    for (RedisProbe.Event e : events) {
      sb.append("  ").append(e.jobId()).append(' ').append(Parity.render(e)).append('\n');
    }
    return sb.toString();
  }
}
