package dev.bullpen.admin;

import java.util.Objects;

/**
 * One result of a {@link RedisDoctor} check.
 *
 * @param check the check's stable id, e.g. {@code "eviction-policy"}
 * @param severity {@link HealthLevel#EXCELLENT} when the check passed, {@link HealthLevel#GOOD}
 *     for information worth knowing, {@link HealthLevel#WARNING} or
 *     {@link HealthLevel#CRITICAL} for a problem
 * @param message what was found
 * @param advice what to do about it (empty when nothing needs doing)
 */
public record Finding(String check, HealthLevel severity, String message, String advice) {
  public Finding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(advice, "advice");
  }

  /** Whether this finding is a problem ({@link HealthLevel#WARNING} or worse). */
  public boolean isProblem() {
    return severity.ordinal() >= HealthLevel.WARNING.ordinal();
  }
}
