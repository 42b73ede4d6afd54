package dev.bullpen;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job as stored in Redis: BullMQ's job hash, decoded. Instances are snapshots: the fields show
 * the job when it was read; {@link Queue#getJob} reads it again.
 *
 * <p>Data, progress and return values are JSON in Redis; {@link #data()} decodes the data into
 * the queue's or worker's data type with the client's codec, and the {@code *Json()} accessors
 * give the raw text.
 *
 * @param <D> the type job data decodes into
 */
public final class Job<D> {
  private final QueueContext ctx;
  private final String id;
  private final Map<String, String> hash;
  private final Type dataType;
  private final String token;
  private volatile Object decoded;
  private volatile JobOptions opts;

  Job(QueueContext ctx, String id, Map<String, String> hash, Type dataType, String token) {
    this.ctx = ctx;
    this.id = id;
    // Callers hand over a map nobody else keeps: wrap it, don't copy it (hot path).
    this.hash = Collections.unmodifiableMap(hash);
    this.dataType = dataType;
    this.token = token;
  }

  /** The job id (automatic ids are decimal counters, custom ids are what the producer gave). */
  public String id() {
    return id;
  }

  /** The queue the job belongs to. */
  public String queueName() {
    return ctx.name;
  }

  /** The job's name (BullMQ job names tell handlers what to do). */
  public String name() {
    return hash.getOrDefault("name", "");
  }

  /** The data, decoded with the client's codec. */
  @SuppressWarnings("unchecked")
  public D data() {
    Object d = decoded;
    if (d == null) {
      d = ctx.codec().decode(dataJson(), dataType);
      decoded = d;
    }
    return (D) d;
  }

  /** The data as stored: JSON text ({@code {}} when missing, as BullMQ reads it). */
  public String dataJson() {
    String d = hash.get("data");
    return d == null || d.isEmpty() ? "{}" : d;
  }

  /** The options, as stored by whichever client added the job. */
  public JobOptions opts() {
    JobOptions o = opts;
    if (o == null) {
      o = JobOptions.parseStored(hash.get("opts"));
      opts = o;
    }
    return o;
  }

  /** The options JSON text as stored (key order and escapes as the writer left them). */
  public String optsJson() {
    return hash.getOrDefault("opts", "{}");
  }

  /** When the job was created (producer's clock). */
  public Instant timestamp() {
    return instant("timestamp");
  }

  /** The relative delay it was added or last delayed with, in ms. */
  public long delayMs() {
    return number("delay");
  }

  public int priority() {
    return (int) number("priority");
  }

  /** Progress as JSON text ("0" when never set, as BullMQ reads it). */
  public String progressJson() {
    return hash.getOrDefault("progress", "0");
  }

  /** Progress decoded: a number, a map, a string or a boolean. */
  public Object progress() {
    return ctx.codec().decode(progressJson(), Object.class);
  }

  /** Start of the current or last attempt, or null. */
  public Instant processedOn() {
    return instant("processedOn");
  }

  /** When it finished, or null. */
  public Instant finishedOn() {
    return instant("finishedOn");
  }

  /** Finished attempts, including those that led to a retry ({@code atm}). */
  public int attemptsMade() {
    String v = hash.containsKey("atm") ? hash.get("atm") : hash.get("attemptsMade");
    return (int) parse(v);
  }

  /** Times the job became active ({@code ats}). */
  public int attemptsStarted() {
    return (int) number("ats");
  }

  /** Times the job was found stalled ({@code stc}). */
  public int stalledCounter() {
    return (int) number("stc");
  }

  /** The last failure's message, or null. */
  public String failedReason() {
    return hash.get("failedReason");
  }

  /** Stack traces of failed attempts, oldest first. */
  @SuppressWarnings("unchecked")
  public List<String> stacktrace() {
    String s = hash.get("stacktrace");
    if (s == null || s.isEmpty()) {
      return List.of();
    }
    try {
      Object v = ctx.codec().decode(s, Object.class);
      return v instanceof List ? (List<String>) v : List.of();
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /** The return value as JSON text, or null when the job has not completed. */
  public String returnValueJson() {
    return hash.get("returnvalue");
  }

  /** The return value decoded into {@code type}, or null. */
  public <R> R returnValue(Class<R> type) {
    String r = returnValueJson();
    return r == null ? null : ctx.codec().decode(r, type);
  }

  /** The worker name that processed it ({@code pb}), or null. */
  public String processedBy() {
    return hash.get("pb");
  }

  /** A deferred failure ({@code defa}): the next worker fails the job with this message. */
  public Optional<String> deferredFailure() {
    return Optional.ofNullable(hash.get("defa"));
  }

  /** The raw hash, field by field, as Redis holds it. */
  public Map<String, String> fields() {
    return hash;
  }

  /** The lock token while a worker holds the job, else null. */
  public String lockToken() {
    return token;
  }

  /**
   * Stores progress (any JSON value) and announces it on the events stream.
   *
   * @throws JobNotFoundException when the job no longer exists
   */
  public void updateProgress(Object progress) {
    Queue.updateProgress(ctx, id, progress);
  }

  /** Appends a row to the job's log; returns the number of rows. */
  public long log(String row) {
    return Queue.addLog(ctx, id, row, opts().keepLogs());
  }

  /** Removes the job unless a worker holds it; false when it no longer exists. */
  public boolean remove() {
    return Queue.removeJob(ctx, id);
  }

  /** Runs a failed or completed job again. */
  public void retry() {
    Queue.reprocess(ctx, id, Queue.stateOf(ctx, id), false);
  }

  /**
   * Runs the job again if it is in {@code from} (failed or completed), atomically: a job that
   * moved on meanwhile is left alone. With {@code resetAttempts} its attempts count starts
   * again from 0, so it gets all its {@link JobOptions#attempts() attempts} anew (BullMQ's
   * {@code retry(state, {resetAttemptsMade, resetAttemptsStarted})}).
   *
   * @throws IllegalArgumentException when {@code from} is not failed or completed
   * @throws JobNotFoundException when the job no longer exists
   * @throws JobStateException when the job is not in {@code from}
   */
  public void retry(JobState from, boolean resetAttempts) {
    if (from != JobState.FAILED && from != JobState.COMPLETED) {
      throw new IllegalArgumentException("retry takes failed or completed, got " + from);
    }
    Queue.reprocess(ctx, id, from, resetAttempts);
  }

  /** Makes a delayed job ready now. */
  public void promote() {
    Queue.promote(ctx, id);
  }

  /** The job's current state, read from Redis. */
  public JobState getState() {
    return Queue.stateOf(ctx, id);
  }

  private long number(String field) {
    return parse(hash.get(field));
  }

  private Instant instant(String field) {
    String v = hash.get(field);
    return v == null || v.isEmpty() ? null : Instant.ofEpochMilli(parse(v));
  }

  static long parse(String v) {
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      try {
        return (long) Double.parseDouble(v);
      } catch (NumberFormatException e2) {
        return 0;
      }
    }
  }

  @Override
  public String toString() {
    return "Job{" + ctx.name + "/" + id + " " + name() + "}";
  }
}
