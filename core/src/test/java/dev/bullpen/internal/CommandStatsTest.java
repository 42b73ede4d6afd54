package dev.bullpen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CommandStatsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final CommandStats stats = new CommandStats(now::get);

  @Test
  void latenciesFallIntoTheirBuckets() {
    stats.record(100_000); // 0.1 ms
    stats.record(3_000_000); // 3 ms
    stats.record(9_000_000_000L); // 9 s, beyond the last bound
    CommandStats.Figures f = stats.figures();
    assertThat(f.commands()).isEqualTo(3);
    assertThat(f.totalNanos()).isEqualTo(9_003_100_000L);
    assertThat(f.bucketCounts()[0]).isEqualTo(1);
    int fiveMs = java.util.Arrays.binarySearch(f.boundsMicros(), 5_000);
    assertThat(f.bucketCounts()[fiveMs]).isEqualTo(1);
    assertThat(f.bucketCounts()[f.bucketCounts().length - 1]).isEqualTo(1);
    assertThat(f.bucketCounts()).hasSize(f.boundsMicros().length + 1);
  }

  @Test
  void slowestAndSlowCountCoverTheLastMinuteOnly() {
    stats.record(700_000_000L);
    stats.record(20_000_000L);
    assertThat(stats.figures().slowestNanosLastMinute()).isEqualTo(700_000_000L);
    assertThat(stats.figures().slowLastMinute()).isEqualTo(1);
    now.addAndGet(30_000);
    stats.record(40_000_000L);
    assertThat(stats.figures().slowestNanosLastMinute()).isEqualTo(700_000_000L);
    now.addAndGet(31_000);
    assertThat(stats.figures().slowestNanosLastMinute()).isEqualTo(40_000_000L);
    assertThat(stats.figures().slowLastMinute()).isZero();
  }

  @Test
  void timeoutsAndErrorsAreCountedPerMinuteAndInTotal() {
    for (int i = 0; i < 6; i++) {
      stats.onError();
      stats.onTimeout();
      now.addAndGet(5_000);
    }
    stats.onError();
    CommandStats.Figures f = stats.figures();
    assertThat(f.timeouts()).isEqualTo(6);
    assertThat(f.timeoutsLastMinute()).isEqualTo(6);
    assertThat(f.errorsLastMinute()).isEqualTo(7);
    now.addAndGet(60_000);
    f = stats.figures();
    assertThat(f.timeoutsLastMinute()).isZero();
    assertThat(f.errorsLastMinute()).isZero();
    assertThat(f.errors()).isEqualTo(7);
  }

  @Test
  void aSlotIsReusedAfterAMinute() {
    stats.onTimeout();
    now.addAndGet(60_000); // same slot, a minute later
    stats.onTimeout();
    assertThat(stats.figures().timeoutsLastMinute()).isEqualTo(1);
  }
}
