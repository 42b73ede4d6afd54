package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimingReportTest {
  private static List<Duration> ms(long... v) {
    List<Duration> out = new ArrayList<>();
    Arrays.stream(v).forEach(x -> out.add(Duration.ofMillis(x)));
    return out;
  }

  @Test
  void percentilesAreNearestRanksOfTheSortedSample() {
    List<Duration> hundred = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      hundred.add(Duration.ofMillis(i));
    }
    TimingReport.Summary s = TimingReport.Summary.of(hundred);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.average()).isEqualTo(Duration.ofMillis(51)); // 50.5 rounds up
    assertThat(s.p50()).isEqualTo(Duration.ofMillis(50));
    assertThat(s.p95()).isEqualTo(Duration.ofMillis(95));
    assertThat(s.p99()).isEqualTo(Duration.ofMillis(99));
  }

  @Test
  void oneValueIsEveryFigureAndNoValueIsEmpty() {
    TimingReport.Summary one = TimingReport.Summary.of(ms(7));
    assertThat(List.of(one.average(), one.p50(), one.p95(), one.p99()))
        .containsOnly(Duration.ofMillis(7));
    List<Duration> nulls = new ArrayList<>();
    nulls.add(null);
    assertThat(TimingReport.Summary.of(nulls)).isEqualTo(TimingReport.Summary.EMPTY);
  }

  @Test
  void reportSkipsJobsMissingATimestamp() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    JobTiming full = new JobTiming("1", "a", JobState.COMPLETED, t, t.plusMillis(10),
        t.plusMillis(30), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30));
    JobTiming partial = new JobTiming("2", "a", JobState.FAILED, t, null, t.plusMillis(5),
        null, null, Duration.ofMillis(5));
    TimingReport r = TimingReport.of("q", List.of(full, partial));
    assertThat(r.sampled()).isEqualTo(2);
    assertThat(r.waitTime().count()).isEqualTo(1);
    assertThat(r.processingTime().p99()).isEqualTo(Duration.ofMillis(20));
    assertThat(r.totalTime().count()).isEqualTo(2);
    assertThat(r.totalTime().p50()).isEqualTo(Duration.ofMillis(5));
  }
}
