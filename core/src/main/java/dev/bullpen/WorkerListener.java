package dev.bullpen;

/**
 * In-process notifications from one {@link Worker}. Every method has an empty default.
 *
 * <p>Contract: methods are called on the thread that processed the job (or the worker's timer
 * for {@link #onStalled} and {@link #onLockLost}), in the order things happened for one job, at
 * most once per occurrence. They must be fast and must not throw; exceptions are logged and
 * ignored. Events of other processes' workers arrive through {@link QueueEvents}, not here.
 *
 * @param <D> the worker's data type
 */
public interface WorkerListener<D> {
  /** A job was taken and its handler is about to run. */
  default void onActive(Job<D> job) {}

  /** A job completed; its result is stored. */
  default void onCompleted(Job<D> job, Object result) {}

  /**
   * An attempt failed. {@code retrying} says whether the job will run again (after its backoff)
   * or failed for good.
   */
  default void onFailed(Job<D> job, Throwable error, boolean retrying) {}

  /** This worker's stalled check moved these jobs back to wait. */
  default void onStalled(String jobId) {}

  /** The worker lost a job's lock (it will not be able to finish it). */
  default void onLockLost(String jobId) {}

  /** Nothing is left to do right now. */
  default void onDrained() {}

  /** Something went wrong outside a handler (Redis unavailable, a lost lock on finish, ...). */
  default void onError(Throwable error) {}
}
