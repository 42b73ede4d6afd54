package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobState;
import dev.bullpen.Queue;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.util.Map;
import org.junit.jupiter.api.Test;

@RedisTest
class AddCommandIT {
  @Test
  void addsTheJobAndPrintsItsId(RedisServer redis) {
    String queue = TestNames.uniqueQueue("add");
    CliRun run = CliRun.of("add", queue, "welcome", "{\"to\":\"ada@example.com\",\"n\":[1,2.5]}",
        "--redis", redis.uri());

    assertThat(run.exitCode()).as(run.err()).isZero();
    String id = run.out().strip();
    try (Bullpen bullpen = Bullpen.connect(redis.uri())) {
      Job<Object> job = bullpen.queue(queue).getJob(id).orElseThrow();
      assertThat(job.name()).isEqualTo("welcome");
      assertThat(job.dataJson()).isEqualTo("{\"to\":\"ada@example.com\",\"n\":[1,2.5]}");
      assertThat(job.getState()).isEqualTo(JobState.WAITING);
    }
  }

  @Test
  void appliesDelayPriorityAttemptsAndCustomId(RedisServer redis) {
    String queue = TestNames.uniqueQueue("add");
    CliRun delayed = CliRun.of("add", queue, "later", "{}", "--delay", "1m", "--attempts", "3",
        "--backoff", "2s", "--job-id", "order-7", "--redis", redis.uri());
    CliRun prioritized = CliRun.of("add", queue, "urgent", "{}", "--priority", "1",
        "--redis", redis.uri());

    assertThat(delayed.exitCode()).as(delayed.err()).isZero();
    assertThat(delayed.out().strip()).isEqualTo("order-7");
    assertThat(prioritized.exitCode()).as(prioritized.err()).isZero();
    try (Bullpen bullpen = Bullpen.connect(redis.uri())) {
      Queue<Object> q = bullpen.queue(queue);
      Job<Object> job = q.getJob("order-7").orElseThrow();
      assertThat(job.getState()).isEqualTo(JobState.DELAYED);
      assertThat(job.opts().attempts()).isEqualTo(3);
      assertThat(job.opts().backoff().type()).isEqualTo("exponential");
      assertThat(q.getState(prioritized.out().strip())).isEqualTo(JobState.PRIORITIZED);
    }
  }

  @Test
  void malformedJsonExitsTwoAndWritesNothing(RedisServer redis) {
    String queue = TestNames.uniqueQueue("add");
    long keysBefore = redis.dbSize();

    CliRun run = CliRun.of("add", queue, "welcome", "{\"to\": ada}", "--redis", redis.uri());

    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).startsWith("bullpen add: malformed JSON data at line 1, column 11")
        .contains("nothing was added").doesNotContain("\tat ");
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.out()).isEmpty();
    assertThat(redis.dbSize()).isEqualTo(keysBefore);
    try (Bullpen bullpen = Bullpen.connect(redis.uri())) {
      assertThat(bullpen.queue(queue).getJobCounts().unfinished()).isZero();
    }
  }

  @Test
  void trailingGarbageAndInvalidOptionsWriteNothing(RedisServer redis) {
    String queue = TestNames.uniqueQueue("add");
    long keysBefore = redis.dbSize();

    CliRun trailing = CliRun.of("add", queue, "x", "{} {}", "--redis", redis.uri());
    CliRun empty = CliRun.of("add", queue, "x", " ", "--redis", redis.uri());
    CliRun priority = CliRun.of("add", queue, "x", "{}", "--priority", "-1",
        "--redis", redis.uri());

    assertThat(Map.of("trailing", trailing.exitCode(), "empty", empty.exitCode(),
        "priority", priority.exitCode())).containsOnly(Map.entry("trailing", Main.USAGE),
        Map.entry("empty", Main.USAGE), Map.entry("priority", Main.USAGE));
    assertThat(priority.err()).contains("priority must be between 0 and");
    assertThat(redis.dbSize()).isEqualTo(keysBefore);
  }
}
