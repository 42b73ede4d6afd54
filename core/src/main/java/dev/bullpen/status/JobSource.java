package dev.bullpen.status;

import dev.bullpen.event.QueueEventListener;
import java.util.Optional;

/**
 * Where {@link JobStatusService} reads jobs and events: Redis through a {@link dev.bullpen.Bullpen}
 * client in production ({@link BullpenSource}), fakes in unit tests. Every method may throw a
 * {@link dev.bullpen.RedisUnavailableException} or another runtime exception.
 */
interface JobSource {
  /**
   * Reads a job's view now; empty when the job does not exist. With a {@code stateHint} (the
   * state the last event about the job implies) the source may read the job's hash alone and
   * take the state from the hint when the hash agrees with it.
   */
  Optional<JobView> read(String queue, String jobId, dev.bullpen.JobState stateHint);

  /** The newest {@code maxRows} rows of a job's log, oldest first. */
  JobLogs logs(String queue, String jobId, int maxRows);

  /**
   * Starts delivering the queue's events, from the newest one at the time of this call on, to
   * {@code listener} (on one thread, in order).
   */
  Subscription follow(String queue, QueueEventListener listener);

  /** A cheap round trip, to learn whether Redis answers. */
  void ping();
}
