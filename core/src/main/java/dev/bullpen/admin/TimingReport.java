package dev.bullpen.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A performance report over a sample of a queue's newest finished jobs: average, median, 95th
 * and 99th percentile of their wait, processing and total times. Percentiles use the nearest
 * rank of the sorted sample (no interpolation), so each is a time some job really took; with
 * few jobs the high percentiles are the slowest job.
 *
 * @param queue the queue's name
 * @param sampled how many finished jobs the report looked at
 * @param waitTime figures of {@link JobTiming#waitTime()}
 * @param processingTime figures of {@link JobTiming#processingTime()}
 * @param totalTime figures of {@link JobTiming#totalTime()}
 */
public record TimingReport(String queue, int sampled, Summary waitTime, Summary processingTime,
    Summary totalTime) {

  /**
   * Figures of one duration over the jobs that have it.
   *
   * @param count how many jobs had this duration
   * @param average the mean (zero when count is 0)
   * @param p50 the median (zero when count is 0)
   * @param p95 the 95th percentile (zero when count is 0)
   * @param p99 the 99th percentile (zero when count is 0)
   */
  public record Summary(int count, Duration average, Duration p50, Duration p95, Duration p99) {
    /** No data. */
    public static final Summary EMPTY = new Summary(0, Duration.ZERO, Duration.ZERO,
        Duration.ZERO, Duration.ZERO);

    /** Figures of these durations (nulls skipped). */
    public static Summary of(List<Duration> durations) {
      List<Long> ms = new ArrayList<>();
      for (Duration d : durations) {
        if (d != null) {
          ms.add(d.toMillis());
        }
      }
      if (ms.isEmpty()) {
        return EMPTY;
      }
      ms.sort(null);
      long sum = 0;
      for (long v : ms) {
        sum += v;
      }
      return new Summary(ms.size(), Duration.ofMillis(Math.round((double) sum / ms.size())),
          Duration.ofMillis(rank(ms, 50)), Duration.ofMillis(rank(ms, 95)),
          Duration.ofMillis(rank(ms, 99)));
    }

    /** Nearest rank: the smallest value with at least p % of the sample at or below it. */
    static long rank(List<Long> sorted, int p) {
      int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
  }

  /** The report over these timings. */
  public static TimingReport of(String queue, List<JobTiming> timings) {
    Objects.requireNonNull(queue, "queue");
    return new TimingReport(queue, timings.size(), summary(timings, JobTiming::waitTime),
        summary(timings, JobTiming::processingTime), summary(timings, JobTiming::totalTime));
  }

  private static Summary summary(List<JobTiming> timings, Function<JobTiming, Duration> f) {
    List<Duration> d = new ArrayList<>(timings.size());
    for (JobTiming t : timings) {
      d.add(f.apply(t));
    }
    return Summary.of(d);
  }
}
