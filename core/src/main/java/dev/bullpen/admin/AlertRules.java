package dev.bullpen.admin;

import java.time.Duration;
import java.util.List;

/**
 * The thresholds of the queue alert rules the {@link Coordinator} evaluates at every refresh.
 * A rule fires at {@link HealthLevel#WARNING} when its value crosses the threshold and at
 * {@link HealthLevel#CRITICAL} when it crosses it by {@link #criticalFactor()} (twice as far, by
 * default); it clears when the value is back on the right side.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>rule id</th><th>fires when</th><th>default</th></tr>
 *   <tr><td>{@code wait-time}</td><td>average wait in the window &gt; threshold</td><td>30 s</td></tr>
 *   <tr><td>{@code processing-time}</td><td>average processing &gt; threshold</td><td>2 min</td></tr>
 *   <tr><td>{@code failure-rate}</td><td>failed / finished &gt; threshold, once at least
 *       {@link #minJobsForFailureRate()} jobs finished in the window</td><td>10 %</td></tr>
 *   <tr><td>{@code backlog}</td><td>waiting + prioritized &gt; threshold</td><td>50</td></tr>
 *   <tr><td>{@code throughput}</td><td>jobs wait and fewer than threshold finished per minute
 *       (critical under threshold / factor; judged only once the coordinator has watched the
 *       queue for a minute)</td><td>1 / min</td></tr>
 * </table>
 *
 * <pre>{@code
 * AlertRules rules = AlertRules.builder()
 *     .maxAverageWait(Duration.ofSeconds(10))
 *     .maxBacklog(500)
 *     .build();
 * }</pre>
 */
public final class AlertRules {
  /** Rule id: average wait time. */
  public static final String WAIT_TIME = "wait-time";
  /** Rule id: average processing time. */
  public static final String PROCESSING_TIME = "processing-time";
  /** Rule id: failure rate. */
  public static final String FAILURE_RATE = "failure-rate";
  /** Rule id: backlog. */
  public static final String BACKLOG = "backlog";
  /** Rule id: throughput too low while jobs wait. */
  public static final String THROUGHPUT = "throughput";
  /** Every rule id, in evaluation order. */
  public static final List<String> RULES =
      List.of(WAIT_TIME, PROCESSING_TIME, FAILURE_RATE, BACKLOG, THROUGHPUT);

  /** Default threshold of {@code wait-time}. */
  public static final Duration DEFAULT_MAX_AVERAGE_WAIT = Duration.ofSeconds(30);
  /** Default threshold of {@code processing-time}. */
  public static final Duration DEFAULT_MAX_AVERAGE_PROCESSING = Duration.ofMinutes(2);
  /** Default threshold of {@code failure-rate}. */
  public static final double DEFAULT_MAX_FAILURE_RATE = 0.10;
  /** Default threshold of {@code backlog}. */
  public static final long DEFAULT_MAX_BACKLOG = 50;
  /** Default threshold of {@code throughput}, jobs per minute. */
  public static final double DEFAULT_MIN_THROUGHPUT_PER_MINUTE = 1.0;
  /** Default factor between the warning and the critical threshold. */
  public static final double DEFAULT_CRITICAL_FACTOR = 2.0;
  /** Default number of finished jobs the failure rate needs before it is judged. */
  public static final int DEFAULT_MIN_JOBS_FOR_FAILURE_RATE = 10;
  /** The defaults. */
  public static final AlertRules DEFAULT = builder().build();

  private final Duration maxAverageWait;
  private final Duration maxAverageProcessing;
  private final double maxFailureRate;
  private final long maxBacklog;
  private final double minThroughputPerMinute;
  private final double criticalFactor;
  private final int minJobsForFailureRate;

  private AlertRules(Builder b) {
    this.maxAverageWait = b.maxAverageWait;
    this.maxAverageProcessing = b.maxAverageProcessing;
    this.maxFailureRate = b.maxFailureRate;
    this.maxBacklog = b.maxBacklog;
    this.minThroughputPerMinute = b.minThroughputPerMinute;
    this.criticalFactor = b.criticalFactor;
    this.minJobsForFailureRate = b.minJobsForFailureRate;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these rules. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAverageWait = maxAverageWait;
    b.maxAverageProcessing = maxAverageProcessing;
    b.maxFailureRate = maxFailureRate;
    b.maxBacklog = maxBacklog;
    b.minThroughputPerMinute = minThroughputPerMinute;
    b.criticalFactor = criticalFactor;
    b.minJobsForFailureRate = minJobsForFailureRate;
    return b;
  }

  /** Threshold of {@code wait-time}. */
  public Duration maxAverageWait() {
    return maxAverageWait;
  }

  /** Threshold of {@code processing-time}. */
  public Duration maxAverageProcessing() {
    return maxAverageProcessing;
  }

  /** Threshold of {@code failure-rate}, 0..1. */
  public double maxFailureRate() {
    return maxFailureRate;
  }

  /** Threshold of {@code backlog}. */
  public long maxBacklog() {
    return maxBacklog;
  }

  /** Threshold of {@code throughput}, finished jobs per minute. */
  public double minThroughputPerMinute() {
    return minThroughputPerMinute;
  }

  /** How much further than the threshold a value must be for CRITICAL. */
  public double criticalFactor() {
    return criticalFactor;
  }

  /** Finished jobs in the window before the failure rate is judged. */
  public int minJobsForFailureRate() {
    return minJobsForFailureRate;
  }

  @Override
  public String toString() {
    return "AlertRules[maxAverageWait=" + maxAverageWait + ", maxAverageProcessing="
        + maxAverageProcessing + ", maxFailureRate=" + maxFailureRate + ", maxBacklog="
        + maxBacklog + ", minThroughputPerMinute=" + minThroughputPerMinute + ", criticalFactor="
        + criticalFactor + ", minJobsForFailureRate=" + minJobsForFailureRate + "]";
  }

  /** Builds {@link AlertRules}; every setter validates at once. */
  public static final class Builder {
    private Duration maxAverageWait = DEFAULT_MAX_AVERAGE_WAIT;
    private Duration maxAverageProcessing = DEFAULT_MAX_AVERAGE_PROCESSING;
    private double maxFailureRate = DEFAULT_MAX_FAILURE_RATE;
    private long maxBacklog = DEFAULT_MAX_BACKLOG;
    private double minThroughputPerMinute = DEFAULT_MIN_THROUGHPUT_PER_MINUTE;
    private double criticalFactor = DEFAULT_CRITICAL_FACTOR;
    private int minJobsForFailureRate = DEFAULT_MIN_JOBS_FOR_FAILURE_RATE;

    private Builder() {}

    /** Threshold of {@code wait-time}; must be positive. */
    public Builder maxAverageWait(Duration d) {
      this.maxAverageWait = positive("maxAverageWait", d);
      return this;
    }

    /** Threshold of {@code processing-time}; must be positive. */
    public Builder maxAverageProcessing(Duration d) {
      this.maxAverageProcessing = positive("maxAverageProcessing", d);
      return this;
    }

    /** Threshold of {@code failure-rate}, in [0, 1). */
    public Builder maxFailureRate(double rate) {
      if (!(rate >= 0 && rate < 1)) {
        throw new IllegalArgumentException("maxFailureRate must be in [0, 1), got " + rate);
      }
      this.maxFailureRate = rate;
      return this;
    }

    /** Threshold of {@code backlog}; must be >= 0. */
    public Builder maxBacklog(long jobs) {
      if (jobs < 0) {
        throw new IllegalArgumentException("maxBacklog must be >= 0, got " + jobs);
      }
      this.maxBacklog = jobs;
      return this;
    }

    /** Threshold of {@code throughput} in jobs per minute; must be finite and >= 0 (0 = off). */
    public Builder minThroughputPerMinute(double perMinute) {
      if (!(perMinute >= 0) || Double.isInfinite(perMinute)) {
        throw new IllegalArgumentException("minThroughputPerMinute must be finite and >= 0,"
            + " got " + perMinute);
      }
      this.minThroughputPerMinute = perMinute;
      return this;
    }

    /** Factor between the warning and critical thresholds; must be finite and > 1. */
    public Builder criticalFactor(double factor) {
      if (!(factor > 1) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("criticalFactor must be finite and > 1, got "
            + factor);
      }
      this.criticalFactor = factor;
      return this;
    }

    /** Finished jobs in the window before the failure rate is judged; must be >= 1. */
    public Builder minJobsForFailureRate(int jobs) {
      if (jobs < 1) {
        throw new IllegalArgumentException("minJobsForFailureRate must be >= 1, got " + jobs);
      }
      this.minJobsForFailureRate = jobs;
      return this;
    }

    /** The rules. */
    public AlertRules build() {
      return new AlertRules(this);
    }

    private static Duration positive(String field, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(field + " must be positive, got " + d);
      }
      return d;
    }
  }
}
