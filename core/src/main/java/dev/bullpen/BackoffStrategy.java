package dev.bullpen;

/**
 * Computes retry delays for jobs whose backoff type is custom ({@link Backoff#custom}).
 */
@FunctionalInterface
public interface BackoffStrategy {
  /**
   * The delay in ms before the next attempt (0 = at once), or -1 to stop retrying and fail the
   * job now.
   *
   * @param attemptsMade finished attempts including the one that just failed (1 after the first)
   * @param type the backoff type stored on the job
   * @param error what the handler threw
   * @param job the job
   */
  long delayMs(int attemptsMade, String type, Throwable error, Job<?> job);
}
