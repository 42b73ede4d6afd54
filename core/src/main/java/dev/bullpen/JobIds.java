package dev.bullpen;

import java.util.Set;

/**
 * Rules for queue names and custom job ids (FORMAT.md 1.1, 2.6 and 10.2): what BullMQ clients
 * assume but Redis never enforces.
 */
final class JobIds {
  /** Ids that would name one of the queue's own keys ({@code P:Q:<suffix>}) and corrupt it. */
  static final Set<String> RESERVED = Set.of("wait", "active", "paused", "id", "delayed",
      "prioritized", "stalled-check", "completed", "failed", "stalled", "repeat", "limiter",
      "meta", "events", "pc", "marker", "de", "waiting-children", "priority", "delay", "metrics");
  static final int MAX_LENGTH = 1024;

  private JobIds() {}

  static void check(String jobId) {
    if (jobId == null) {
      throw new IllegalArgumentException("jobId must not be null");
    }
    if (jobId.isEmpty()) {
      throw new IllegalArgumentException("jobId must not be empty");
    }
    if (jobId.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("jobId must be at most " + MAX_LENGTH
          + " characters, got " + jobId.length());
    }
    if (jobId.matches("-?[0-9]+")) {
      throw new IllegalArgumentException("jobId must not be an integer ('" + jobId
          + "'): integer ids are the automatic ones; use e.g. 'order-" + jobId + "'");
    }
    if (jobId.indexOf(':') >= 0) {
      throw new IllegalArgumentException("jobId must not contain ':' ('" + jobId + "')");
    }
    if (RESERVED.contains(jobId)) {
      throw new IllegalArgumentException("jobId '" + jobId
          + "' is reserved: it names one of the queue's own Redis keys");
    }
    checkPrintable("jobId", jobId);
  }

  static void checkQueueName(String name) {
    if (name == null) {
      throw new IllegalArgumentException("queue name must not be null");
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("queue name must not be empty");
    }
    if (name.length() > 256) {
      throw new IllegalArgumentException("queue name must be at most 256 characters, got "
          + name.length());
    }
    if (name.indexOf(':') >= 0) {
      throw new IllegalArgumentException("queue name must not contain ':' ('" + name + "')");
    }
    checkPrintable("queue name", name);
  }

  static void checkPrintable(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(field + " must not contain control characters (0x"
            + Integer.toHexString(c) + " at " + i + ")");
      }
    }
  }
}
