package dev.bullpen.admin;

/**
 * Hears how far a long admin operation ({@link Admin#retryFailed}, {@link Admin#clean},
 * {@link Admin#requeueDeadLetters}) has come, once after every batch, on the caller's thread.
 *
 * <p>Contract: calls are in order and {@code done} never decreases. While the operation runs,
 * {@code total} is an upper bound known at its start (the state's count then), which filters
 * and concurrent workers usually make too high; the last call, when the operation is over,
 * carries the final count as both {@code done} and {@code total}, so a progress bar ends full. A
 * listener must be fast and must not throw: an exception it throws is logged and ignored, and
 * the operation goes on.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores every call. */
  ProgressListener NONE = (done, total) -> { };

  /**
   * Called after each batch.
   *
   * @param done jobs acted on so far (retried, requeued or removed)
   * @param total the most jobs the operation may act on, as known at its start
   */
  void onProgress(long done, long total);
}
