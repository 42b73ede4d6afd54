package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void noCommandIsAUsageError() {
    CliRun run = CliRun.of();
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).startsWith("bullpen: missing a command, e.g. 'bullpen demo'")
        .contains("Usage: bullpen");
  }

  @Test
  void versionNamesTheBuild() {
    CliRun run = CliRun.of("--version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("bullpen 0.");
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun run = CliRun.of("stats", "q", "--nope");
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).isEqualTo("bullpen stats: Unknown option: '--nope'\n"
        + "Try 'bullpen stats --help' for more information.\n");
  }

  @Test
  void unreachableRedisIsOneLineWithoutStackTrace() throws IOException {
    CliRun run = CliRun.of("stats", "q", "--redis", "redis://127.0.0.1:" + closedPort());
    assertThat(run.exitCode()).isEqualTo(Main.FAILED);
    assertThat(run.err()).startsWith("bullpen stats: cannot reach Redis at 127.0.0.1:")
        .contains("start Redis there, or point --redis or $BULLPEN_REDIS_URL at one")
        .doesNotContain("\tat ");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @Test
  void verboseAddsTheStackTraceBeforeOrAfterTheSubcommand() throws IOException {
    String uri = "redis://127.0.0.1:" + closedPort();
    assertThat(CliRun.of("--verbose", "stats", "q", "--redis", uri).err()).contains("\tat ");
    assertThat(CliRun.of("stats", "q", "--verbose", "--redis", uri).err()).contains("\tat ");
  }

  @Test
  void malformedRedisUriIsAUsageError() {
    CliRun run = CliRun.of("stats", "q", "--redis", "http://localhost");
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).startsWith("bullpen stats: invalid Redis URI");
  }

  @Test
  void demoRefusesRedisTogetherWithPrivateRedis() {
    CliRun run = CliRun.of("demo", "--redis", "redis://127.0.0.1:1", "--private-redis");
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("--redis cannot be combined with --private-redis");
  }

  /** A loopback port nothing listens on (never 6379). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
