package dev.bullpen.admin;

/**
 * Hears how far a long admin operation ({@link Admin#retryFailed}, {@link Admin#clean},
 * {@link Admin#requeueDeadLetters}) has come, once after every batch, on the caller's thread.
 *
 * <p>Contract: calls are in order, {@code done} never decreases, and the last call carries the
 * operation's final count. {@code total} is an upper bound known at the start (the state's
 * count then); filters and concurrent workers usually make the final {@code done} smaller. A
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
