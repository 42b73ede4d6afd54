package dev.bullpen;

/**
 * Job counts of a queue, read in one atomic call. {@code paused} is the legacy v5 list (normally
 * 0: v6 keeps a paused queue's jobs in waiting).
 */
public record JobCounts(long waiting, long prioritized, long delayed, long active, long completed,
    long failed, long paused, long waitingChildren) {

  /** Jobs not finished yet: waiting + prioritized + delayed + active + paused + waiting-children. */
  public long unfinished() {
    return waiting + prioritized + delayed + active + paused + waitingChildren;
  }

  /** The count for one state. */
  public long get(JobState state) {
    switch (state) {
      case WAITING: return waiting;
      case PRIORITIZED: return prioritized;
      case DELAYED: return delayed;
      case ACTIVE: return active;
      case COMPLETED: return completed;
      case FAILED: return failed;
      case PAUSED: return paused;
      case WAITING_CHILDREN: return waitingChildren;
      default: return 0;
    }
  }
}
