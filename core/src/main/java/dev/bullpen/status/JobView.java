package dev.bullpen.status;

import dev.bullpen.Job;
import dev.bullpen.JobState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a job page shows about one job: its state, progress, attempts, timestamps, failure reason
 * and return value, as {@link JobStatusService} answers it. Immutable.
 *
 * <p>{@link #etag()} is a digest of everything the view shows (not of {@link #stale()} or
 * {@link #asOf()}), so two processes that see the same job give the same tag: HTTP caches and
 * load-balanced pollers can compare it. A view marked {@link #stale()} is the last one known
 * while Redis could not be read; {@link #age()} says how old it is.
 *
 * <p>Progress and return value are kept as the JSON text the worker stored (any JSON value).
 */
public final class JobView {
  private final String queue;
  private final String id;
  private final String name;
  private final JobState state;
  private final String progressJson;
  private final int attemptsMade;
  private final int attemptsStarted;
  private final int maxAttempts;
  private final Instant createdAt;
  private final Instant processedOn;
  private final Instant finishedOn;
  private final String failedReason;
  private final String returnValueJson;
  private final String etag;
  private final Instant asOf;
  private final boolean stale;
  private final Duration age;

  private JobView(Builder b, Instant asOf, boolean stale, Duration age, String etag) {
    this.queue = b.queue;
    this.id = b.id;
    this.name = b.name;
    this.state = b.state;
    this.progressJson = b.progressJson;
    this.attemptsMade = b.attemptsMade;
    this.attemptsStarted = b.attemptsStarted;
    this.maxAttempts = b.maxAttempts;
    this.createdAt = b.createdAt;
    this.processedOn = b.processedOn;
    this.finishedOn = b.finishedOn;
    this.failedReason = b.failedReason;
    this.returnValueJson = b.returnValueJson;
    this.asOf = asOf;
    this.stale = stale;
    this.age = age;
    this.etag = etag != null ? etag : digest(this);
  }

  /**
   * A builder for a view of job {@code id} of {@code queue}; the service builds views from Redis,
   * tests and other sources may build their own.
   */
  public static Builder builder(String queue, String id) {
    return new Builder(queue, id);
  }

  /**
   * A fresh view of {@code job} in {@code state} (a job read with {@link dev.bullpen.Queue#getJob}
   * or listed with {@link dev.bullpen.Queue#getJobs}, whose state the caller knows).
   */
  public static JobView of(Job<?> job, JobState state, Instant asOf) {
    int maxAttempts;
    try {
      maxAttempts = job.opts().attempts();
    } catch (RuntimeException e) {
      maxAttempts = 1; // options written by a client we cannot parse: show what we can
    }
    return builder(job.queueName(), job.id()).name(job.name()).state(state)
        .progressJson(job.progressJson()).attemptsMade(job.attemptsMade())
        .attemptsStarted(job.attemptsStarted()).maxAttempts(maxAttempts)
        .createdAt(job.timestamp()).processedOn(job.processedOn()).finishedOn(job.finishedOn())
        .failedReason(job.failedReason()).returnValueJson(job.returnValueJson()).build(asOf);
  }

  /** The queue's name. */
  public String queue() {
    return queue;
  }

  /** The job id. */
  public String id() {
    return id;
  }

  /** The job's name ("" when it has none). */
  public String name() {
    return name;
  }

  /** The state when the view was read. */
  public JobState state() {
    return state;
  }

  /** Whether the job has completed or failed for good. */
  public boolean finished() {
    return state == JobState.COMPLETED || state == JobState.FAILED;
  }

  /** Progress as JSON text: a number (0 to 100 by convention), or any JSON value; "0" if unset. */
  public String progressJson() {
    return progressJson;
  }

  /** Finished attempts, including those that led to a retry. */
  public int attemptsMade() {
    return attemptsMade;
  }

  /** Times the job became active. */
  public int attemptsStarted() {
    return attemptsStarted;
  }

  /** Attempts allowed by the job's options (at least 1). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** When the job was added, or null. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the current or last attempt started, or null. */
  public Instant processedOn() {
    return processedOn;
  }

  /** When the job finished, or null. */
  public Instant finishedOn() {
    return finishedOn;
  }

  /** The last failure's message, or null. */
  public String failedReason() {
    return failedReason;
  }

  /** The return value as JSON text, or null until the job completes. */
  public String returnValueJson() {
    return returnValueJson;
  }

  /**
   * An opaque tag that changes whenever anything the view shows changes (hex digits, without
   * HTTP quotes).
   */
  public String etag() {
    return etag;
  }

  /** When this view was last known to match Redis. */
  public Instant asOf() {
    return asOf;
  }

  /** True when Redis could not be read and this is the last view known. */
  public boolean stale() {
    return stale;
  }

  /** For a stale view, how old it was when answered ({@link Duration#ZERO} for fresh views). */
  public Duration age() {
    return age;
  }

  /** A copy with other progress (a progress event carries the whole new value). */
  public JobView withProgress(String json, Instant now) {
    Builder b = toBuilder();
    b.progressJson = json == null || json.isEmpty() ? "0" : json;
    return new JobView(b, now, false, Duration.ZERO, null);
  }

  /** A copy marked stale, {@code now - asOf} old. */
  public JobView asStale(Instant now) {
    Duration a = Duration.between(asOf, now);
    return new JobView(toBuilder(), asOf, true, a.isNegative() ? Duration.ZERO : a, etag);
  }

  /** A builder holding this view's fields. */
  public Builder toBuilder() {
    Builder b = new Builder(queue, id);
    b.name = name;
    b.state = state;
    b.progressJson = progressJson;
    b.attemptsMade = attemptsMade;
    b.attemptsStarted = attemptsStarted;
    b.maxAttempts = maxAttempts;
    b.createdAt = createdAt;
    b.processedOn = processedOn;
    b.finishedOn = finishedOn;
    b.failedReason = failedReason;
    b.returnValueJson = returnValueJson;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof JobView)) {
      return false;
    }
    JobView v = (JobView) o;
    return etag.equals(v.etag) && stale == v.stale && queue.equals(v.queue) && id.equals(v.id)
        && asOf.equals(v.asOf);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queue, id, etag, stale);
  }

  @Override
  public String toString() {
    return "JobView{" + queue + "/" + id + " " + state.wireName() + " progress=" + progressJson
        + (stale ? " stale " + age.toMillis() + "ms" : "") + " etag=" + etag + "}";
  }

  private static String digest(JobView v) {
    StringBuilder sb = new StringBuilder(256);
    for (Object field : new Object[] {v.queue, v.id, v.name, v.state.wireName(), v.progressJson,
        v.attemptsMade, v.attemptsStarted, v.maxAttempts, millis(v.createdAt),
        millis(v.processedOn), millis(v.finishedOn), v.failedReason, v.returnValueJson}) {
      // Length-prefixed, so that no two different field lists read the same.
      String s = field == null ? "\u0000" : field.toString();
      sb.append(s.length()).append(':').append(s);
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(24);
      for (int i = 0; i < 10; i++) {
        hex.append(Character.forDigit((d[i] >> 4) & 0xf, 16))
            .append(Character.forDigit(d[i] & 0xf, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static Object millis(Instant i) {
    return i == null ? null : i.toEpochMilli();
  }

  /** Builds a {@link JobView}; unset fields are empty (state {@link JobState#UNKNOWN}). */
  public static final class Builder {
    private final String queue;
    private final String id;
    private String name = "";
    private JobState state = JobState.UNKNOWN;
    private String progressJson = "0";
    private int attemptsMade;
    private int attemptsStarted;
    private int maxAttempts = 1;
    private Instant createdAt;
    private Instant processedOn;
    private Instant finishedOn;
    private String failedReason;
    private String returnValueJson;

    private Builder(String queue, String id) {
      if (queue == null || queue.isEmpty()) {
        throw new IllegalArgumentException("queue must not be empty, got " + queue);
      }
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("id must not be empty, got " + id);
      }
      this.queue = queue;
      this.id = id;
    }

    public Builder name(String name) {
      this.name = name == null ? "" : name;
      return this;
    }

    public Builder state(JobState state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    /** Progress as JSON text; null or empty means "0". */
    public Builder progressJson(String json) {
      this.progressJson = json == null || json.isEmpty() ? "0" : json;
      return this;
    }

    public Builder attemptsMade(int n) {
      this.attemptsMade = n;
      return this;
    }

    public Builder attemptsStarted(int n) {
      this.attemptsStarted = n;
      return this;
    }

    /** Attempts allowed; values below 1 are taken as 1. */
    public Builder maxAttempts(int n) {
      this.maxAttempts = Math.max(1, n);
      return this;
    }

    public Builder createdAt(Instant t) {
      this.createdAt = t;
      return this;
    }

    public Builder processedOn(Instant t) {
      this.processedOn = t;
      return this;
    }

    public Builder finishedOn(Instant t) {
      this.finishedOn = t;
      return this;
    }

    public Builder failedReason(String reason) {
      this.failedReason = reason;
      return this;
    }

    public Builder returnValueJson(String json) {
      this.returnValueJson = json;
      return this;
    }

    /** A fresh view, known to match Redis at {@code asOf}. */
    public JobView build(Instant asOf) {
      return new JobView(this, Objects.requireNonNull(asOf, "asOf"), false, Duration.ZERO, null);
    }
  }
}
