package dev.bullpen.admin;

import java.time.Duration;
import java.util.Optional;

/**
 * Which finished jobs a bulk action takes: those finished at least {@code olderThan} ago and/or
 * with exactly this job name. Both are optional; {@link #ALL} takes every job.
 *
 * <pre>{@code
 * admin.retryFailed("emails", JobFilter.ALL.olderThan(Duration.ofHours(1)).named("welcome"),
 *     500, (done, total) -> System.out.println(done + "/" + total));
 * }</pre>
 *
 * @param olderThan finished at least this long ago (finishedOn at or before now minus it), or
 *     null for any age
 * @param name the job name that must match exactly, or null for any name
 */
public record JobFilter(Duration olderThan, String name) {
  /** Every job. */
  public static final JobFilter ALL = new JobFilter(null, null);

  /** Validates at once. @throws IllegalArgumentException for a negative age or a bad name */
  public JobFilter {
    if (olderThan != null && olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan must be zero or positive, got " + olderThan);
    }
    if (name != null) {
      if (name.isEmpty() || name.length() > 1024) {
        throw new IllegalArgumentException("name must be 1 to 1024 characters, got "
            + name.length());
      }
      for (int i = 0; i < name.length(); i++) {
        if (Character.isISOControl(name.charAt(i))) {
          throw new IllegalArgumentException("name must not contain control characters");
        }
      }
    }
  }

  /** This filter with another minimum age. */
  public JobFilter olderThan(Duration age) {
    return new JobFilter(age, name);
  }

  /** This filter with another job name. */
  public JobFilter named(String jobName) {
    return new JobFilter(olderThan, jobName);
  }

  /** The minimum age, if any. */
  public Optional<Duration> minimumAge() {
    return Optional.ofNullable(olderThan);
  }
}
