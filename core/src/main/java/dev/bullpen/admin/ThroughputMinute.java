package dev.bullpen.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * Jobs that finished in one minute of a queue's history.
 *
 * @param minute the start of the minute (UTC, whole minute)
 * @param completed jobs completed in it
 * @param failed jobs failed for good in it
 */
public record ThroughputMinute(Instant minute, long completed, long failed) {
  /** Checks that the minute is not null. */
  public ThroughputMinute {
    Objects.requireNonNull(minute, "minute");
  }
}
