package dev.bullpen.status;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link JobStatusService}. Immutable; {@link #DEFAULT} suits most processes.
 *
 * <pre>{@code
 * StatusOptions opts = StatusOptions.builder()
 *     .maximumSize(50_000)
 *     .readTimeout(Duration.ofMillis(500))
 *     .build();
 * }</pre>
 *
 * The TTLs are a safety net only: queue events keep cached views exact, and a view is read again
 * when its TTL runs out in case an event was lost (events trimmed from the stream, or a client
 * that writes without emitting them).
 */
public final class StatusOptions {
  /** Cached jobs at most. */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;
  /** Safety-net TTL of views of unfinished jobs (and of ids found missing). */
  public static final Duration DEFAULT_ACTIVE_TTL = Duration.ofSeconds(30);
  /** Safety-net TTL of views of completed and failed jobs. */
  public static final Duration DEFAULT_FINISHED_TTL = Duration.ofMinutes(5);
  /** Longest a caller waits for Redis before it gets the last known view. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
  /** Reads slower than this are logged with queue and job. */
  public static final Duration DEFAULT_SLOW_READ = Duration.ofMillis(200);
  /** Consecutive failed reads that open the circuit breaker. */
  public static final int DEFAULT_FAILURE_THRESHOLD = 5;
  /** How long an open breaker lets no read through before one trial read. */
  public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(5);
  /**
   * How long the events reader gathers events before reading again: bounds its XREADs to 40 a
   * second per queue however busy the queue, for views at most this much later.
   */
  public static final Duration DEFAULT_EVENT_BATCH_WINDOW = Duration.ofMillis(25);
  /** Threads reading Redis on behalf of callers. */
  public static final int DEFAULT_LOADER_THREADS = 8;
  /** Queues whose events are followed at most (one reader thread and connection each). */
  public static final int DEFAULT_MAX_QUEUES = 1000;
  /** Log rows a job page gets at most (the newest ones). */
  public static final int DEFAULT_MAX_LOG_ROWS = 200;

  /** Default settings. */
  public static final StatusOptions DEFAULT = builder().build();

  private final long maximumSize;
  private final Duration activeTtl;
  private final Duration finishedTtl;
  private final Duration readTimeout;
  private final Duration slowRead;
  private final int failureThreshold;
  private final Duration openDuration;
  private final Duration eventBatchWindow;
  private final int loaderThreads;
  private final int maxQueues;
  private final int maxLogRows;
  private final Clock clock;

  private StatusOptions(Builder b) {
    this.maximumSize = b.maximumSize;
    this.activeTtl = b.activeTtl;
    this.finishedTtl = b.finishedTtl;
    this.readTimeout = b.readTimeout;
    this.slowRead = b.slowRead;
    this.failureThreshold = b.failureThreshold;
    this.openDuration = b.openDuration;
    this.eventBatchWindow = b.eventBatchWindow;
    this.loaderThreads = b.loaderThreads;
    this.maxQueues = b.maxQueues;
    this.maxLogRows = b.maxLogRows;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maximumSize = maximumSize;
    b.activeTtl = activeTtl;
    b.finishedTtl = finishedTtl;
    b.readTimeout = readTimeout;
    b.slowRead = slowRead;
    b.failureThreshold = failureThreshold;
    b.openDuration = openDuration;
    b.eventBatchWindow = eventBatchWindow;
    b.loaderThreads = loaderThreads;
    b.maxQueues = maxQueues;
    b.maxLogRows = maxLogRows;
    b.clock = clock;
    return b;
  }

  /** Cached jobs at most (least valuable evicted first). */
  public long maximumSize() {
    return maximumSize;
  }

  /** Safety-net TTL of unfinished jobs' views and of ids found missing. */
  public Duration activeTtl() {
    return activeTtl;
  }

  /** Safety-net TTL of finished jobs' views. */
  public Duration finishedTtl() {
    return finishedTtl;
  }

  /** Longest a caller waits for a Redis read before getting the last known view. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** Reads slower than this are logged. */
  public Duration slowRead() {
    return slowRead;
  }

  /** Consecutive failed reads that open the breaker. */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** How long the breaker stays open before a trial read. */
  public Duration openDuration() {
    return openDuration;
  }

  /** How long an events reader gathers events between reads (see the default's note). */
  public Duration eventBatchWindow() {
    return eventBatchWindow;
  }

  /** Threads that read Redis for callers. */
  public int loaderThreads() {
    return loaderThreads;
  }

  /** Queues whose events are followed at most. */
  public int maxQueues() {
    return maxQueues;
  }

  /** Newest log rows returned at most. */
  public int maxLogRows() {
    return maxLogRows;
  }

  /** The clock of TTLs, ages and breaker timing (tests move a fake one). */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "StatusOptions{maximumSize=" + maximumSize + ", activeTtl=" + activeTtl
        + ", finishedTtl=" + finishedTtl + ", readTimeout=" + readTimeout + ", slowRead="
        + slowRead + ", failureThreshold=" + failureThreshold + ", openDuration=" + openDuration
        + ", eventBatchWindow=" + eventBatchWindow
        + ", loaderThreads=" + loaderThreads + ", maxQueues=" + maxQueues + ", maxLogRows="
        + maxLogRows + "}";
  }

  /** Builds {@link StatusOptions}; every setter validates at once and names the field. */
  public static final class Builder {
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private Duration activeTtl = DEFAULT_ACTIVE_TTL;
    private Duration finishedTtl = DEFAULT_FINISHED_TTL;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration slowRead = DEFAULT_SLOW_READ;
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private Duration openDuration = DEFAULT_OPEN_DURATION;
    private Duration eventBatchWindow = DEFAULT_EVENT_BATCH_WINDOW;
    private int loaderThreads = DEFAULT_LOADER_THREADS;
    private int maxQueues = DEFAULT_MAX_QUEUES;
    private int maxLogRows = DEFAULT_MAX_LOG_ROWS;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder maximumSize(long size) {
      if (size < 1) {
        throw new IllegalArgumentException("maximumSize must be at least 1, got " + size);
      }
      this.maximumSize = size;
      return this;
    }

    public Builder activeTtl(Duration ttl) {
      this.activeTtl = positive("activeTtl", ttl);
      return this;
    }

    public Builder finishedTtl(Duration ttl) {
      this.finishedTtl = positive("finishedTtl", ttl);
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("readTimeout", timeout);
      return this;
    }

    public Builder slowRead(Duration threshold) {
      this.slowRead = positive("slowRead", threshold);
      return this;
    }

    public Builder failureThreshold(int failures) {
      if (failures < 1) {
        throw new IllegalArgumentException("failureThreshold must be at least 1, got "
            + failures);
      }
      this.failureThreshold = failures;
      return this;
    }

    public Builder openDuration(Duration duration) {
      this.openDuration = positive("openDuration", duration);
      return this;
    }

    /** Zero reads again at once; at most one second. */
    public Builder eventBatchWindow(Duration window) {
      if (window == null || window.isNegative() || window.toMillis() > 1000) {
        throw new IllegalArgumentException("eventBatchWindow must be 0..1000 ms, got " + window);
      }
      this.eventBatchWindow = window;
      return this;
    }

    public Builder loaderThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("loaderThreads must be 1..256, got " + threads);
      }
      this.loaderThreads = threads;
      return this;
    }

    public Builder maxQueues(int queues) {
      if (queues < 1) {
        throw new IllegalArgumentException("maxQueues must be at least 1, got " + queues);
      }
      this.maxQueues = queues;
      return this;
    }

    public Builder maxLogRows(int rows) {
      if (rows < 0 || rows > 100_000) {
        throw new IllegalArgumentException("maxLogRows must be 0..100000, got " + rows);
      }
      this.maxLogRows = rows;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public StatusOptions build() {
      return new StatusOptions(this);
    }

    private static Duration positive(String field, Duration d) {
      if (d == null || d.toMillis() < 1) {
        throw new IllegalArgumentException(field + " must be at least 1 ms, got " + d);
      }
      return d;
    }
  }
}
