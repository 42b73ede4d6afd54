package dev.bullpen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchArgsTest {
  @Test
  void defaultsFollowTheNodeHarness() {
    BenchArgs a = BenchArgs.parse();
    assertThat(a.test).isEqualTo("process");
    assertThat(a.jobsOrDefault()).isEqualTo(100_000);
    assertThat(a.batch).isEqualTo(1000);
    assertThat(a.procs).isEqualTo(1);
    assertThat(a.concurrency).isNull();
    assertThat(a.remove).isNull();
    assertThat(a.rate).isEqualTo(500);
    assertThat(a.duration).isEqualTo(20);
    assertThat(a.warmup).isEqualTo(2);
    assertThat(a.timeout).isEqualTo(300);
    assertThat(a.queue).isEqualTo("bench");
    assertThat(a.idleWindowSeconds()).isEqualTo(60);
    assertThat(a.singleWindow()).isEqualTo(100);
  }

  @Test
  void enqueueSingleDefaultsToTwentyThousandJobs() {
    assertThat(BenchArgs.parse("--test", "enqueue-single").jobsOrDefault()).isEqualTo(20_000);
    assertThat(BenchArgs.parse("--test", "enqueue-bulk").jobsOrDefault()).isEqualTo(100_000);
  }

  @Test
  void readsEveryFlagOfBenchBullmq() {
    BenchArgs a = BenchArgs.parse("--test", "process", "--jobs", "20000", "--batch", "500",
        "--window", "10", "--concurrency", "100", "--procs", "4", "--remove", "true",
        "--rate", "2000", "--duration", "5", "--timeout", "30");
    assertThat(a.jobsOrDefault()).isEqualTo(20_000);
    assertThat(a.batch).isEqualTo(500);
    assertThat(a.idleWindowSeconds()).isEqualTo(10);
    assertThat(a.concurrency).isEqualTo(100);
    assertThat(a.procs).isEqualTo(4);
    assertThat(a.remove).isTrue();
    assertThat(a.rate).isEqualTo(2000);
    assertThat(a.duration).isEqualTo(5);
    assertThat(a.timeout).isEqualTo(30);
  }

  @Test
  void aBareFlagMeansTrue() {
    assertThat(BenchArgs.parse("--remove", "--test", "latency").remove).isTrue();
    assertThat(BenchArgs.parse("--test", "latency", "--remove").remove).isTrue();
    assertThat(BenchArgs.parse("--remove", "false").remove).isFalse();
  }

  @Test
  void rejectsUnknownTestsAndBadNumbers() {
    assertThatThrownBy(() -> BenchArgs.parse("--test", "nope"))
        .hasMessageContaining("unknown --test nope");
    assertThatThrownBy(() -> BenchArgs.parse("--jobs", "many"))
        .hasMessageContaining("--jobs must be an integer, got 'many'");
    assertThatThrownBy(() -> BenchArgs.parse("--remove", "maybe"))
        .hasMessageContaining("--remove must be true or false");
  }
}
