package dev.bullpen.internal.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.JobCounts;
import dev.bullpen.admin.Alert;
import dev.bullpen.admin.AlertRules;
import dev.bullpen.admin.HealthLevel;
import dev.bullpen.admin.QueueMetrics;
import dev.bullpen.admin.TimingStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules' thresholds and levels at their boundaries. */
class HealthRulesTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static TimingStats avg(long ms) {
    Duration d = Duration.ofMillis(ms);
    return new TimingStats(5, d, d, d, d);
  }

  private static QueueMetrics metrics(long waitMs, long processingMs, long completed,
      long failed, double perMinute, long backlog) {
    long finished = completed + failed;
    return new QueueMetrics("q", NOW, Duration.ofMinutes(5), completed, failed, perMinute,
        finished == 0 ? 0 : (double) failed / finished, avg(waitMs), avg(processingMs),
        avg(waitMs + processingMs), backlog, 1, new JobCounts(backlog, 0, 0, 0, 0, 0, 0, 0));
  }

  private static List<Alert> eval(QueueMetrics m) {
    return HealthRules.evaluate(m, AlertRules.DEFAULT, 120_000, NOW);
  }

  @Test
  void healthyQueueHasNoAlerts() {
    List<Alert> alerts = eval(metrics(30_000, 120_000, 100, 10, 20, 50));
    assertThat(alerts).as("thresholds themselves do not fire").isEmpty();
    assertThat(HealthRules.level(alerts)).isEqualTo(HealthLevel.EXCELLENT);
  }

  @Test
  void eachRuleFiresAboveItsThresholdAndIsCriticalPastTwiceIt() {
    assertThat(eval(metrics(30_001, 0, 10, 0, 20, 0))).singleElement()
        .extracting(Alert::rule, Alert::level)
        .containsExactly(AlertRules.WAIT_TIME, HealthLevel.WARNING);
    assertThat(eval(metrics(60_001, 0, 10, 0, 20, 0))).singleElement()
        .extracting(Alert::level).isEqualTo(HealthLevel.CRITICAL);
    assertThat(eval(metrics(0, 120_001, 10, 0, 20, 0))).singleElement()
        .extracting(Alert::rule).isEqualTo(AlertRules.PROCESSING_TIME);
    assertThat(eval(metrics(0, 0, 8, 2, 20, 0))).singleElement()
        .extracting(Alert::rule, Alert::level)
        .containsExactly(AlertRules.FAILURE_RATE, HealthLevel.WARNING);
    assertThat(eval(metrics(0, 0, 7, 3, 20, 0))).singleElement()
        .extracting(Alert::level).isEqualTo(HealthLevel.CRITICAL);
    assertThat(eval(metrics(0, 0, 10, 0, 20, 51))).singleElement()
        .extracting(Alert::rule, Alert::level)
        .containsExactly(AlertRules.BACKLOG, HealthLevel.WARNING);
    assertThat(eval(metrics(0, 0, 10, 0, 20, 101))).singleElement()
        .extracting(Alert::level).isEqualTo(HealthLevel.CRITICAL);
    assertThat(eval(metrics(0, 0, 1, 0, 0.6, 1))).singleElement()
        .extracting(Alert::rule, Alert::level)
        .containsExactly(AlertRules.THROUGHPUT, HealthLevel.WARNING);
    assertThat(eval(metrics(0, 0, 1, 0, 0.4, 1))).singleElement()
        .extracting(Alert::level).isEqualTo(HealthLevel.CRITICAL);
  }

  @Test
  void failureRateWaitsForEnoughJobsAndThroughputForAMinuteOfWatching() {
    assertThat(eval(metrics(0, 0, 0, 9, 20, 0))).isEmpty();
    assertThat(HealthRules.evaluate(metrics(0, 0, 0, 0, 0, 5), AlertRules.DEFAULT, 59_999, NOW))
        .isEmpty();
    assertThat(eval(metrics(0, 0, 0, 0, 0, 0))).as("nothing waits").isEmpty();
  }

  @Test
  void levelIsTheWorstAlert() {
    List<Alert> alerts = eval(metrics(30_001, 0, 10, 0, 20, 101));
    assertThat(alerts).extracting(Alert::rule)
        .containsExactly(AlertRules.WAIT_TIME, AlertRules.BACKLOG);
    assertThat(HealthRules.level(alerts)).isEqualTo(HealthLevel.CRITICAL);
  }
}
