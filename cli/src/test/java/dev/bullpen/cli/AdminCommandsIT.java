package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import dev.bullpen.JobState;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bullpen stats|jobs|retry|pause|resume|clean} on a real redis-server. */
@RedisTest
class AdminCommandsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private RedisServer redis;
  private Bullpen bullpen;
  private String q;
  private Queue<Object> queue;

  @BeforeEach
  void setUp(RedisServer redis) {
    this.redis = redis;
    bullpen = Bullpen.connect(redis.uri());
    q = TestNames.uniqueQueue("cli-admin");
    queue = bullpen.queue(q);
  }

  @AfterEach
  void tearDown() {
    bullpen.close();
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--redis");
    all.add(redis.uri());
    return CliRun.of(all.toArray(new String[0]));
  }

  /** Fails "bad*" jobs (attempts 2), completes the others; returns once all are finished. */
  private void process(int bad, int good) {
    for (int i = 0; i < bad; i++) {
      queue.add(i % 2 == 0 ? "bad-even" : "bad-odd", Map.of("i", i),
          JobOptions.builder().attempts(2).build());
    }
    for (int i = 0; i < good; i++) {
      queue.add("good", Map.of("i", i));
    }
    Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      j.log("attempt " + j.attemptsMade());
      if (j.name().startsWith("bad")) {
        throw new IllegalStateException("broken " + j.name());
      }
      return "ok";
    });
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == bad
        && queue.getJobCounts().completed() == good);
    w.close();
  }

  private String digest() {
    return redis.command("DEBUG", "DIGEST") + "/" + redis.dbSize();
  }

  @Test
  void statsListsEveryQueueAndShowsOneQueuesTimings() {
    process(2, 3);
    queue.add("waiting", Map.of());
    queue.pause();

    CliRun all = run("stats");
    CliRun one = run("stats", q);

    assertThat(all.exitCode()).as(all.err()).isZero();
    assertThat(all.out()).containsPattern("QUEUE +PAUSED +WAITING +PRIORITIZED +DELAYED +ACTIVE"
        + " +COMPLETED +FAILED\n");
    assertThat(all.out()).containsPattern(q + " +yes +1 +0 +0 +0 +3 +2\n");
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(one.out()).contains("queue " + q + " on " + redis.uri() + " (PAUSED)")
        .containsPattern("failed +2\n").containsPattern("completed +3\n")
        .contains("times of the newest 5 finished jobs (ms):")
        .containsPattern("TIME +JOBS +AVG +P50 +P95 +P99\n")
        .containsPattern("  wait +5 +\\d+ +\\d+ +\\d+ +\\d+\n")
        .containsPattern("  processing +5 +\\d+");
  }

  @Test
  void jobsPrintsATablePageASearchAndOneJobInFull() {
    process(3, 0);
    Job<Object> first = queue.getJobs(JobState.FAILED, 0, -1, true).get(0);

    CliRun page = run("jobs", q, "--state", "failed", "--limit", "2");
    CliRun search = run("jobs", q, "--state", "failed", "--search", "ODD");
    CliRun detail = run("jobs", q, first.id());

    assertThat(page.exitCode()).as(page.err()).isZero();
    assertThat(page.out()).containsPattern("ID +NAME +ADDED \\(UTC\\) +FINISHED \\(UTC\\) +ATTEMPTS"
        + " +PROGRESS +FAILED REASON\n").contains("(1-2 of 3 failed jobs)")
        .containsPattern("bad-(even|odd) .* 2 +0 +broken bad-");
    assertThat(page.out().lines().count()).isEqualTo(4);
    assertThat(search.exitCode()).isZero();
    assertThat(search.out()).contains("bad-odd").doesNotContain("bad-even")
        .contains("(1-1 of 1 failed job)");
    assertThat(detail.exitCode()).as(detail.err()).isZero();
    assertThat(detail.out()).containsPattern("state +failed\n")
        .containsPattern("attempts +2 of 2\n").contains("data: " + first.dataJson())
        .contains("failed reason: broken " + first.name()).contains("stack trace 2 of 2:")
        .contains("java.lang.IllegalStateException").contains("logs (2 rows):")
        .contains("  attempt 0\n  attempt 1\n");
  }

  @Test
  void retryOneAndRetryFailedWithFiltersDrawAProgressBar() {
    process(6, 0);
    String one = queue.getJobs(JobState.FAILED, 0, -1, true).stream()
        .filter(j -> j.name().equals("bad-even")).findFirst().orElseThrow().id();

    CliRun single = run("retry", q, one);
    assertThat(single.exitCode()).as(single.err()).isZero();
    assertThat(single.out().strip()).isEqualTo("job " + one + " is waiting");

    CliRun young = run("retry", q, "--failed", "--older-than", "1h");
    assertThat(young.exitCode()).as(young.err()).isZero();
    assertThat(young.out()).contains("retried 0 failed jobs");

    CliRun odd = run("retry", q, "--failed", "--name", "bad-odd", "--batch-size", "1");
    assertThat(odd.exitCode()).as(odd.err()).isZero();
    assertThat(odd.out().strip()).isEqualTo("retried 3 failed jobs of queue " + q);
    assertThat(odd.err()).contains("\rretrying [").contains("% 1/5").contains("% 3/5")
        .endsWith("\rretrying [" + "#".repeat(ProgressBar.WIDTH) + "] 100% 3/3\n");
    assertThat(queue.getJobCounts().failed()).isEqualTo(2);
    assertThat(queue.getJobs(JobState.FAILED, 0, -1, true)).allMatch(j ->
        j.name().equals("bad-even"));

    CliRun reset = run("retry", q, "--failed", "--reset-attempts");
    assertThat(reset.exitCode()).as(reset.err()).isZero();
    assertThat(reset.out()).contains("requeued 2 failed jobs");
    assertThat(reset.err()).contains("requeueing [" + "#".repeat(ProgressBar.WIDTH) + "] 100%");
    assertThat(queue.getJobs(JobState.WAITING, 0, -1, true)).hasSize(6);
  }

  @Test
  void pauseResumeAndCleanWithAProgressBar() {
    for (int i = 0; i < 7; i++) {
      queue.add("old", Map.of());
    }

    assertThat(run("pause", q).out().strip()).isEqualTo("queue " + q + " paused");
    assertThat(queue.isPaused()).isTrue();
    assertThat(run("resume", q).out().strip()).isEqualTo("queue " + q + " resumed");
    assertThat(queue.isPaused()).isFalse();

    CliRun limited = run("clean", q, "--state", "waiting", "--older-than", "0", "--limit", "5",
        "--batch-size", "2");
    assertThat(limited.exitCode()).as(limited.err()).isZero();
    assertThat(limited.out().strip()).isEqualTo("removed 5 waiting jobs of queue " + q);
    assertThat(limited.err()).contains("cleaning [").contains(" 2/5").contains(" 4/5")
        .contains("100% 5/5");
    assertThat(queue.getJobCounts().waiting()).isEqualTo(2);
    CliRun young = run("clean", q, "--state", "waiting", "--older-than", "1h");
    assertThat(young.out()).contains("removed 0 waiting jobs");
    assertThat(queue.getJobCounts().waiting()).isEqualTo(2);
  }

  @Test
  void badInputExitsWithAClearLineAndChangesNothing() {
    process(1, 0);
    Job<Object> waiting = queue.add("idle", Map.of());
    String missing = TestNames.uniqueQueue("cli-missing");
    String before = digest();

    Object[][] cases = {
      {new String[] {"pause", missing}, Main.FAILED, "does not exist"},
      {new String[] {"resume", missing}, Main.FAILED, "does not exist"},
      {new String[] {"jobs", missing}, Main.FAILED, "does not exist"},
      {new String[] {"retry", missing, "--failed"}, Main.FAILED, "does not exist"},
      {new String[] {"clean", missing, "--state", "failed", "--older-than", "0"}, Main.FAILED,
        "does not exist"},
      {new String[] {"retry", q, waiting.id()}, Main.FAILED, "not failed or completed"},
      {new String[] {"retry", q, "--reset-attempts", waiting.id()}, Main.FAILED,
        "only failed jobs are dead letters"},
      {new String[] {"retry", q, "999"}, Main.FAILED, "does not exist"},
      {new String[] {"jobs", q, "meta"}, Main.FAILED, "does not exist"},
      {new String[] {"retry", q}, Main.USAGE, "give the job ids to retry, or --failed"},
      {new String[] {"retry", q, "1", "--failed"}, Main.USAGE, "not both"},
      {new String[] {"retry", q, "--failed", "--batch-size", "0"}, Main.USAGE, "--batch-size"},
      {new String[] {"retry", q, "--failed", "--name", ""}, Main.USAGE, "name must be"},
      {new String[] {"retry", q, "--name", "x", "1"}, Main.USAGE, "go with --failed"},
      {new String[] {"clean", q, "--state", "active", "--older-than", "0"}, Main.USAGE,
        "--state must be"},
      {new String[] {"clean", q, "--state", "bogus", "--older-than", "0"}, Main.USAGE,
        "unknown job state"},
      {new String[] {"clean", q, "--state", "failed"}, Main.USAGE, "--older-than"},
      {new String[] {"clean", q, "--state", "failed", "--older-than", "0", "--limit", "-1"},
        Main.USAGE, "--limit"},
      {new String[] {"jobs", q, "--limit", "0"}, Main.USAGE, "--limit must be"},
      {new String[] {"jobs", q, "--start", "-1"}, Main.USAGE, "--start must be"},
      {new String[] {"jobs", q, "--state", "nope"}, Main.USAGE, "unknown job state"},
      {new String[] {"stats", q, "--sample", "0"}, Main.USAGE, "--sample"},
      {new String[] {"pause", "a:b"}, Main.USAGE, "queue name must not contain ':'"},
    };
    for (Object[] c : cases) {
      String[] args = (String[]) c[0];
      CliRun r = run(args);
      assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(c[1]);
      assertThat(r.err()).as(String.join(" ", args)).contains((String) c[2])
          .doesNotContain("\tat ");
    }

    assertThat(digest()).isEqualTo(before);
    assertThat(queue.getState(waiting.id())).isEqualTo(JobState.WAITING);
  }
}
