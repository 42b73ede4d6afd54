package dev.bullpen.admin;

import java.time.Duration;
import java.util.Objects;

/**
 * Summary of one kind of duration (wait, processing or total time) over a queue's recent jobs:
 * the number of jobs, the mean and three percentiles.
 *
 * <p>Percentiles are nearest-rank over the exact durations the {@link Coordinator} keeps for its
 * sliding window (at most {@link CoordinatorOptions#maxSamples()} jobs per queue, the newest):
 * exact while the window holds no more jobs than that, otherwise computed over the newest ones.
 * Durations have millisecond resolution, like the job timestamps they come from.
 *
 * @param count jobs measured
 * @param average mean duration ({@link Duration#ZERO} when {@code count} is 0)
 * @param p50 median
 * @param p95 95th percentile
 * @param p99 99th percentile
 */
public record TimingStats(long count, Duration average, Duration p50, Duration p95,
    Duration p99) {
  /** No jobs measured. */
  public static final TimingStats EMPTY =
      new TimingStats(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /** Checks that count is not negative and no duration is null. */
  public TimingStats {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    Objects.requireNonNull(average, "average");
    Objects.requireNonNull(p50, "p50");
    Objects.requireNonNull(p95, "p95");
    Objects.requireNonNull(p99, "p99");
  }
}
