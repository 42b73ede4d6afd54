package dev.bullpen.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the service knows about one job: the last view read or patched by events, whether it
 * may be answered from, the read under way and the watchers. Every field is guarded by the
 * slot's monitor; {@link JobStatusService} holds it only for field updates, never for I/O.
 */
final class JobSlot {
  final JobKey key;

  /** The last view known; null when the job was found missing or was never read. */
  JobView view;
  /** Read (or told by an event) at least once, so {@link #view}/{@link #missing} mean something. */
  boolean known;
  /** Last known: no such job. */
  boolean missing;
  /** An event outdated the view, or no events reader follows the queue: read before answering. */
  boolean dirty = true;
  /** Clock millis until which the view may be answered without reading (the TTL safety net). */
  long freshUntil;
  /** Bumped by every event that outdates the view; a read started earlier cannot make it fresh. */
  long generation;
  /** Bumped by every progress event; a read started earlier gets the newest progress patched in. */
  long progressSeq;
  /** The progress of the newest progress event (JSON text). */
  String latestProgress;
  /** The state the last event implies (active, completed, failed), or null: lets a read skip
   * the state script. */
  dev.bullpen.JobState stateHint;
  /** The read under way, or null. */
  Load inflight;
  final List<Watcher> watchers = new ArrayList<>(2);

  /** Logs are read under this lock (held during the Redis call, so not the monitor). */
  final ReentrantLock logsLock = new ReentrantLock();
  JobLogs logs;
  String logsEtag;
  long logsFreshUntil;

  JobSlot(JobKey key) {
    this.key = key;
  }

  boolean freshAt(long now) {
    return known && !dirty && now < freshUntil;
  }

  /** One read of a job from Redis, shared by every caller that arrives while it runs. */
  static final class Load {
    final long generation;
    final long progressSeq;
    dev.bullpen.JobState stateHint;
    final CompletableFuture<Optional<JobView>> future = new CompletableFuture<>();

    Load(long generation, long progressSeq) {
      this.generation = generation;
      this.progressSeq = progressSeq;
    }
  }
}
