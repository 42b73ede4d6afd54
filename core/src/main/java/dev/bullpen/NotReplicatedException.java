package dev.bullpen;

import java.util.List;

/**
 * A durable add ({@link Bullpen.Builder#durableAdd}) stored its jobs on the master, but fewer
 * replicas than required acknowledged them within the timeout (or the WAIT for them failed, the
 * message says why). The jobs exist and will be
 * processed; they are lost only if the master fails before a replica receives them. Adding them
 * again with the same custom job ids is safe (adds with a custom id are idempotent) and waits
 * for the replicas again.
 */
public class NotReplicatedException extends BullpenException {
  private static final long serialVersionUID = 1L;

  private final List<String> jobIds;
  private final long acknowledged;
  private final int required;

  public NotReplicatedException(String message, List<String> jobIds, long acknowledged,
      int required) {
    super(message);
    this.jobIds = List.copyOf(jobIds);
    this.acknowledged = acknowledged;
    this.required = required;
  }

  /** The ids of the jobs that were added (stored on the master). */
  public List<String> jobIds() {
    return jobIds;
  }

  /** Replicas that acknowledged the add in time. */
  public long acknowledged() {
    return acknowledged;
  }

  /** Replicas the add waited for. */
  public int required() {
    return required;
  }
}
