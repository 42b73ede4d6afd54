package dev.bullpen;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of one job, stored in BullMQ's {@code opts} JSON so other BullMQ clients read them.
 *
 * <pre>{@code
 * JobOptions opts = JobOptions.builder()
 *     .jobId("render-42")                       // idempotent add
 *     .attempts(3)
 *     .backoff(Backoff.exponential(Duration.ofSeconds(1)))
 *     .removeOnComplete(KeepJobs.last(1000))
 *     .build();
 * }</pre>
 *
 * The builder validates every value at once and names the field in its message; nothing reaches
 * Redis until the options are valid.
 */
public final class JobOptions {
  /** No options: an automatic id, ready at once, one attempt, finished jobs kept. */
  public static final JobOptions DEFAULT = builder().build();
  /**
   * The key of {@link #timeout()} in the stored opts JSON, in milliseconds. Bullpen's own: BullMQ
   * has no job timeout and keeps unknown option keys as they are, so Node workers ignore it.
   */
  public static final String TIMEOUT_KEY = "bpTimeout";
  /** BullMQ's highest priority number (2^21 - 1); 0 means "no priority". */
  public static final int MAX_PRIORITY = 2_097_151;

  private final String jobId;
  private final long delayMs;
  private final int priority;
  private final boolean lifo;
  private final int attempts;
  private final Backoff backoff;
  private final KeepJobs removeOnComplete;
  private final KeepJobs removeOnFail;
  private final Instant timestamp;
  private final int stackTraceLimit;
  private final int keepLogs;
  private final long timeoutMs;
  private volatile String storedJson;

  private JobOptions(Builder b) {
    this.jobId = b.jobId;
    this.delayMs = b.delayMs;
    this.priority = b.priority;
    this.lifo = b.lifo;
    this.attempts = b.attempts;
    this.backoff = b.backoff;
    this.removeOnComplete = b.removeOnComplete;
    this.removeOnFail = b.removeOnFail;
    this.timestamp = b.timestamp;
    this.stackTraceLimit = b.stackTraceLimit;
    this.keepLogs = b.keepLogs;
    this.timeoutMs = b.timeoutMs;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.jobId = jobId;
    b.delayMs = delayMs;
    b.priority = priority;
    b.lifo = lifo;
    b.attempts = attempts;
    b.backoff = backoff;
    b.removeOnComplete = removeOnComplete;
    b.removeOnFail = removeOnFail;
    b.timestamp = timestamp;
    b.stackTraceLimit = stackTraceLimit;
    b.keepLogs = keepLogs;
    b.timeoutMs = timeoutMs;
    return b;
  }

  /** The custom id, or null for an automatic one. */
  public String jobId() {
    return jobId;
  }

  public Duration delay() {
    return Duration.ofMillis(delayMs);
  }

  public int priority() {
    return priority;
  }

  public boolean lifo() {
    return lifo;
  }

  /** Total attempts (0 and 1 both mean a single attempt, as in BullMQ). */
  public int attempts() {
    return attempts;
  }

  /** The retry delay policy, or null for immediate retries. */
  public Backoff backoff() {
    return backoff;
  }

  /** Retention when completed, or null to use the worker's default. */
  public KeepJobs removeOnComplete() {
    return removeOnComplete;
  }

  /** Retention when failed, or null to use the worker's default. */
  public KeepJobs removeOnFail() {
    return removeOnFail;
  }

  /** The job's creation time, or null for the producer's clock at add time. */
  public Instant timestamp() {
    return timestamp;
  }

  /** Stack traces kept on the job: the newest n (0 = none), or -1 when not set (keep all). */
  public int stackTraceLimit() {
    return stackTraceLimit;
  }

  /** Log rows kept on the job (0 = all). */
  public int keepLogs() {
    return keepLogs;
  }

  /**
   * How long one attempt's handler may run before the job fails with
   * {@link JobTimeoutException}; null when not set (the worker's
   * {@link WorkerOptions#jobTimeout()} applies, else no limit).
   */
  public Duration timeout() {
    return timeoutMs > 0 ? Duration.ofMillis(timeoutMs) : null;
  }

  /** The stored form, with BullMQ's names and short keys ({@code kl}); attempts always present. */
  Map<String, Object> toStored() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (jobId != null) {
      m.put("jobId", jobId);
    }
    if (delayMs > 0) {
      m.put("delay", delayMs);
    }
    if (priority > 0) {
      m.put("priority", priority);
    }
    if (lifo) {
      m.put("lifo", true);
    }
    if (backoff != null) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("type", backoff.type());
      b.put("delay", backoff.delay().toMillis());
      if (backoff.jitter() > 0) {
        b.put("jitter", backoff.jitter());
      }
      m.put("backoff", b);
    }
    if (removeOnComplete != null) {
      m.put("removeOnComplete", removeOnComplete.toStored());
    }
    if (removeOnFail != null) {
      m.put("removeOnFail", removeOnFail.toStored());
    }
    if (timestamp != null) {
      m.put("timestamp", timestamp.toEpochMilli());
    }
    if (stackTraceLimit >= 0) {
      m.put("stackTraceLimit", stackTraceLimit);
    }
    if (keepLogs > 0) {
      m.put("kl", keepLogs);
    }
    if (timeoutMs > 0) {
      m.put(TIMEOUT_KEY, timeoutMs);
    }
    m.put("attempts", attempts);
    return m;
  }

  private static final int PARSED_CACHE_SIZE = 256;
  private static final java.util.concurrent.ConcurrentHashMap<String, JobOptions> PARSED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Parses stored {@code opts} JSON, leniently (bad JSON gives the defaults). Producers store the
   * same few option sets over and over, so parsed results are cached by their text (a small,
   * bounded cache: options are immutable).
   */
  static JobOptions parseStored(String json) {
    if (json == null || json.isEmpty()) {
      return DEFAULT;
    }
    JobOptions cached = PARSED.get(json);
    if (cached != null) {
      return cached;
    }
    JobOptions parsed;
    try {
      parsed = fromStored(OptsJson.parse(json));
    } catch (IllegalArgumentException e) {
      parsed = DEFAULT;
    }
    if (PARSED.size() >= PARSED_CACHE_SIZE) {
      PARSED.clear();
    }
    PARSED.put(json, parsed);
    return parsed;
  }

  /** The stored JSON text, computed once per instance. */
  String storedJson() {
    String j = storedJson;
    if (j == null) {
      j = OptsJson.write(toStored());
      storedJson = j;
    }
    return j;
  }

  /** Reads the stored form leniently (cjson output: any key order, numbers as doubles). */
  static JobOptions fromStored(Map<String, Object> m) {
    Builder b = new Builder();
    if (m == null) {
      return b.build();
    }
    Object id = m.get("jobId");
    b.jobId = id instanceof String ? (String) id : null;
    b.delayMs = longOf(m.get("delay"));
    b.priority = (int) longOf(m.get("priority"));
    b.lifo = Boolean.TRUE.equals(m.get("lifo"));
    b.attempts = (int) longOf(m.get("attempts"));
    Object bo = m.get("backoff");
    if (bo instanceof Number) {
      b.backoff = Backoff.fromStored("fixed", ((Number) bo).longValue(), 0);
    } else if (bo instanceof Map) {
      Map<?, ?> bm = (Map<?, ?>) bo;
      Object type = bm.get("type");
      Object jitter = bm.get("jitter");
      b.backoff = Backoff.fromStored(type instanceof String ? (String) type : "fixed",
          longOf(bm.get("delay")), jitter instanceof Number ? ((Number) jitter).doubleValue() : 0);
    }
    b.removeOnComplete = KeepJobs.fromStored(m.get("removeOnComplete"));
    b.removeOnFail = KeepJobs.fromStored(m.get("removeOnFail"));
    long ts = longOf(m.get("timestamp"));
    b.timestamp = ts > 0 ? Instant.ofEpochMilli(ts) : null;
    b.stackTraceLimit = m.get("stackTraceLimit") instanceof Number
        ? (int) longOf(m.get("stackTraceLimit")) : -1;
    b.keepLogs = (int) longOf(m.get("kl"));
    b.timeoutMs = Math.max(0, longOf(m.get(TIMEOUT_KEY)));
    return b.build();
  }

  private static long longOf(Object o) {
    return o instanceof Number ? ((Number) o).longValue() : 0;
  }

  @Override
  public String toString() {
    return "JobOptions" + toStored();
  }

  /** Builds {@link JobOptions}; each setter validates its value at once. */
  public static final class Builder {
    private String jobId;
    private long delayMs;
    private int priority;
    private boolean lifo;
    private int attempts;
    private Backoff backoff;
    private KeepJobs removeOnComplete;
    private KeepJobs removeOnFail;
    private Instant timestamp;
    private int stackTraceLimit = -1;
    private int keepLogs;
    private long timeoutMs;

    private Builder() {}

    /** A custom id: adding a job whose id exists already returns that job and changes nothing. */
    public Builder jobId(String jobId) {
      JobIds.check(jobId);
      this.jobId = jobId;
      return this;
    }

    /** Waits in delayed for this long before it is ready. */
    public Builder delay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, got " + delay);
      }
      this.delayMs = delay.toMillis();
      return this;
    }

    /** 1 (highest) to {@value #MAX_PRIORITY} (lowest); 0 = no priority (plain FIFO). */
    public Builder priority(int priority) {
      if (priority < 0 || priority > MAX_PRIORITY) {
        throw new IllegalArgumentException(
            "priority must be between 0 and " + MAX_PRIORITY + ", got " + priority);
      }
      this.priority = priority;
      return this;
    }

    /** Puts the job at the front of wait (last in, first out). */
    public Builder lifo(boolean lifo) {
      this.lifo = lifo;
      return this;
    }

    /** Total attempts before the job fails for good (at least 1). */
    public Builder attempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    public Builder backoff(Backoff backoff) {
      this.backoff = backoff;
      return this;
    }

    public Builder removeOnComplete(KeepJobs keep) {
      this.removeOnComplete = keep;
      return this;
    }

    public Builder removeOnFail(KeepJobs keep) {
      this.removeOnFail = keep;
      return this;
    }

    /** The creation time to record instead of the producer's clock. */
    public Builder timestamp(Instant timestamp) {
      if (timestamp != null && timestamp.toEpochMilli() < 0) {
        throw new IllegalArgumentException("timestamp must not be before 1970, got " + timestamp);
      }
      this.timestamp = timestamp;
      return this;
    }

    /** Keep only the newest {@code limit} stack traces (0 = none; default: all). */
    public Builder stackTraceLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("stackTraceLimit must be >= 0, got " + limit);
      }
      this.stackTraceLimit = limit;
      return this;
    }

    public Builder keepLogs(int rows) {
      if (rows < 0) {
        throw new IllegalArgumentException("keepLogs must be >= 0, got " + rows);
      }
      this.keepLogs = rows;
      return this;
    }

    /**
     * Fails an attempt whose handler runs longer than {@code timeout} with
     * {@link JobTimeoutException} ("job timed out after n ms"): the attempt counts, the job is
     * retried per {@link #attempts} and {@link #backoff}, the worker's slot is freed at once and
     * the handler's thread is interrupted (a handler that ignores interrupts keeps its thread,
     * never the slot). Overrides {@link WorkerOptions.Builder#jobTimeout}. Stored in the opts
     * JSON under {@value #TIMEOUT_KEY} (ms), which BullMQ's Node workers ignore.
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 1) {
        throw new IllegalArgumentException("timeout must be at least 1 ms, got " + timeout);
      }
      this.timeoutMs = timeout.toMillis();
      return this;
    }

    public JobOptions build() {
      return new JobOptions(this);
    }
  }
}
