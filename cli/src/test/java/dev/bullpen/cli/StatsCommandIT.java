package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.JobOptions;
import dev.bullpen.Queue;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@RedisTest
class StatsCommandIT {
  @Test
  void printsEveryStateWithItsCount(RedisServer redis) {
    String queue = TestNames.uniqueQueue("stats");
    try (Bullpen bullpen = Bullpen.connect(redis.uri())) {
      Queue<Object> q = bullpen.queue(queue);
      q.add("a", Map.of());
      q.add("b", Map.of());
      q.add("c", Map.of(), JobOptions.builder().delay(Duration.ofMinutes(5)).build());
      q.add("d", Map.of(), JobOptions.builder().priority(3).build());
    }

    CliRun run = CliRun.of("stats", queue, "--redis", redis.uri());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("queue " + queue + " on " + redis.uri())
        .containsPattern("waiting +2\n").containsPattern("prioritized +1\n")
        .containsPattern("delayed +1\n").containsPattern("completed +0\n")
        .containsPattern("waiting-children +0\n");
  }

  @Test
  void printsJsonWhenAsked(RedisServer redis) {
    String queue = TestNames.uniqueQueue("stats");
    try (Bullpen bullpen = Bullpen.connect(redis.uri())) {
      bullpen.queue(queue).add("a", Map.of());
    }

    CliRun run = CliRun.of("stats", queue, "--json", "--redis", redis.uri());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().strip()).isEqualTo("{\"waiting\": 1, \"prioritized\": 0, \"delayed\": 0,"
        + " \"active\": 0, \"completed\": 0, \"failed\": 0, \"paused\": 0,"
        + " \"waiting-children\": 0}");
  }

  @Test
  void saysSoWhenTheQueueIsEmpty(RedisServer redis) {
    CliRun run = CliRun.of("stats", TestNames.uniqueQueue("nothing"), "--redis", redis.uri());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("(no jobs: the queue is empty or does not exist)");
  }
}
