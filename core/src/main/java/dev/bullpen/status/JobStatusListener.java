package dev.bullpen.status;

/**
 * Receives the views of one watched job from {@link JobStatusService#watch}.
 *
 * <p>Contract: calls come from the service's notifier threads, never two at once for one
 * subscription, in the order the views were known. Delivery is <em>conflated</em>: when views
 * change faster than a listener takes them, it gets the newest one and skips those in between,
 * so a slow listener never holds back others or the events reader. A view is only delivered when
 * its {@link JobView#etag()} differs from the last one this listener got. Must be fast and must
 * not throw; exceptions are logged and ignored.
 */
public interface JobStatusListener {
  /** The job's view is now {@code view}. */
  void onView(JobView view);

  /** The job was removed (or found missing). Nothing more comes for it unless it is added again. */
  default void onRemoved() {}
}
