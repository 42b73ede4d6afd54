package dev.bullpen;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link Worker}. Defaults follow BullMQ's where they exist (lock 30 s, stalled
 * check every 30 s, one stall allowed) so mixed Node/Java fleets behave alike.
 *
 * <pre>{@code
 * WorkerOptions.builder()
 *     .concurrency(50)
 *     .limiter(100, Duration.ofSeconds(1))        // at most 100 jobs started per second
 *     .removeOnComplete(KeepJobs.last(10_000))
 *     .build();
 * }</pre>
 */
public final class WorkerOptions {
  /** Concurrency 1 and every other default. */
  public static final WorkerOptions DEFAULT = builder().build();

  private final int concurrency;
  private final Duration lockDuration;
  private final Duration lockRenewTime;
  private final Duration stalledInterval;
  private final int maxStalledCount;
  private final Duration drainDelay;
  private final int limiterMax;
  private final Duration limiterDuration;
  private final KeepJobs removeOnComplete;
  private final KeepJobs removeOnFail;
  private final String name;
  private final BackoffStrategy backoffStrategy;
  private final boolean autorun;
  private final Duration shutdownTimeout;
  private final int fetchBatch;
  private final boolean skipStalledCheck;
  private final int maxStartedAttempts;
  private final Duration maxRateLimitDelay;
  private final Duration jobTimeout;

  private WorkerOptions(Builder b) {
    this.concurrency = b.concurrency;
    this.lockDuration = b.lockDuration;
    this.lockRenewTime = b.lockRenewTime != null ? b.lockRenewTime : b.lockDuration.dividedBy(2);
    this.stalledInterval = b.stalledInterval;
    this.maxStalledCount = b.maxStalledCount;
    this.drainDelay = b.drainDelay;
    this.limiterMax = b.limiterMax;
    this.limiterDuration = b.limiterDuration;
    this.removeOnComplete = b.removeOnComplete;
    this.removeOnFail = b.removeOnFail;
    this.name = b.name;
    this.backoffStrategy = b.backoffStrategy;
    this.autorun = b.autorun;
    this.shutdownTimeout = b.shutdownTimeout;
    this.fetchBatch = b.fetchBatch == 0 ? Math.min(b.concurrency, 50) : b.fetchBatch;
    this.skipStalledCheck = b.skipStalledCheck;
    this.maxStartedAttempts = b.maxStartedAttempts;
    this.maxRateLimitDelay = b.maxRateLimitDelay;
    this.jobTimeout = b.jobTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.concurrency = concurrency;
    b.lockDuration = lockDuration;
    b.lockRenewTime = lockRenewTime;
    b.stalledInterval = stalledInterval;
    b.maxStalledCount = maxStalledCount;
    b.drainDelay = drainDelay;
    b.limiterMax = limiterMax;
    b.limiterDuration = limiterDuration;
    b.removeOnComplete = removeOnComplete;
    b.removeOnFail = removeOnFail;
    b.name = name;
    b.backoffStrategy = backoffStrategy;
    b.autorun = autorun;
    b.shutdownTimeout = shutdownTimeout;
    b.fetchBatch = fetchBatch;
    b.skipStalledCheck = skipStalledCheck;
    b.maxStartedAttempts = maxStartedAttempts;
    b.maxRateLimitDelay = maxRateLimitDelay;
    b.jobTimeout = jobTimeout;
    return b;
  }

  /** Jobs processed at once by this worker. */
  public int concurrency() {
    return concurrency;
  }

  /** How long a job's lock lasts without renewal. */
  public Duration lockDuration() {
    return lockDuration;
  }

  /** How often held locks are renewed (all in one call). */
  public Duration lockRenewTime() {
    return lockRenewTime;
  }

  /** Period of the stalled-job check (shared by all workers of the queue). */
  public Duration stalledInterval() {
    return stalledInterval;
  }

  /** Stalls allowed before a job is failed. */
  public int maxStalledCount() {
    return maxStalledCount;
  }

  /**
   * How long an idle worker blocks on Redis before looking again (default 60 s; BullMQ's is
   * 5 s). Adds and delayed jobs wake a blocked worker at once through the queue's marker, so a
   * long block costs no latency: it only sets how often an idle worker talks to Redis.
   */
  public Duration drainDelay() {
    return drainDelay;
  }

  /** Worker-level rate limit: jobs started per {@link #limiterDuration()} (0 = none). */
  public int limiterMax() {
    return limiterMax;
  }

  public Duration limiterDuration() {
    return limiterDuration;
  }

  /** Default retention of completed jobs (a job's own option wins). */
  public KeepJobs removeOnComplete() {
    return removeOnComplete;
  }

  /** Default retention of failed jobs (a job's own option wins). */
  public KeepJobs removeOnFail() {
    return removeOnFail;
  }

  /** The worker's name (stored as {@code pb}, shown as a BullMQ worker), or null. */
  public String name() {
    return name;
  }

  public BackoffStrategy backoffStrategy() {
    return backoffStrategy;
  }

  /** Whether the worker starts when created. */
  public boolean autorun() {
    return autorun;
  }

  /** How long {@link Worker#close()} lets running jobs finish before handing them back. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** Most jobs taken in one fetch call. */
  public int fetchBatch() {
    return fetchBatch;
  }

  public boolean skipStalledCheck() {
    return skipStalledCheck;
  }

  /** Fail a job that became active more than this many times (0 = no limit). */
  public int maxStartedAttempts() {
    return maxStartedAttempts;
  }

  /** Longest single sleep while rate limited (so delayed jobs still get promoted). */
  public Duration maxRateLimitDelay() {
    return maxRateLimitDelay;
  }

  /**
   * Longest run of one attempt's handler for jobs without their own
   * {@link JobOptions#timeout()}; null (the default) = no limit.
   */
  public Duration jobTimeout() {
    return jobTimeout;
  }

  /** Builds {@link WorkerOptions}; each setter validates at once. */
  public static final class Builder {
    private int concurrency = 1;
    private Duration lockDuration = Duration.ofSeconds(30);
    private Duration lockRenewTime;
    private Duration stalledInterval = Duration.ofSeconds(30);
    private int maxStalledCount = 1;
    private Duration drainDelay = Duration.ofSeconds(60);
    private int limiterMax;
    private Duration limiterDuration = Duration.ZERO;
    private KeepJobs removeOnComplete = KeepJobs.ALL;
    private KeepJobs removeOnFail = KeepJobs.ALL;
    private String name;
    private BackoffStrategy backoffStrategy;
    private boolean autorun = true;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private int fetchBatch = 0;
    private boolean skipStalledCheck;
    private int maxStartedAttempts;
    private Duration maxRateLimitDelay = Duration.ofSeconds(30);
    private Duration jobTimeout;

    private Builder() {}

    public Builder concurrency(int n) {
      if (n < 1 || n > 10_000) {
        throw new IllegalArgumentException("concurrency must be between 1 and 10000, got " + n);
      }
      this.concurrency = n;
      return this;
    }

    public Builder lockDuration(Duration d) {
      this.lockDuration = positive("lockDuration", d);
      return this;
    }

    public Builder lockRenewTime(Duration d) {
      this.lockRenewTime = positive("lockRenewTime", d);
      return this;
    }

    public Builder stalledInterval(Duration d) {
      this.stalledInterval = positive("stalledInterval", d);
      return this;
    }

    public Builder maxStalledCount(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxStalledCount must be >= 0, got " + n);
      }
      this.maxStalledCount = n;
      return this;
    }

    public Builder drainDelay(Duration d) {
      this.drainDelay = positive("drainDelay", d);
      return this;
    }

    /** At most {@code max} jobs started per {@code duration} by this worker. */
    public Builder limiter(int max, Duration duration) {
      if (max < 1) {
        throw new IllegalArgumentException("limiter max must be at least 1, got " + max);
      }
      this.limiterMax = max;
      this.limiterDuration = positive("limiter duration", duration);
      return this;
    }

    public Builder removeOnComplete(KeepJobs keep) {
      this.removeOnComplete = Objects.requireNonNull(keep, "removeOnComplete");
      return this;
    }

    public Builder removeOnFail(KeepJobs keep) {
      this.removeOnFail = Objects.requireNonNull(keep, "removeOnFail");
      return this;
    }

    public Builder name(String name) {
      if (name != null) {
        JobIds.checkPrintable("worker name", name);
      }
      this.name = name;
      return this;
    }

    public Builder backoffStrategy(BackoffStrategy strategy) {
      this.backoffStrategy = strategy;
      return this;
    }

    public Builder autorun(boolean autorun) {
      this.autorun = autorun;
      return this;
    }

    public Builder shutdownTimeout(Duration d) {
      Objects.requireNonNull(d, "shutdownTimeout");
      if (d.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + d);
      }
      this.shutdownTimeout = d;
      return this;
    }

    /** Most jobs per fetch call (default: min(concurrency, 50)). */
    public Builder fetchBatch(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("fetchBatch must be at least 1, got " + n);
      }
      this.fetchBatch = n;
      return this;
    }

    public Builder skipStalledCheck(boolean skip) {
      this.skipStalledCheck = skip;
      return this;
    }

    public Builder maxStartedAttempts(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxStartedAttempts must be >= 0, got " + n);
      }
      this.maxStartedAttempts = n;
      return this;
    }

    public Builder maxRateLimitDelay(Duration d) {
      this.maxRateLimitDelay = positive("maxRateLimitDelay", d);
      return this;
    }

    /**
     * Fails an attempt whose handler runs longer than this with {@link JobTimeoutException},
     * for jobs that have no {@link JobOptions.Builder#timeout} of their own; the attempt counts
     * and the job is retried per its attempts and backoff. The slot is freed at once and the
     * handler's thread interrupted, so a handler that never returns cannot block the worker.
     * Null (the default) = no limit.
     */
    public Builder jobTimeout(Duration d) {
      if (d != null && d.toMillis() < 1) {
        throw new IllegalArgumentException("jobTimeout must be at least 1 ms, got " + d);
      }
      this.jobTimeout = d;
      return this;
    }

    public WorkerOptions build() {
      Duration renew = lockRenewTime != null ? lockRenewTime : lockDuration.dividedBy(2);
      if (renew.compareTo(lockDuration) >= 0) {
        throw new IllegalArgumentException("lockRenewTime (" + renew
            + ") must be shorter than lockDuration (" + lockDuration + ")");
      }
      return new WorkerOptions(this);
    }

    private static Duration positive(String field, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + " must be positive, got " + d);
      }
      return d;
    }
  }
}
