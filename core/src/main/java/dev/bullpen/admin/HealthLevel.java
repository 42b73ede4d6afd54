package dev.bullpen.admin;

/**
 * How well a queue (or the Redis server under it) is doing, best first. A subject's level is the
 * worst level among its open {@link Alert alerts}; with none it is {@link #EXCELLENT}.
 */
public enum HealthLevel {
  /** Nothing to report. */
  EXCELLENT,
  /** Something worth a look, nothing urgent (an informational alert). */
  GOOD,
  /** A rule's threshold is crossed: someone should look soon. */
  WARNING,
  /** Jobs are or may be lost, stuck or far behind: act now. */
  CRITICAL;

  /** The worse of this level and {@code other}. */
  public HealthLevel worst(HealthLevel other) {
    return other != null && other.ordinal() > ordinal() ? other : this;
  }

  /** The lower-case word used in JSON, metrics and the dashboard ({@code "warning"}). */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
