package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.JobCounts;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance (c): the same workload is played four times, each on its own queue, and what
 * Bullpen writes is compared with what BullMQ itself writes.
 *
 * <ul>
 *   <li>reference: BullMQ producer + BullMQ worker;
 *   <li>bullpen: Bullpen producer + Bullpen worker;
 *   <li>node-to-bullpen: BullMQ producer + Bullpen worker;
 *   <li>bullpen-to-node: Bullpen producer + BullMQ worker.
 * </ul>
 *
 * The workload covers a plain completed job, a job failing twice (attempts 2, fixed backoff)
 * until retries are exhausted, progress as a number and as an object plus a log row, a delayed
 * job, a prioritized job, a delayed prioritized job, a custom id added twice (duplicated),
 * removeOnComplete:true, a job that fails once then completes (exponential backoff) and one
 * failed at once by an unrecoverable error. Compared: every job hash field by field ({@link Parity#jobHash}), each
 * job's events in order ({@link Parity#events}), BullMQ's and Bullpen's job counts, BullMQ's
 * decoded getJob() view, and the set of keys left behind.
 */
class JobHashParityIT extends InteropTestBase {
  static final String WORKER_NAME = "w";
  /** Job ids in add order: automatic ids count every add, the duplicate included. */
  static final List<String> IDS = List.of("1", "2", "3", "4", "5", "my-id", "8", "9",
      "10", "11");
  /** Keys whose presence depends on timing (blocking, stall checks), not on the data. */
  static final Set<String> TIMING_KEYS = Set.of("marker", "stalled-check", "stalled", "limiter");

  record Run(String label, String queue, List<String> producedIds) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Run reference;
  static final Map<String, Run> runs = new LinkedHashMap<>();
  /** dump.js output per queue, read once (each node start costs about half a second). */
  static final Map<String, JsonNode> dumps = new HashMap<>();

  static synchronized JsonNode dump(String queue) {
    return dumps.computeIfAbsent(queue, q -> nodeDump(q, IDS));
  }

  static Scenario scenario() {
    return new Scenario()
        .add("ok", Map.of("a", 1, "path", "x/y"), Map.of())
        .add("boom", Map.of(), Map.of("attempts", 2,
            "backoff", Map.of("type", "fixed", "delay", 200)))
        .add("progress", Map.of("p", true), Map.of())
        .add("ok", 1, Map.of("delay", 300))
        .add("ok", Map.of("prio", 1), Map.of("priority", 5))
        .add("ok", null, Map.of("jobId", "my-id"))
        .add("ok", Map.of("again", true), Map.of("jobId", "my-id"))
        .add("rm", Map.of(), Map.of("removeOnComplete", true))
        .add("ok", List.of(1, "two"), Map.of("delay", 300, "priority", 3))
        .add("flaky", "text data", Map.of("attempts", 3,
            "backoff", Map.of("type", "exponential", "delay", 100)))
        .add("fatal", Map.of(), Map.of("attempts", 3))
        .behave("ok", Map.of("returns", Map.of("result", 1, "arr", List.of(1, 2))))
        .behave("boom", Map.of("fail", "boom"))
        .behave("progress", Map.of("progress", List.of(42, Map.of("step", 2)),
            "logs", List.of("a log row"), "returns", "done"))
        .behave("rm", Map.of("logs", List.of("gone with the job"), "returns", "bye"))
        .behave("flaky", Map.of("fail", "flaky", "failAttempts", 1, "returns", "recovered"))
        .behave("fatal", Map.of("fail", "fatal", "unrecoverable", true));
  }

  @BeforeAll
  static void playScenarioFourTimes() {
    Scenario s = scenario();
    int finals = IDS.size();
    Duration timeout = Duration.ofSeconds(20);

    String qa = TestNames.uniqueQueue("parity-bullmq");
    List<String> ids = nodeProduce(qa, s);
    nodeWork(qa, s, finals, WORKER_NAME);
    reference = new Run("reference", qa, ids);

    String qb = TestNames.uniqueQueue("parity-bullpen");
    ids = s.addWithBullpen(bullpen.queue(qb));
    s.runBullpenWorker(bullpen, qb, finals, WORKER_NAME, timeout);
    runs.put("bullpen", new Run("bullpen producer + bullpen worker", qb, ids));

    String qc = TestNames.uniqueQueue("parity-n2b");
    ids = nodeProduce(qc, s);
    s.runBullpenWorker(bullpen, qc, finals, WORKER_NAME, timeout);
    runs.put("node-to-bullpen", new Run("bullmq producer + bullpen worker", qc, ids));

    String qd = TestNames.uniqueQueue("parity-b2n");
    ids = s.addWithBullpen(bullpen.queue(qd));
    nodeWork(qd, s, finals, WORKER_NAME);
    runs.put("bullpen-to-node", new Run("bullpen producer + bullmq worker", qd, ids));
  }

  static Stream<Run> bullpenRuns() {
    return runs.values().stream();
  }

  @Test
  void referenceRunBehavesAsFormatMdSays() {
    assertThat(reference.producedIds()).containsExactly("1", "2", "3", "4", "5", "my-id",
        "my-id", "8", "9", "10", "11");
    Map<String, String> failed = probe.job(reference.queue(), "2");
    assertThat(failed).containsEntry("atm", "2").containsEntry("ats", "2")
        .containsEntry("failedReason", "boom").containsEntry("delay", "0");
    assertThat(probe.keySuffixes(reference.queue())).doesNotContain("8", "8:logs");
    // A retried job that then completes keeps the earlier attempt's reason and trace.
    assertThat(probe.job(reference.queue(), "10")).containsEntry("atm", "2")
        .containsEntry("failedReason", "flaky").containsEntry("returnvalue", "\"recovered\"");
    // An unrecoverable error ends the job at once; no retries-exhausted (atm 1 < attempts 3).
    assertThat(probe.job(reference.queue(), "11")).containsEntry("atm", "1")
        .containsEntry("failedReason", "fatal");
    assertThat(Parity.perJob(probe.events(reference.queue())).get("11"))
        .noneMatch(e -> e.startsWith("retries-exhausted"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenRuns")
  void addReturnsTheSameIds(Run run) {
    assertThat(run.producedIds()).isEqualTo(reference.producedIds());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenRuns")
  void jobHashesMatchBullmqFieldByField(Run run) {
    List<String> diffs = new ArrayList<>();
    for (String id : IDS) {
      if (!id.equals("8")) {
        assertThat(probe.job(reference.queue(), id)).as("BullMQ's job %s", id).isNotEmpty();
        assertThat(probe.job(run.queue(), id)).as("job %s of %s", id, run).isNotEmpty();
      }
      if (Boolean.getBoolean("interop.verbose")) {
        System.out.println(run + " job " + id + "\n  BullMQ: " + probe.job(reference.queue(), id)
            + "\n  other : " + probe.job(run.queue(), id));
      }
      diffs.addAll(Parity.jobHash("job " + id, probe.job(reference.queue(), id),
          probe.job(run.queue(), id)));
    }
    assertThat(diffs).as("job hash differences, %s vs BullMQ alone", run).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenRuns")
  void eventsOfEachJobMatchBullmq(Run run) {
    List<RedisProbe.Event> ref = probe.events(reference.queue());
    List<RedisProbe.Event> other = probe.events(run.queue());
    assertThat(Parity.perJob(ref).keySet()).containsExactlyInAnyOrderElementsOf(IDS);
    if (Boolean.getBoolean("interop.verbose")) {
      System.out.println("BullMQ:\n" + render(ref) + run + ":\n" + render(other));
    }
    assertThat(Parity.events(ref, other))
        .as("event differences, %s vs BullMQ alone; BullMQ's stream:%n%s", run, render(ref))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenRuns")
  void jobCountsMatchBullmq(Run run) {
    JsonNode refCounts = dump(reference.queue()).get("counts");
    JsonNode counts = dump(run.queue()).get("counts");
    assertThat(counts).as("BullMQ getJobCounts() of %s", run).isEqualTo(refCounts);
    assertThat(refCounts.get("completed").asInt()).isEqualTo(7);
    assertThat(refCounts.get("failed").asInt()).isEqualTo(2);

    JobCounts mine = bullpen.queue(run.queue()).getJobCounts();
    JobCounts theirs = bullpen.queue(reference.queue()).getJobCounts();
    assertThat(mine).as("Bullpen getJobCounts() of %s", run).isEqualTo(theirs);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenRuns")
  void bullmqDecodesTheJobsAlike(Run run) {
    JsonNode ref = dump(reference.queue()).get("jobs");
    JsonNode other = dump(run.queue()).get("jobs");
    List<String> diffs = new ArrayList<>();
    for (String id : IDS) {
      JsonNode a = decodedWithoutTimes(ref.get(id));
      JsonNode b = decodedWithoutTimes(other.get(id));
      if (!Parity.sameJson(a, b)) {
        diffs.add("job " + id + ":\n    BullMQ : " + a + "\n    other  : " + b);
      }
    }
    assertThat(diffs).as("BullMQ getJob()/getState() differences, %s", run).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenRuns")
  void sameKeysAreLeftBehind(Run run) {
    TreeSet<String> ref = probe.keySuffixes(reference.queue());
    TreeSet<String> other = probe.keySuffixes(run.queue());
    ref.removeAll(TIMING_KEYS);
    other.removeAll(TIMING_KEYS);
    assertThat(other).as("keys of %s (bull:<queue>: cut off)", run).isEqualTo(ref);
    // removeOnComplete:true leaves nothing of job 8, not even its log.
    assertThat(other).doesNotContain("8", "8:logs", "8:lock");
    assertThat(probe.redis.zscore(RedisProbe.key(run.queue(), "completed"), "8")).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenRuns")
  void logsMatchBullmq(Run run) {
    assertThat(probe.redis.lrange(RedisProbe.key(run.queue(), "3:logs"), 0, -1))
        .isEqualTo(probe.redis.lrange(RedisProbe.key(reference.queue(), "3:logs"), 0, -1))
        .containsExactly("a log row");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bullpenRuns")
  void metaHashMatchesBullmqExceptTheVersionTag(Run run) {
    Map<String, String> ref = new HashMap<>(probe.redis.hgetall(RedisProbe.key(reference.queue(),
        "meta")));
    Map<String, String> other = new HashMap<>(probe.redis.hgetall(RedisProbe.key(run.queue(),
        "meta")));
    // A BullMQ Queue object writes version=bullmq:<v> when constructed (FORMAT.md 5.3); which
    // runs constructed one differs by design, so only the shared fields are compared.
    ref.remove("version");
    other.remove("version");
    assertThat(other).isEqualTo(ref).containsEntry("opts.maxLenEvents", "10000");
  }

  private static JsonNode decodedWithoutTimes(JsonNode entry) {
    if (entry == null || entry.isNull()) {
      return entry == null ? NodeHelpers.JSON.nullNode() : entry;
    }
    ObjectNode copy = entry.deepCopy();
    ObjectNode job = (ObjectNode) copy.get("job");
    for (String f : List.of("timestamp", "processedOn", "finishedOn")) {
      assertThat(job.get(f).isNumber() || job.get(f).isNull())
          .as("%s of %s", f, entry).isTrue();
      job.put(f, job.get(f).isNull() ? "null" : "<ms>");
    }
    job.put("stacktrace", job.get("stacktrace").size() + " traces");
    copy.remove("raw");
    return copy;
  }

  private static String render(List<RedisProbe.Event> events) {
    StringBuilder sb = new StringBuilder();
    for (RedisProbe.Event e : events) {
      sb.append("  ").append(e.jobId()).append(' ').append(Parity.render(e)).append('\n');
    }
    return sb.toString();
  }
}
