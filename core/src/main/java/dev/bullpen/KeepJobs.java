package dev.bullpen;

import java.time.Duration;
import java.util.Objects;

/**
 * Retention of finished jobs (BullMQ's {@code removeOnComplete} / {@code removeOnFail}): keep
 * all, keep none, keep the newest {@code count}, keep those younger than {@code age}, or both.
 * Age-based removal deletes at most {@code limit} old jobs per finished job (default 1000).
 */
public final class KeepJobs {
  /** Keep every finished job (the default). */
  public static final KeepJobs ALL = new KeepJobs(-1, 0, 0);
  /** Delete a job as soon as it finishes. */
  public static final KeepJobs NONE = new KeepJobs(0, 0, 0);

  private final int count;
  private final long ageSeconds;
  private final int limit;

  private KeepJobs(int count, long ageSeconds, int limit) {
    this.count = count;
    this.ageSeconds = ageSeconds;
    this.limit = limit;
  }

  /** Keep only the newest {@code count} jobs. */
  public static KeepJobs last(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("keep count must be >= 0, got " + count);
    }
    return new KeepJobs(count, 0, 0);
  }

  /** Keep jobs finished within {@code age} (whole seconds, at least 1). */
  public static KeepJobs maxAge(Duration age) {
    return of(-1, age, 0);
  }

  /**
   * Keep at most {@code count} (-1 = no count limit) jobs younger than {@code age} (null = no
   * age limit), removing at most {@code limit} (0 = default 1000) old ones per finished job.
   */
  public static KeepJobs of(int count, Duration age, int limit) {
    if (count < -1) {
      throw new IllegalArgumentException("keep count must be >= -1, got " + count);
    }
    long seconds = 0;
    if (age != null) {
      if (age.isNegative() || age.isZero() || age.getSeconds() < 1) {
        throw new IllegalArgumentException("keep age must be at least 1 second, got " + age);
      }
      seconds = age.getSeconds();
    }
    if (limit < 0) {
      throw new IllegalArgumentException("keep limit must be >= 0, got " + limit);
    }
    return new KeepJobs(count, seconds, limit);
  }

  /** Newest jobs kept; -1 = no count limit, 0 = none kept. */
  public int count() {
    return count;
  }

  /** Maximum age in seconds; 0 = no age limit. */
  public long ageSeconds() {
    return ageSeconds;
  }

  /** Maximum age-based removals per finished job (0 = 1000). */
  public int limit() {
    return limit;
  }

  /** BullMQ's stored form: true, false, a number, or {count?, age?, limit?}. */
  Object toStored() {
    if (this.equals(NONE)) {
      return Boolean.TRUE;
    }
    if (this.equals(ALL)) {
      return Boolean.FALSE;
    }
    if (ageSeconds == 0 && limit == 0) {
      return count;
    }
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    if (count >= 0) {
      m.put("count", count);
    }
    if (ageSeconds > 0) {
      m.put("age", ageSeconds);
    }
    if (limit > 0) {
      m.put("limit", limit);
    }
    return m;
  }

  /** Reads BullMQ's stored form (Boolean, Number or Map); null for anything else. */
  static KeepJobs fromStored(Object v) {
    if (v instanceof Boolean) {
      return (Boolean) v ? NONE : ALL;
    }
    if (v instanceof Number) {
      return new KeepJobs(Math.max(0, ((Number) v).intValue()), 0, 0);
    }
    if (v instanceof java.util.Map) {
      java.util.Map<?, ?> m = (java.util.Map<?, ?>) v;
      int c = m.get("count") instanceof Number ? ((Number) m.get("count")).intValue() : -1;
      long a = m.get("age") instanceof Number ? ((Number) m.get("age")).longValue() : 0;
      int l = m.get("limit") instanceof Number ? ((Number) m.get("limit")).intValue() : 0;
      return new KeepJobs(c, a, l);
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeepJobs && ((KeepJobs) o).count == count
        && ((KeepJobs) o).ageSeconds == ageSeconds && ((KeepJobs) o).limit == limit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, ageSeconds, limit);
  }

  @Override
  public String toString() {
    return "KeepJobs{count=" + count + ", ageSeconds=" + ageSeconds + ", limit=" + limit + "}";
  }
}
