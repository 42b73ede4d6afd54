package dev.bullpen.internal.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.admin.TimingStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Counts by second, exact nearest-rank percentiles, bounded memory. */
class SampleWindowTest {
  @Test
  void percentilesAreNearestRankOverTheJobsInTheWindow() {
    SampleWindow w = new SampleWindow(1000);
    for (int i = 1; i <= 100; i++) {
      w.record(10_000 + i, false, i, 2L * i, 3L * i);
    }
    SampleWindow.Snapshot s = w.snapshot(0, 20_000);
    assertThat(s.completed()).isEqualTo(100);
    assertThat(s.waitTime()).isEqualTo(new TimingStats(100, Duration.ofMillis(51),
        Duration.ofMillis(50), Duration.ofMillis(95), Duration.ofMillis(99)));
    assertThat(s.processingTime().p99()).isEqualTo(Duration.ofMillis(198));
  }

  @Test
  void jobsWithoutTimingsCountButDoNotSkewTimings() {
    SampleWindow w = new SampleWindow(100);
    w.record(1_000, true, -1, -1, -1);
    w.record(1_500, false, 10, 20, 30);
    SampleWindow.Snapshot s = w.snapshot(0, 2_000);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.completed()).isEqualTo(1);
    assertThat(s.waitTime().count()).isEqualTo(1);
  }

  @Test
  void oldJobsLeaveTheWindowAndOutOfOrderFinishesStillCount() {
    SampleWindow w = new SampleWindow(100);
    w.record(5_000, false, 1, 1, 1);
    w.record(65_000, false, 2, 2, 2);
    w.record(64_000, true, 3, 3, 3);
    w.prune(60_000);
    SampleWindow.Snapshot s = w.snapshot(60_000, 70_000);
    assertThat(s.completed()).isEqualTo(1);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.waitTime().count()).isEqualTo(2);
  }

  @Test
  void keepsOnlyTheNewestTimingsBeyondItsCapacity() {
    SampleWindow w = new SampleWindow(100);
    for (int i = 0; i < 1000; i++) {
      w.record(1_000 + i, false, i, i, i);
    }
    SampleWindow.Snapshot s = w.snapshot(0, 10_000);
    assertThat(s.completed()).as("counts stay exact").isEqualTo(1000);
    assertThat(s.waitTime().count()).isEqualTo(100);
    assertThat(s.waitTime().p50()).isEqualTo(Duration.ofMillis(949));
  }

  @Test
  void growsItsRingUpToCapacityThenKeepsTheNewest() {
    SampleWindow w = new SampleWindow(1000);
    for (int i = 0; i < 700; i++) {
      w.record(1_000 + i, false, i, i, i);
    }
    assertThat(w.snapshot(0, 10_000).waitTime().count()).isEqualTo(700);
    assertThat(w.snapshot(0, 10_000).waitTime().p99()).isEqualTo(Duration.ofMillis(692));
    for (int i = 700; i < 3000; i++) {
      w.record(1_000 + i, false, i, i, i);
    }
    SampleWindow.Snapshot s = w.snapshot(0, 10_000);
    assertThat(s.waitTime().count()).isEqualTo(1000);
    assertThat(s.waitTime().p50()).isEqualTo(Duration.ofMillis(2499));
    assertThat(s.waitTime().average()).isEqualTo(Duration.ofMillis(2500));
  }
}
