package dev.bullpen.admin;

import dev.bullpen.Job;
import java.time.Instant;
import java.util.List;

/**
 * A job that failed for good: BullMQ moves a job to the failed set only after its last attempt
 * (or at once for an unrecoverable error), so the failed set is the queue's dead-letter set.
 *
 * @param id the job's id
 * @param name the job's name
 * @param failedReason the last failure's message
 * @param attemptsMade attempts made
 * @param attempts attempts allowed by its options
 * @param stacktrace stack traces of its failed attempts, oldest first
 * @param finishedOn when it failed for the last time
 * @param dataJson its data as stored (JSON text)
 */
public record DeadLetter(String id, String name, String failedReason, int attemptsMade,
    int attempts, List<String> stacktrace, Instant finishedOn, String dataJson) {
  /** Copies the stack traces. */
  public DeadLetter {
    stacktrace = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(stacktrace));
  }

  static DeadLetter of(Job<?> job) {
    return new DeadLetter(job.id(), job.name(), job.failedReason(), job.attemptsMade(),
        job.opts().attempts(), job.stacktrace(), job.finishedOn(), job.dataJson());
  }
}
