package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.JobCounts;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@RedisTest
class DemoCommandIT {
  @Test
  void runsThePipelineAndStopsGracefullyAfterExitAfter(RedisServer redis) {
    String prefix = TestNames.uniqueQueue("demo");
    long started = System.nanoTime();

    CliRun run = CliRun.of("demo", "--redis", redis.uri(), "--exit-after", "3",
        "--queue-prefix", prefix, "--every", "300ms");

    assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    assertThat(run.err()).contains("using Redis at " + redis.uri());
    assertThat(run.out()).contains("added", "started", "progress 25%", "completed in",
        "FAILED for good", "time is up", "Summary after", prefix + "-videos");
    try (Bullpen bullpen = Bullpen.connect(redis.uri())) {
      JobCounts videos = bullpen.queue(prefix + "-videos").getJobCounts();
      assertThat(videos.completed()).isPositive();
      assertThat(videos.failed()).as("the corrupt video").isEqualTo(1);
      assertThat(videos.active()).as("workers closed gracefully").isZero();
      assertThat(bullpen.queue(prefix + "-thumbnails").getJobCounts().active()).isZero();
    }
  }

  @Test
  void cleanDeletesTheQueuesAtTheEnd(RedisServer redis) {
    String prefix = TestNames.uniqueQueue("demo");

    CliRun run = CliRun.of("demo", "--redis", redis.uri(), "--exit-after", "1", "--jobs", "2",
        "--queue-prefix", prefix, "--clean");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(redis.command("KEYS", "bull:" + prefix + "-*")).isEmpty();
  }

  @Test
  void startsTheRedisShippedInTheJarWhenNoneIsInstalled() {
    CommandLine cli = Main.commandLine();
    DemoCommand demo = (DemoCommand) cli.getSubcommands().get("demo").getCommand();
    demo.selector = new RedisSelector(name -> null, () -> false, Optional::empty,
        new RedisSelector.RealStarter());

    CliRun run = CliRun.of(cli, "demo", "--exit-after", "2", "--jobs", "3");

    assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
    assertThat(run.err()).contains("no Redis configured and none on localhost:6379: started a"
        + " private redis-server (Redis 6.2 shipped in the jar; no redis-server installed) on port")
        .contains("it will be removed on exit");
    // Two seconds are too short for a transcode to finish; a started job shows the embedded
    // Redis serving workers.
    assertThat(run.out()).contains("started", "Summary after");
    Matcher port = Pattern.compile("on port (\\d+),").matcher(run.err());
    assertThat(port.find()).isTrue();
    assertThat(LocalRedisProbe.answersPing("127.0.0.1", Integer.parseInt(port.group(1)),
        Duration.ofMillis(500))).as("the private server is gone").isFalse();
  }
}
