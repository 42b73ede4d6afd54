package dev.bullpen;

import java.util.Locale;

/**
 * The states a job can be in; {@link #wireName()} is BullMQ's name for each, used in Redis, the
 * HTTP API and the CLI alike.
 */
public enum JobState {
  /** Ready to run, in the {@code wait} list. */
  WAITING("waiting", "wait"),
  /** Ready to run, ordered by priority. */
  PRIORITIZED("prioritized", "prioritized"),
  /** Waiting for its due time. */
  DELAYED("delayed", "delayed"),
  /** Held by a worker. */
  ACTIVE("active", "active"),
  /** Finished with a return value. */
  COMPLETED("completed", "completed"),
  /** Finished with a failure after its attempts. */
  FAILED("failed", "failed"),
  /** In BullMQ v5's legacy paused list (v6 keeps paused jobs in {@code wait}). */
  PAUSED("paused", "paused"),
  /** A flow parent waiting for its children. */
  WAITING_CHILDREN("waiting-children", "waiting-children"),
  /** Not found in any state. */
  UNKNOWN("unknown", null);

  private final String wireName;
  private final String keySuffix;

  JobState(String wireName, String keySuffix) {
    this.wireName = wireName;
    this.keySuffix = keySuffix;
  }

  /** BullMQ's name of the state ("waiting", "waiting-children", ...). */
  public String wireName() {
    return wireName;
  }

  /** The suffix of the Redis key holding jobs in this state, or null for {@link #UNKNOWN}. */
  public String keySuffix() {
    return keySuffix;
  }

  /** Parses a wire name or enum name, case-insensitively ("wait" is accepted for waiting). */
  public static JobState parse(String name) {
    if (name == null) {
      throw new IllegalArgumentException("state must not be null");
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("wait")) {
      return WAITING;
    }
    for (JobState s : values()) {
      if (s.wireName.equals(n) || s.name().equalsIgnoreCase(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown job state '" + name
        + "' (expected waiting, prioritized, delayed, active, completed, failed, paused or"
        + " waiting-children)");
  }
}
