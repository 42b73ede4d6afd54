package dev.bullpen.admin;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobNotFoundException;
import dev.bullpen.JobState;
import dev.bullpen.JobStateException;
import dev.bullpen.Queue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's API over every queue of a {@link Bullpen} client: what the HTTP admin endpoints
 * and the {@code bullpen} CLI commands call, so that neither touches Redis itself.
 *
 * <pre>{@code
 * Admin admin = Admin.create(bullpen);
 * for (QueueSummary q : admin.queues()) {
 *   System.out.println(q.name() + " failed=" + q.counts().failed());
 * }
 * long retried = admin.retryFailed("emails", JobFilter.ALL.olderThan(Duration.ofMinutes(10)),
 *     Admin.DEFAULT_BATCH_SIZE, (done, total) -> System.out.println(done + " of " + total));
 * }</pre>
 *
 * <h2>What it refuses</h2>
 * Every argument is checked before Redis is touched, and a refused call changes nothing:
 * <ul>
 *   <li>bad values (a malformed queue name, a negative page index, a page over {@link #MAX_PAGE}
 *       jobs, a batch size outside 1 … {@link #MAX_BATCH_SIZE}) → {@link IllegalArgumentException}
 *       naming the field;
 *   <li>a queue with no data in Redis → {@link QueueNotFoundException} (no keys are made for a
 *       mistyped name);
 *   <li>a job that is in none of the queue's states → {@link JobNotFoundException}; acting on an
 *       id only once its state has been read means an id that names one of the queue's own keys
 *       ({@code meta}, {@code 1:logs}) can never be read or deleted as a job;
 *   <li>a job in the wrong state for the action (promoting a job that is not delayed, retrying
 *       an active one) → {@link JobStateException}.
 * </ul>
 *
 * <h2>Costs and bounds</h2>
 * Reads are paged: job lists and dead letters at most {@link #MAX_PAGE} jobs a call, timings at
 * most {@link #MAX_TIMINGS} jobs, logs the newest {@link #MAX_LOG_ROWS} rows. A search looks the
 * text up as an exact job id and matches job names within the newest
 * {@link #SEARCH_SCAN_LIMIT} jobs of the state only; the keyspace is never scanned by a search.
 * The queue list comes from {@link Bullpen#queueNames()} (a SCAN of the keyspace), kept for
 * {@link #DEFAULT_QUEUE_LIST_TTL} (or the time given to {@link #create(Bullpen, Duration)}):
 * however often {@link #queues(int, int, String)} is called, one Admin scans at most once per
 * that time, one scan at a time, and a queue created meanwhile shows up once the time is past.
 * Counts and paused flags are read only for the queues of the page asked for (at most
 * {@link #MAX_QUEUE_PAGE}). Bulk actions work in batches and report progress after each one.
 *
 * <p>Thread-safe; as cheap as the client's queue handles.
 */
public final class Admin {
  /** Most jobs one page may hold. */
  public static final int MAX_PAGE = 1000;
  /** A search matches names among at most this many newest jobs of the state listed. */
  public static final int SEARCH_SCAN_LIMIT = 1000;
  /** Most finished jobs {@link #recentTimings} and {@link #timingReport} read. */
  public static final int MAX_TIMINGS = 1000;
  /** Newest log rows a {@link JobDetail} carries. */
  public static final int MAX_LOG_ROWS = 1000;
  /** Most queues {@link #queues()} describes (each costs three commands). */
  public static final int MAX_QUEUES_LISTED = 500;
  /** Most queues one page of {@link #queues(int, int, String)} may hold. */
  public static final int MAX_QUEUE_PAGE = MAX_QUEUES_LISTED;
  /** How long the list of queue names is kept unless given to {@link #create(Bullpen, Duration)}. */
  public static final Duration DEFAULT_QUEUE_LIST_TTL = Duration.ofSeconds(10);
  /** Longest time the list of queue names may be kept. */
  public static final Duration MAX_QUEUE_LIST_TTL = Duration.ofHours(1);
  /** Batch size of bulk actions unless given. */
  public static final int DEFAULT_BATCH_SIZE = 500;
  /** Largest batch size of bulk actions. */
  public static final int MAX_BATCH_SIZE = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(Admin.class);
  private static final int SCAN_PAGE = 250;
  private static final Set<JobState> CLEANABLE = EnumSet.of(JobState.COMPLETED,
      JobState.FAILED, JobState.WAITING, JobState.DELAYED, JobState.PRIORITIZED,
      JobState.PAUSED);

  private final Bullpen bullpen;
  private final QueueNameIndex queueNames;

  private Admin(Bullpen bullpen, Duration queueListTtl) {
    this.bullpen = bullpen;
    this.queueNames = new QueueNameIndex(this::validQueueNames, bullpen.clock(), queueListTtl);
  }

  /**
   * The admin API over this client's queues, keeping the queue list for
   * {@link #DEFAULT_QUEUE_LIST_TTL}; closing the client ends it.
   */
  public static Admin create(Bullpen bullpen) {
    return create(bullpen, DEFAULT_QUEUE_LIST_TTL);
  }

  /**
   * The admin API over this client's queues, keeping the list of queue names for
   * {@code queueListTtl} (measured by the client's clock).
   *
   * @param queueListTtl zero (scan on every list) … {@link #MAX_QUEUE_LIST_TTL}
   */
  public static Admin create(Bullpen bullpen, Duration queueListTtl) {
    if (bullpen == null) {
      throw new IllegalArgumentException("bullpen must not be null");
    }
    if (queueListTtl == null || queueListTtl.isNegative()
        || queueListTtl.compareTo(MAX_QUEUE_LIST_TTL) > 0) {
      throw new IllegalArgumentException("queueListTtl must be 0 to " + MAX_QUEUE_LIST_TTL
          + ", got " + queueListTtl);
    }
    return new Admin(bullpen, queueListTtl);
  }

  /**
   * The first {@link #MAX_QUEUES_LISTED} queues by name with counts and paused flag: the same
   * as {@code queues(0, MAX_QUEUES_LISTED - 1, null).queues()}, so with more queues the rest are
   * left out; page with {@link #queues(int, int, String)} to see them all.
   */
  public List<QueueSummary> queues() {
    return queues(0, MAX_QUEUES_LISTED - 1, null).queues();
  }

  /**
   * One page of the queues under the client's prefix, sorted by name, with counts and paused
   * flag, positions {@code start} … {@code end} inclusive of the queues whose name contains
   * {@code search} (ignoring case). Names come from the kept list (see "Costs and bounds"
   * above); only the queues of the page are read, two commands each. Keys whose names are no
   * valid queue name for this client (control characters written by another program, or no
   * hash tag on a Cluster) are skipped.
   *
   * @param start 0 or more
   * @param end at least {@code start}, at most {@code start + MAX_QUEUE_PAGE - 1}
   * @param search text the name must contain, ignoring case; null or blank for every queue
   */
  public QueuePage queues(int start, int end, String search) {
    if (start < 0) {
      throw new IllegalArgumentException("start must be 0 or more, got " + start);
    }
    if (end < start) {
      throw new IllegalArgumentException("end must be at least start, got start=" + start
          + " end=" + end);
    }
    if ((long) end - start >= MAX_QUEUE_PAGE) {
      throw new IllegalArgumentException("a page holds at most " + MAX_QUEUE_PAGE
          + " queues, got start=" + start + " end=" + end);
    }
    String text = search == null || search.isBlank() ? null : search.trim();
    if (text != null) {
      checkText("search", text);
    }
    List<String> names = queueNames.names();
    if (text != null) {
      String needle = text.toLowerCase(Locale.ROOT);
      names = names.stream().filter(n -> n.toLowerCase(Locale.ROOT).contains(needle)).toList();
    }
    List<QueueSummary> out = new ArrayList<>();
    for (int i = start; i <= end && i < names.size(); i++) {
      Queue<Object> q = bullpen.queue(names.get(i));
      out.add(new QueueSummary(names.get(i), q.isPaused(), q.getJobCounts()));
    }
    return new QueuePage(names.size(), start, end, out);
  }

  /** Every queue name that makes a valid queue for this client, sorted (one keyspace scan). */
  private List<String> validQueueNames() {
    List<String> valid = new ArrayList<>();
    for (String name : bullpen.queueNames()) {
      try {
        bullpen.queue(name);
        valid.add(name);
      } catch (IllegalArgumentException e) {
        LOG.debug("skipping queue keys that name no valid queue: {}", e.getMessage());
      }
    }
    return valid;
  }

  /** One queue's counts and paused flag. */
  public QueueSummary stats(String queue) {
    Queue<Object> q = open(queue);
    return new QueueSummary(queue, q.isPaused(), q.getJobCounts());
  }

  /**
   * The newest {@code limit} finished (completed or failed) jobs with their wait and processing
   * times, newest first.
   *
   * @param limit 1 … {@link #MAX_TIMINGS}
   */
  public List<JobTiming> recentTimings(String queue, int limit) {
    if (limit < 1 || limit > MAX_TIMINGS) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_TIMINGS + ", got " + limit);
    }
    Queue<Object> q = open(queue);
    List<JobTiming> all = new ArrayList<>();
    for (JobState s : new JobState[] {JobState.COMPLETED, JobState.FAILED}) {
      for (Job<Object> j : q.getJobs(s, 0, limit - 1, false)) {
        all.add(new JobTiming(j.id(), j.name(), s, j.timestamp(), j.processedOn(),
            j.finishedOn(), JobTiming.between(j.timestamp(), j.processedOn()),
            JobTiming.between(j.processedOn(), j.finishedOn()),
            JobTiming.between(j.timestamp(), j.finishedOn())));
      }
    }
    all.sort(Comparator.comparing(JobTiming::finishedOn,
        Comparator.nullsLast(Comparator.reverseOrder())));
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }

  /**
   * Average and percentiles of wait, processing and total time over the newest {@code sample}
   * finished jobs (see {@link #recentTimings}).
   */
  public TimingReport timingReport(String queue, int sample) {
    return TimingReport.of(queue, recentTimings(queue, sample));
  }

  /**
   * A page of jobs in one state, newest first, ranks {@code start} … {@code end} inclusive (as
   * BullMQ's {@code getJobs}).
   *
   * <p>With a non-blank {@code search}, the page is taken from the matches instead: the job whose
   * id is exactly the text (if it is in this state), then jobs whose name contains the text
   * (ignoring case) among the newest {@link #SEARCH_SCAN_LIMIT} jobs of the state. Older jobs
   * are not searched: the bound keeps a search's cost fixed however long the list is.
   *
   * @param start 0 or more
   * @param end at least {@code start}, at most {@code start + MAX_PAGE - 1}
   * @param search text to look for, or null
   */
  public JobPage jobs(String queue, JobState state, long start, long end, String search) {
    checkState(state);
    checkPage(start, end);
    String text = search == null || search.isBlank() ? null : search.trim();
    if (text != null) {
      checkText("search", text);
    }
    Queue<Object> q = open(queue);
    if (text == null) {
      long total = q.getJobCounts().get(state);
      return new JobPage(queue, state, start, end, total, q.getJobs(state, start, end, false));
    }
    List<Job<Object>> matches = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (q.getState(text) == state) {
      q.getJob(text).ifPresent(j -> {
        matches.add(j);
        seen.add(j.id());
      });
    }
    String needle = text.toLowerCase(Locale.ROOT);
    for (long from = 0; from < SEARCH_SCAN_LIMIT; from += SCAN_PAGE) {
      List<Job<Object>> page = q.getJobs(state, from, from + SCAN_PAGE - 1, false);
      for (Job<Object> j : page) {
        if (!seen.contains(j.id()) && j.name().toLowerCase(Locale.ROOT).contains(needle)) {
          matches.add(j);
          seen.add(j.id());
        }
      }
      if (page.isEmpty()) {
        break;
      }
    }
    int from = (int) Math.min(start, matches.size());
    int to = (int) Math.min(end + 1, matches.size());
    return new JobPage(queue, state, start, end, matches.size(), matches.subList(from, to));
  }

  /** Everything about one job, with its newest {@link #MAX_LOG_ROWS} log rows. */
  public JobDetail job(String queue, String jobId) {
    checkJobId(jobId);
    Queue<Object> q = open(queue);
    JobState state = existingState(q, jobId, "read");
    Job<Object> j = q.getJob(jobId).orElseThrow(() -> notFound(queue, jobId, "read"));
    List<String> logs = q.getJobLogs(jobId, -MAX_LOG_ROWS, -1);
    return new JobDetail(j, state, JobTiming.between(j.timestamp(), j.processedOn()),
        JobTiming.between(j.processedOn(), j.finishedOn()), logs);
  }

  /**
   * Runs a failed or completed job again (its attempts count is kept, as BullMQ's
   * {@code job.retry()} does); returns its new state.
   */
  public JobState retry(String queue, String jobId) {
    checkJobId(jobId);
    Queue<Object> q = open(queue);
    JobState state = existingState(q, jobId, "retry");
    if (state != JobState.FAILED && state != JobState.COMPLETED) {
      throw new JobStateException("cannot retry job " + jobId + " of queue " + queue + ": it is "
          + state.wireName() + ", not failed or completed");
    }
    job(q, jobId, "retry").retry(state, false);
    return q.getState(jobId);
  }

  /** Makes a delayed job ready now; returns its new state. */
  public JobState promote(String queue, String jobId) {
    checkJobId(jobId);
    Queue<Object> q = open(queue);
    JobState state = existingState(q, jobId, "promote");
    if (state != JobState.DELAYED) {
      throw new JobStateException("cannot promote job " + jobId + " of queue " + queue
          + ": it is " + state.wireName() + ", not delayed");
    }
    job(q, jobId, "promote").promote();
    return q.getState(jobId);
  }

  /** Removes a job and its logs, unless a worker holds it ({@link JobStateException}). */
  public void remove(String queue, String jobId) {
    checkJobId(jobId);
    Queue<Object> q = open(queue);
    existingState(q, jobId, "remove");
    if (!q.remove(jobId)) {
      throw notFound(queue, jobId, "remove");
    }
  }

  /** Pauses the queue: jobs keep arriving, no worker starts one. */
  public void pause(String queue) {
    open(queue).pause();
  }

  /** Resumes a paused queue. */
  public void resume(String queue) {
    open(queue).resume();
  }

  /**
   * Moves failed jobs back to wait, oldest failure first, keeping their attempts count (BullMQ's
   * {@code retryJobs}); returns how many moved. Jobs that fail after the call began are left
   * alone, so a job that fails again at once is not retried twice.
   *
   * @param filter which failed jobs ({@link JobFilter#ALL} for every one)
   * @param batchSize jobs read per batch, 1 … {@link #MAX_BATCH_SIZE}
   * @param progress told after each batch
   */
  public long retryFailed(String queue, JobFilter filter, int batchSize,
      ProgressListener progress) {
    return moveFailed(queue, filter, batchSize, progress, false);
  }

  /**
   * Removes jobs of one state that are at least {@code olderThan} old (finishedOn for finished
   * jobs, else processedOn or timestamp), at most {@code limit} (0 = all), in batches; returns
   * how many went. Active and waiting-children jobs cannot be cleaned here.
   */
  public long clean(String queue, JobState state, Duration olderThan, int limit, int batchSize,
      ProgressListener progress) {
    if (state == null || !CLEANABLE.contains(state)) {
      throw new IllegalArgumentException("state must be completed, failed, waiting, delayed,"
          + " prioritized or paused, got " + (state == null ? null : state.wireName()));
    }
    if (olderThan == null || olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan must be zero or positive, got " + olderThan);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 (no limit) or more, got " + limit);
    }
    checkBatch(batchSize);
    ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
    Queue<Object> q = open(queue);
    long total = q.getJobCounts().get(state);
    total = limit == 0 ? total : Math.min(total, limit);
    long removed = 0;
    while (true) {
      int want = limit == 0 ? batchSize : (int) Math.min(batchSize, limit - removed);
      if (want == 0) {
        break;
      }
      int n = q.clean(olderThan, want, state).size();
      removed += n;
      tell(listener, removed, total);
      if (n < want) {
        break;
      }
    }
    tell(listener, removed, removed);
    return removed;
  }

  /** A page of dead letters (failed jobs), newest failure first, ranks start … end. */
  public DeadLetterPage deadLetters(String queue, long start, long end) {
    checkPage(start, end);
    Queue<Object> q = open(queue);
    long total = q.getJobCounts().failed();
    List<DeadLetter> out = new ArrayList<>();
    for (Job<Object> j : q.getJobs(JobState.FAILED, start, end, false)) {
      out.add(DeadLetter.of(j));
    }
    return new DeadLetterPage(queue, total, out);
  }

  /**
   * Moves one dead letter back to wait with its attempts count reset, so it gets all its attempts
   * again; returns its new state.
   *
   * @throws JobStateException when the job is not failed
   */
  public JobState requeueDeadLetter(String queue, String jobId) {
    checkJobId(jobId);
    Queue<Object> q = open(queue);
    JobState state = existingState(q, jobId, "requeue");
    if (state != JobState.FAILED) {
      throw new JobStateException("cannot requeue job " + jobId + " of queue " + queue
          + ": it is " + state.wireName() + ", not failed (only failed jobs are dead letters)");
    }
    job(q, jobId, "requeue").retry(JobState.FAILED, true);
    return q.getState(jobId);
  }

  /**
   * Requeues the dead letters {@code filter} takes, attempts reset, oldest failure first, in
   * batches; returns how many moved. As {@link #retryFailed}, but each job gets all its attempts
   * again.
   */
  public long requeueDeadLetters(String queue, JobFilter filter, int batchSize,
      ProgressListener progress) {
    return moveFailed(queue, filter, batchSize, progress, true);
  }

  /*
   * Walks the failed set oldest first. Moved jobs leave the set, so the next batch starts at the
   * number of jobs skipped (name mismatch) rather than at a growing page index. The set is
   * ordered by finishedOn, so the first job newer than the cut-off ends the walk; the cut-off is
   * fixed when the call starts, which also keeps jobs that fail again meanwhile from coming
   * round twice. Each job moves with its own atomic script call that re-checks it is still
   * failed, so a job taken meanwhile by another operator is skipped, not moved twice.
   */
  private long moveFailed(String queue, JobFilter filter, int batchSize,
      ProgressListener progress, boolean resetAttempts) {
    if (filter == null) {
      throw new IllegalArgumentException("filter must not be null (use JobFilter.ALL)");
    }
    checkBatch(batchSize);
    ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
    Queue<Object> q = open(queue);
    long cutoff = bullpen.clock().millis()
        - filter.minimumAge().map(Duration::toMillis).orElse(0L);
    long total = q.getJobCounts().failed();
    long moved = 0;
    long skipped = 0;
    boolean more = true;
    while (more) {
      List<Job<Object>> batch = q.getJobs(JobState.FAILED, skipped, skipped + batchSize - 1,
          true);
      long before = moved + skipped;
      for (Job<Object> j : batch) {
        Instant finished = j.finishedOn();
        if (finished != null && finished.toEpochMilli() > cutoff) {
          more = false;
          break;
        }
        if (filter.name() != null && !filter.name().equals(j.name())) {
          skipped++;
          continue;
        }
        try {
          j.retry(JobState.FAILED, resetAttempts);
          moved++;
        } catch (JobNotFoundException | JobStateException e) {
          // Removed or retried by someone else since the read: nothing to do.
        }
      }
      tell(listener, moved, total);
      more = more && !batch.isEmpty() && moved + skipped > before;
    }
    tell(listener, moved, moved);
    return moved;
  }

  private Queue<Object> open(String queue) {
    Queue<Object> q = bullpen.queue(queue);
    if (!q.exists()) {
      throw new QueueNotFoundException("queue '" + queue + "' does not exist under prefix '"
          + bullpen.prefix() + "' (no job was ever added to it)");
    }
    return q;
  }

  private static JobState existingState(Queue<Object> q, String jobId, String op) {
    JobState state = q.getState(jobId);
    if (state == JobState.UNKNOWN) {
      throw notFound(q.name(), jobId, op);
    }
    return state;
  }

  private static Job<Object> job(Queue<Object> q, String jobId, String op) {
    return q.getJob(jobId).orElseThrow(() -> notFound(q.name(), jobId, op));
  }

  private static JobNotFoundException notFound(String queue, String jobId, String op) {
    return new JobNotFoundException("cannot " + op + " job " + jobId + " of queue " + queue
        + ": it does not exist");
  }

  private static void tell(ProgressListener listener, long done, long total) {
    try {
      listener.onProgress(done, Math.max(done, total));
    } catch (RuntimeException e) {
      LOG.warn("progress listener failed; the operation goes on", e);
    }
  }

  private static void checkState(JobState state) {
    if (state == null || state == JobState.UNKNOWN) {
      throw new IllegalArgumentException("state must be a real job state, got " + state);
    }
  }

  static void checkPage(long start, long end) {
    if (start < 0) {
      throw new IllegalArgumentException("start must be 0 or more, got " + start);
    }
    if (end < start) {
      throw new IllegalArgumentException("end must be at least start, got start=" + start
          + " end=" + end);
    }
    // end - start cannot overflow here (0 <= start <= end); end - start + 1 could.
    if (end - start >= MAX_PAGE) {
      throw new IllegalArgumentException("a page holds at most " + MAX_PAGE + " jobs, got start="
          + start + " end=" + end);
    }
  }

  private static void checkBatch(int batchSize) {
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException("batchSize must be 1 to " + MAX_BATCH_SIZE + ", got "
          + batchSize);
    }
  }

  private static void checkJobId(String jobId) {
    if (jobId == null || jobId.isEmpty()) {
      throw new IllegalArgumentException("jobId must not be empty");
    }
    checkText("jobId", jobId);
  }

  private static void checkText(String field, String value) {
    if (value.length() > 1024) {
      throw new IllegalArgumentException(field + " must be at most 1024 characters, got "
          + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(field + " must not contain control characters");
      }
    }
  }
}
