package dev.bullpen;

import dev.bullpen.internal.MsgPack;
import dev.bullpen.internal.RedisGateway;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A producer's and operator's handle on one queue: add jobs, read them, count them, pause,
 * retry, clean. Cheap to create from {@link Bullpen#queue}; thread-safe; closing it releases
 * nothing shared.
 *
 * <pre>{@code
 * Queue<Render> renders = bullpen.queue("renders", Render.class);
 * Job<Render> job = renders.add("render", new Render("intro.mp4"),
 *     JobOptions.builder().attempts(3).backoff(Backoff.exponential(Duration.ofSeconds(2))).build());
 * JobCounts counts = renders.getJobCounts();
 * }</pre>
 *
 * Every method validates its arguments before touching Redis and fails with an
 * {@link IllegalArgumentException} naming the bad field; Redis failures surface as
 * {@link RedisUnavailableException} within the client's command timeout.
 *
 * @param <D> the type job data decodes into
 */
public final class Queue<D> implements AutoCloseable {
  /** Jobs per script call in {@link #addBulk}: large batches stay one round trip each. */
  static final int BULK_CHUNK = 1000;
  private static final String[] COUNT_SUFFIXES = {
    "wait", "prioritized", "delayed", "active", "completed", "failed", "paused", "waiting-children"
  };

  private final QueueContext ctx;
  private final Type dataType;
  private final AddBatcher<D> batcher;

  Queue(QueueContext ctx, Type dataType) {
    this.ctx = ctx;
    this.dataType = dataType;
    this.batcher = new AddBatcher<>(ctx, this::added,
        (e, jobs) -> addFailure(e, jobs, 0, jobs.size()));
  }

  /** The queue's name. */
  public String name() {
    return ctx.name;
  }

  /** Adds a job with default options. */
  public Job<D> add(String name, D data) {
    return add(name, data, JobOptions.DEFAULT);
  }

  /**
   * Adds a job. With a custom {@link JobOptions#jobId()} the add is idempotent: if that id
   * exists, nothing changes and the returned job carries the id (read it with {@link #getJob}).
   * When this method returns, the job is in Redis.
   *
   * @throws AddOutcomeUnknownException when the reply was lost (timeout, broken connection):
   *     the job may or may not exist; adding again with the same custom id is safe
   * @throws RedisOutOfMemoryException when Redis is full ({@code noeviction}): nothing written
   * @throws RedisUnavailableException when Redis refused to serve the call right now
   */
  public Job<D> add(String name, D data, JobOptions opts) {
    return addBulk(List.of(new NewJob<>(name, data, opts))).get(0);
  }

  /** {@link #addAsync(String, Object, JobOptions)} with default options. */
  public CompletableFuture<Job<D>> addAsync(String name, D data) {
    return addAsync(name, data, JobOptions.DEFAULT);
  }

  /**
   * Adds a job without waiting for Redis, so one thread can keep many adds in flight on the
   * client's pipelined connection. The job is validated and encoded before this returns (bad
   * input throws {@link IllegalArgumentException} at once and nothing is sent); the future
   * completes with the job once Redis stored it, or exceptionally with the failure
   * {@link #add(String, Object, JobOptions)} would have thrown. Adds made on this handle while
   * an earlier one is in flight go to Redis together in one script call once it returns (up to
   * {@value #BULK_CHUNK}), each still added exactly as {@code add} would add it; one thread's adds
   * get increasing ids in call order. It completes on the client's I/O
   * thread: keep callbacks short and never block in them. With durable adds
   * ({@code Bullpen.builder().durableAdds}) this waits for the replicas like {@code add} and
   * returns a completed future.
   */
  public CompletableFuture<Job<D>> addAsync(String name, D data, JobOptions opts) {
    NewJob<D> job = new NewJob<>(name, data, opts);
    if (ctx.client.durableReplicas() > 0) {
      return CompletableFuture.completedFuture(addBulk(List.of(job)).get(0));
    }
    return batcher.add(job, encode(job, ctx.now(), ""));
  }

  /**
   * Adds many jobs with one script call per {@value #BULK_CHUNK} jobs (one round trip each).
   * All jobs are validated and encoded before anything is sent; each chunk is atomic. Errors are
   * those of {@link #add(String, Object, JobOptions)}; when a chunk fails, the message says how
   * many jobs of earlier chunks were added.
   */
  public List<Job<D>> addBulk(List<NewJob<D>> jobs) {
    if (jobs == null) {
      throw new IllegalArgumentException("jobs must not be null");
    }
    long now = ctx.now();
    List<String[]> encoded = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      NewJob<D> job = jobs.get(i);
      if (job == null) {
        throw new IllegalArgumentException("jobs[" + i + "] must not be null");
      }
      encoded.add(encode(job, now, jobs.size() > 1 ? "jobs[" + i + "]." : ""));
    }
    List<Job<D>> out = new ArrayList<>(jobs.size());
    int replicas = ctx.client.durableReplicas();
    long acknowledged = Long.MAX_VALUE;
    String waitError = null;
    for (int from = 0; from < encoded.size(); from += BULK_CHUNK) {
      int to = Math.min(encoded.size(), from + BULK_CHUNK);
      String[] fields = new String[8 * (to - from)];
      for (int i = from; i < to; i++) {
        System.arraycopy(encoded.get(i), 0, fields, 8 * (i - from), 8);
      }
      String[] keys = ctx.keys.forScript(ctx.scripts().addJobs);
      String[] args = {ctx.keys.base(), Integer.toString(to - from)};
      RedisGateway.Replicated r;
      try {
        r = addChunk(keys, args, fields, replicas);
      } catch (BullpenException e) {
        throw addFailure(e, jobs, from, to);
      }
      List<Object> ids = r.reply();
      // WAIT after every chunk: a later chunk's failure must not hide an earlier one's fate.
      acknowledged = Math.min(acknowledged, r.acknowledged());
      waitError = r.waitError() != null ? r.waitError() : waitError;
      for (int i = from; i < to; i++) {
        out.add(added((String) ids.get(i - from), encoded.get(i)));
      }
    }
    if (acknowledged < replicas) {
      List<String> added = out.stream().map(Job::id).collect(java.util.stream.Collectors.toList());
      throw new NotReplicatedException("queue " + ctx.name + ": " + (added.size() == 1
          ? "job " + added.get(0) + " IS stored" : added.size() + " jobs ARE stored")
          + " on the master, but only " + acknowledged + " of " + replicas + " replica(s)"
          + " acknowledged within " + ctx.client.durableTimeout().toMillis() + " ms"
          + (waitError == null ? "" : " (WAIT failed: " + waitError + ")") + ", so a"
          + " failover now could lose " + (added.size() == 1 ? "it" : "them") + ". Do not add"
          + " again without a custom job id (that would duplicate); with custom ids, adding"
          + " again is safe and waits again", added, acknowledged, replicas);
    }
    return out;
  }

  /** Runs addJobs for one chunk; without durable adds the WAIT part is "all acknowledged". */
  private RedisGateway.Replicated addChunk(String[] keys, String[] args, String[] fields,
      int replicas) {
    if (replicas > 0) {
      return ctx.redis().evalWithBinaryReplicated(ctx.scripts().addJobs, keys, args,
          MsgPack.packStrings(fields), replicas, ctx.client.durableTimeout().toMillis());
    }
    return new RedisGateway.Replicated(ctx.redis().evalWithBinary(ctx.scripts().addJobs, keys,
        args, MsgPack.packStrings(fields)), Long.MAX_VALUE, null);
  }

  private static String describe(List<String> ids) {
    if (ids.size() == 1) {
      return ids.get(0) == null ? "a job (automatic id)" : "job '" + ids.get(0) + "'";
    }
    return ids.size() + " jobs";
  }

  /**
   * What an add of {@code jobs[from, to)} fails with, given the client's translated failure: a
   * refusal for a full Redis names the queue, a reply that never came is an unknown outcome.
   */
  private BullpenException addFailure(BullpenException e, List<NewJob<D>> jobs, int from,
      int to) {
    if (e instanceof RedisOutOfMemoryException) {
      return new RedisOutOfMemoryException("queue " + ctx.name + ": add of " + (to - from)
          + " job(s) refused" + (from > 0 ? " (the first " + from + " were added)" : "")
          + ": " + e.getMessage(), e);
    }
    if (RedisGateway.outcomeUnknown(e)) {
      List<String> ids = new ArrayList<>();
      for (int i = from; i < to; i++) {
        ids.add(jobs.get(i).opts().jobId());
      }
      return new AddOutcomeUnknownException("queue " + ctx.name + ": the add of "
          + describe(ids) + " may or may not have been stored (" + e.getMessage() + ")"
          + (from > 0 ? "; the first " + from + " job(s) were added" : "") + ". Adding"
          + " again with the same custom jobId is safe: an existing id is never added"
          + " twice" + (ids.contains(null) ? "; jobs without a custom id may be added"
          + " twice" : ""), ids, e);
    }
    return e;
  }

  /** The job as added: its id and the fields {@link #encode} wrote. */
  private Job<D> added(String id, String[] e) {
    return new Job<>(ctx, id, Map.of("name", e[1], "data", e[2], "opts", e[3], "timestamp", e[4],
        "delay", e[5], "priority", e[6]), dataType, null);
  }

  private String[] encode(NewJob<D> job, long now, String field) {
    if (job.name().length() > 1024) {
      throw new IllegalArgumentException(field + "name must be at most 1024 characters");
    }
    String data;
    try {
      data = ctx.codec().encode(job.data());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + "data: " + e.getMessage(), e);
    }
    int size = data.getBytes(StandardCharsets.UTF_8).length;
    if (size > ctx.client.maxDataBytes()) {
      throw new IllegalArgumentException(field + "data is " + size + " bytes of JSON, over the"
          + " limit of " + ctx.client.maxDataBytes() + " bytes (Bullpen.builder().maxDataBytes)");
    }
    JobOptions o = job.opts();
    long ts = o.timestamp() != null ? o.timestamp().toEpochMilli() : now;
    return new String[] {
      o.jobId() == null ? "" : o.jobId(), job.name(), data, o.storedJson(),
      Long.toString(ts), Long.toString(o.delay().toMillis()), Integer.toString(o.priority()),
      o.lifo() ? "1" : "0"
    };
  }

  /** Reads a job, or empty when it does not exist. */
  public Optional<Job<D>> getJob(String jobId) {
    checkId(jobId);
    Map<String, String> hash = ctx.redis().call("get job " + jobId,
        r -> r.hgetall(ctx.keys.job(jobId)));
    if (hash == null || hash.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Job<>(ctx, jobId, hash, dataType, null));
  }

  /**
   * Jobs in one state, ranked from {@code start} to {@code end} inclusive (0-based; -1 = last),
   * oldest first when {@code ascending}. Jobs removed between the two reads are skipped.
   */
  public List<Job<D>> getJobs(JobState state, long start, long end, boolean ascending) {
    if (state == null || state == JobState.UNKNOWN) {
      throw new IllegalArgumentException("state must be a real job state, got " + state);
    }
    String key = ctx.keys.key(state.keySuffix());
    boolean list = state == JobState.WAITING || state == JobState.ACTIVE
        || state == JobState.PAUSED;
    List<String> ids = ctx.redis().call("list " + state.wireName() + " jobs", r -> {
      if (list) {
        // Lists get new ids on the left: the oldest job is at the tail.
        List<String> l = new ArrayList<>(ascending
            ? r.lrange(key, end < 0 ? 0 : -(end + 1), -(start + 1))
            : r.lrange(key, start, end));
        if (ascending) {
          Collections.reverse(l);
        }
        return l;
      }
      return ascending ? r.zrange(key, start, end) : r.zrevrange(key, start, end);
    });
    List<Job<D>> jobs = new ArrayList<>(ids.size());
    List<Map<String, String>> hashes = ctx.redis().hgetallMany(ids.stream()
        .map(ctx.keys::job).collect(java.util.stream.Collectors.toList()));
    for (int i = 0; i < ids.size(); i++) {
      if (!hashes.get(i).isEmpty() && !ids.get(i).startsWith("0:")) {
        jobs.add(new Job<>(ctx, ids.get(i), hashes.get(i), dataType, null));
      }
    }
    return jobs;
  }

  /** Counts of every state, read atomically. */
  public JobCounts getJobCounts() {
    String[] args = new String[1 + COUNT_SUFFIXES.length];
    args[0] = ctx.keys.base();
    System.arraycopy(COUNT_SUFFIXES, 0, args, 1, COUNT_SUFFIXES.length);
    List<Object> c = ctx.eval(ctx.scripts().getCounts, args);
    long[] n = new long[c.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = QueueContext.toLong(c.get(i));
    }
    return new JobCounts(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]);
  }

  /** The state of a job ({@link JobState#UNKNOWN} when it is in none). */
  public JobState getState(String jobId) {
    checkId(jobId);
    return stateOf(ctx, jobId);
  }

  /** Pauses the queue for every worker (Node's included): jobs keep arriving, none start. */
  public void pause() {
    ctx.eval(ctx.scripts().pause, "pause", "1");
  }

  /** Resumes a paused queue (also migrating a legacy v5 paused list). */
  public void resume() {
    boolean first = true;
    while (ctx.evalLong(ctx.scripts().pause, "resume", first ? "1" : "0") > 0) {
      first = false;
    }
  }

  /**
   * Whether the queue exists in Redis: it has an {@code id} key (every add moves it) or a
   * {@code meta} key (pause, limits, BullMQ's version stamp), the keys by which
   * {@link Bullpen#queueNames()} finds queues. One command; writes nothing.
   */
  public boolean exists() {
    return ctx.redis().call("exists",
        r -> r.exists(ctx.keys.key("id"), ctx.keys.key("meta"))) > 0;
  }

  /** Whether the queue is paused. */
  public boolean isPaused() {
    return ctx.redis().call("isPaused", r -> r.hexists(ctx.keys.key("meta"), "paused"));
  }

  /**
   * Moves failed (or completed) jobs finished at or before {@code finishedBefore} back to wait,
   * in batches of 1000; returns how many moved.
   */
  public long retryJobs(JobState state, java.time.Instant finishedBefore) {
    if (state != JobState.FAILED && state != JobState.COMPLETED) {
      throw new IllegalArgumentException("retryJobs takes failed or completed, got " + state);
    }
    String upTo = finishedBefore == null ? "+inf" : Long.toString(finishedBefore.toEpochMilli());
    return moveAll(state.keySuffix(), upTo);
  }

  /** Moves every failed job back to wait. */
  public long retryJobs() {
    return retryJobs(JobState.FAILED, null);
  }

  /** Makes every delayed job ready now; returns how many. */
  public long promoteJobs() {
    return moveAll("delayed", "+inf");
  }

  private long moveAll(String state, String upTo) {
    long total = 0;
    long moved;
    do {
      moved = ctx.evalLong(ctx.scripts().moveJobsToWait, ctx.keys.base(), state, "1000", upTo);
      total += moved;
    } while (moved == 1000);
    return total;
  }

  /**
   * Removes jobs in {@code state} older than {@code grace} (finishedOn for finished jobs, else
   * processedOn or timestamp), at most {@code limit} (0 = all); returns their ids. Active jobs
   * are only removed when no worker holds them.
   */
  public List<String> clean(Duration grace, int limit, JobState state) {
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("grace must be zero or positive, got " + grace);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    if (state == null || state == JobState.UNKNOWN || state == JobState.WAITING_CHILDREN) {
      throw new IllegalArgumentException("cannot clean state " + state);
    }
    String cutoff = Long.toString(ctx.now() - grace.toMillis());
    String[] keys = {ctx.keys.key(state.keySuffix()), ctx.keys.key("meta"),
      ctx.keys.key("events")};
    List<String> removed = new ArrayList<>();
    int batch = limit == 0 ? 10_000 : Math.min(limit, 10_000);
    while (true) {
      int want = limit == 0 ? batch : Math.min(batch, limit - removed.size());
      List<Object> ids = ctx.redis().eval(ctx.scripts().cleanJobsInSet, keys, ctx.keys.base(),
          state.keySuffix(), cutoff, Integer.toString(want));
      for (Object id : ids) {
        removed.add((String) id);
      }
      if (ids.size() < want || (limit > 0 && removed.size() >= limit)) {
        return removed;
      }
    }
  }

  /** Removes every job waiting to run (and delayed ones when asked); returns how many. */
  public long drain(boolean delayed) {
    return ctx.evalLong(ctx.scripts().drain, ctx.keys.base(), delayed ? "1" : "0");
  }

  /**
   * Deletes the queue and all its jobs. Pauses it first; refuses while jobs are active unless
   * {@code force}.
   */
  public void obliterate(boolean force) {
    pause();
    long r;
    do {
      r = ctx.evalLong(ctx.scripts().obliterate, ctx.keys.base(), "1000", force ? "1" : "0");
      if (r == -2) {
        throw new JobStateException("cannot obliterate queue " + ctx.name
            + ": it has active jobs (use force to remove them too)");
      }
    } while (r == 1 || r == -1 && pauseAgain());
  }

  private boolean pauseAgain() {
    pause();
    return true;
  }

  /**
   * Removes a job unless a worker holds it. Returns false when it does not exist.
   *
   * @throws JobStateException when a worker holds the job
   */
  public boolean remove(String jobId) {
    checkId(jobId);
    return removeJob(ctx, jobId);
  }

  /** Limits the whole queue to {@code n} active jobs at once, across all workers. */
  public void setGlobalConcurrency(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("global concurrency must be at least 1, got " + n);
    }
    ctx.redis().call("setGlobalConcurrency",
        r -> r.hset(ctx.keys.key("meta"), "concurrency", Integer.toString(n)));
  }

  /** Removes the global concurrency limit. */
  public void removeGlobalConcurrency() {
    ctx.redis().call("removeGlobalConcurrency", r -> r.hdel(ctx.keys.key("meta"), "concurrency"));
  }

  /** Limits the whole queue to {@code max} jobs started per {@code duration}. */
  public void setGlobalRateLimit(int max, Duration duration) {
    if (max < 1) {
      throw new IllegalArgumentException("rate limit max must be at least 1, got " + max);
    }
    if (duration == null || duration.toMillis() < 1) {
      throw new IllegalArgumentException("rate limit duration must be at least 1 ms, got "
          + duration);
    }
    ctx.redis().call("setGlobalRateLimit", r -> r.hset(ctx.keys.key("meta"), Map.of(
        "max", Integer.toString(max), "duration", Long.toString(duration.toMillis()))));
  }

  /** Removes the global rate limit. */
  public void removeGlobalRateLimit() {
    ctx.redis().call("removeGlobalRateLimit",
        r -> r.hdel(ctx.keys.key("meta"), "max", "duration"));
  }

  /** A job's log rows from {@code start} to {@code end} inclusive (-1 = last). */
  public List<String> getJobLogs(String jobId, long start, long end) {
    checkId(jobId);
    return ctx.redis().call("get logs of " + jobId, r -> r.lrange(ctx.keys.logs(jobId), start,
        end));
  }

  /** Trims the events stream to about {@code maxLength} entries. */
  public void trimEvents(long maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must be >= 0, got " + maxLength);
    }
    ctx.redis().call("trimEvents", r -> r.xtrim(ctx.keys.key("events"), true, maxLength));
  }

  @Override
  public void close() {
    // Nothing to release: the client owns the connections.
  }

  // Operations shared with Job.

  static void updateProgress(QueueContext ctx, String jobId, Object progress) {
    String json = ctx.codec().encode(progress);
    ctx.check(ctx.evalLong(ctx.scripts().updateProgress, ctx.keys.base(), jobId, json),
        "updateProgress", jobId);
  }

  static long addLog(QueueContext ctx, String jobId, String row, int keepLogs) {
    if (row == null) {
      throw new IllegalArgumentException("log row must not be null");
    }
    return ctx.check(ctx.evalLong(ctx.scripts().addLog, ctx.keys.base(), jobId, row,
        Integer.toString(keepLogs)), "log", jobId);
  }

  static boolean removeJob(QueueContext ctx, String jobId) {
    long r = ctx.evalLong(ctx.scripts().removeJob, ctx.keys.base(), jobId);
    if (r == 0) {
      throw new JobStateException("cannot remove job " + jobId + " of queue " + ctx.name
          + ": a worker holds it");
    }
    return r == 1;
  }

  static void reprocess(QueueContext ctx, String jobId, JobState state, boolean resetAttempts) {
    if (state != JobState.FAILED && state != JobState.COMPLETED) {
      if (state == JobState.UNKNOWN) {
        throw new JobNotFoundException("cannot retry job " + jobId + " of queue " + ctx.name
            + ": it does not exist");
      }
      throw new JobStateException("cannot retry job " + jobId + " of queue " + ctx.name
          + ": it is " + state.wireName() + ", not failed or completed");
    }
    ctx.check(ctx.evalLong(ctx.scripts().reprocessJob, ctx.keys.base(), jobId,
        state.keySuffix(), resetAttempts ? "1" : "0"), "retry", jobId);
  }

  static void promote(QueueContext ctx, String jobId) {
    ctx.check(ctx.evalLong(ctx.scripts().promote, ctx.keys.base(), jobId), "promote", jobId);
  }

  static JobState stateOf(QueueContext ctx, String jobId) {
    Object r = ctx.redis().eval(ctx.scripts().getState, ctx.keys.forScript(ctx.scripts().getState),
        jobId);
    String s = r instanceof List ? (String) ((List<?>) r).get(0) : (String) r;
    return JobState.parse(s);
  }

  private static void checkId(String jobId) {
    if (jobId == null || jobId.isEmpty()) {
      throw new IllegalArgumentException("jobId must not be empty");
    }
    if (jobId.length() > JobIds.MAX_LENGTH) {
      throw new IllegalArgumentException("jobId must be at most " + JobIds.MAX_LENGTH
          + " characters");
    }
  }
}
