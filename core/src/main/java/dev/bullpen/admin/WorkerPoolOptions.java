package dev.bullpen.admin;

import dev.bullpen.WorkerOptions;
import java.time.Duration;

/**
 * How a {@link WorkerPool} sizes itself. Sizes count {@link dev.bullpen.Worker workers}, each
 * running with {@link #workerOptions()} (so its concurrency multiplies them). {@code min} is per
 * process, {@code max} is for the queue as a whole, across every process running a pool on it.
 *
 * <p>The policy: the queue needs {@code ceil(backlog / (ratePerWorker × drainTime))} workers to
 * empty its backlog (waiting + prioritized jobs) within {@link #drainTime()}, clamped to
 * [min, max]; this process runs that minus what the other processes run. The rate per worker
 * starts at {@link #initialRatePerWorker()} and then follows what the pool's workers achieved
 * while jobs were waiting (a moving average). Growth happens at once; shrinking only after the
 * need stayed lower for {@link #scaleDownDelay()}.
 *
 * <pre>{@code
 * WorkerPoolOptions opts = WorkerPoolOptions.builder()
 *     .min(1).max(8)
 *     .workerOptions(WorkerOptions.builder().concurrency(4).build())
 *     .drainTime(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 */
public final class WorkerPoolOptions {
  /** Default per-process minimum. */
  public static final int DEFAULT_MIN = 1;
  /** Default queue-wide maximum. */
  public static final int DEFAULT_MAX = 10;
  /** Default target time to empty the backlog. */
  public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(30);
  /** Default assumed jobs per second per worker before any is measured. */
  public static final double DEFAULT_INITIAL_RATE_PER_WORKER = 1.0;
  /** Default time between two decisions. */
  public static final Duration DEFAULT_SCALE_INTERVAL = Duration.ofSeconds(5);
  /** Default time the need must stay lower before the pool shrinks. */
  public static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofMinutes(1);
  /** The defaults. */
  public static final WorkerPoolOptions DEFAULT = builder().build();

  private final int min;
  private final int max;
  private final WorkerOptions workerOptions;
  private final Duration drainTime;
  private final double initialRatePerWorker;
  private final Duration scaleInterval;
  private final Duration scaleDownDelay;
  private final String instanceId;

  private WorkerPoolOptions(Builder b) {
    this.min = b.min;
    this.max = b.max;
    this.workerOptions = b.workerOptions;
    this.drainTime = b.drainTime;
    this.initialRatePerWorker = b.initialRatePerWorker;
    this.scaleInterval = b.scaleInterval;
    this.scaleDownDelay = b.scaleDownDelay;
    this.instanceId = b.instanceId;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options (the instance id is kept). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.min = min;
    b.max = max;
    b.workerOptions = workerOptions;
    b.drainTime = drainTime;
    b.initialRatePerWorker = initialRatePerWorker;
    b.scaleInterval = scaleInterval;
    b.scaleDownDelay = scaleDownDelay;
    b.instanceId = instanceId;
    return b;
  }

  /** Workers this process always runs. */
  public int min() {
    return min;
  }

  /** Workers all processes together run at most (unless their minimums add up to more). */
  public int max() {
    return max;
  }

  /** Options of every worker of the pool. */
  public WorkerOptions workerOptions() {
    return workerOptions;
  }

  /** Target time to empty the backlog. */
  public Duration drainTime() {
    return drainTime;
  }

  /** Jobs per second one worker is assumed to finish until measured. */
  public double initialRatePerWorker() {
    return initialRatePerWorker;
  }

  /** Time between two decisions. */
  public Duration scaleInterval() {
    return scaleInterval;
  }

  /** Time the need must stay lower before the pool shrinks. */
  public Duration scaleDownDelay() {
    return scaleDownDelay;
  }

  /**
   * This pool's id in the queue's pool registry, or null (the default): then every pool started
   * with these options gets a new one.
   */
  public String instanceId() {
    return instanceId;
  }

  /** Builds {@link WorkerPoolOptions}; every setter validates at once. */
  public static final class Builder {
    private int min = DEFAULT_MIN;
    private int max = DEFAULT_MAX;
    private WorkerOptions workerOptions = WorkerOptions.DEFAULT;
    private Duration drainTime = DEFAULT_DRAIN_TIME;
    private double initialRatePerWorker = DEFAULT_INITIAL_RATE_PER_WORKER;
    private Duration scaleInterval = DEFAULT_SCALE_INTERVAL;
    private Duration scaleDownDelay = DEFAULT_SCALE_DOWN_DELAY;
    private String instanceId;

    private Builder() {}

    /** Workers this process always runs; 0 to 1000. */
    public Builder min(int n) {
      if (n < 0 || n > 1000) {
        throw new IllegalArgumentException("min must be in [0, 1000], got " + n);
      }
      this.min = n;
      return this;
    }

    /** Queue-wide maximum; 1 to 10,000. */
    public Builder max(int n) {
      if (n < 1 || n > 10_000) {
        throw new IllegalArgumentException("max must be in [1, 10000], got " + n);
      }
      this.max = n;
      return this;
    }

    /** Options of every worker (autorun is forced on). */
    public Builder workerOptions(WorkerOptions options) {
      if (options == null) {
        throw new IllegalArgumentException("workerOptions must not be null");
      }
      this.workerOptions = options;
      return this;
    }

    /** Target time to empty the backlog; at least 1 s. */
    public Builder drainTime(Duration d) {
      if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("drainTime must be at least 1 s, got " + d);
      }
      this.drainTime = d;
      return this;
    }

    /** Jobs per second per worker assumed until measured; finite and > 0. */
    public Builder initialRatePerWorker(double perSecond) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("initialRatePerWorker must be finite and > 0, got "
            + perSecond);
      }
      this.initialRatePerWorker = perSecond;
      return this;
    }

    /** Time between two decisions; at least 50 ms. */
    public Builder scaleInterval(Duration d) {
      if (d == null || d.compareTo(Duration.ofMillis(50)) < 0) {
        throw new IllegalArgumentException("scaleInterval must be at least 50 ms, got " + d);
      }
      this.scaleInterval = d;
      return this;
    }

    /** Time the need must stay lower before shrinking; zero or more. */
    public Builder scaleDownDelay(Duration d) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("scaleDownDelay must be >= 0, got " + d);
      }
      this.scaleDownDelay = d;
      return this;
    }

    /** This process's id in the pool registry (1 to 200 printable characters, no '|'). */
    public Builder instanceId(String id) {
      if (id == null || id.isEmpty() || id.length() > 200 || id.indexOf('|') >= 0
          || id.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("instanceId must be 1 to 200 printable characters"
            + " without '|', got " + (id == null ? null : "'" + id + "'"));
      }
      this.instanceId = id;
      return this;
    }

    /** The options; refuses min > max. */
    public WorkerPoolOptions build() {
      if (min > max) {
        throw new IllegalArgumentException("min (" + min + ") must not exceed max (" + max
            + ")");
      }
      return new WorkerPoolOptions(this);
    }
  }
}
