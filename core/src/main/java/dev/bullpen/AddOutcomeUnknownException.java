package dev.bullpen;

import java.util.List;

/**
 * An add's reply never came: the command timed out (on a slow or frozen server, or while the
 * client was reconnecting and held the command back), or the connection broke after sending. So
 * the jobs may or may not have been added: Redis may have run the add just before or just after
 * the client gave up. This is not a failure report. It is a {@link RedisUnavailableException},
 * so code that handles those keeps working.
 *
 * <p>What to do: add again with the same custom job ids ({@link JobOptions.Builder#jobId}); an
 * add whose id exists already changes nothing, so the retry never creates a second job. Jobs
 * without a custom id have no such guard: adding them again may add a duplicate, so give jobs a
 * custom id whenever a duplicate would hurt. {@link #jobIds()} lists the custom ids of the jobs
 * whose outcome is unknown (null entries for automatic ids).
 */
public class AddOutcomeUnknownException extends RedisUnavailableException {
  private static final long serialVersionUID = 1L;

  private final List<String> jobIds;

  public AddOutcomeUnknownException(String message, List<String> jobIds, Throwable cause) {
    super(message, cause);
    this.jobIds = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(jobIds));
  }

  /** The custom ids of the jobs whose add is unknown, in order; null for an automatic id. */
  public List<String> jobIds() {
    return jobIds;
  }
}
