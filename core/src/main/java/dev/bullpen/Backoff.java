package dev.bullpen;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a failed job waits before its next attempt (BullMQ's {@code backoff} option).
 *
 * <ul>
 *   <li>{@link #fixed(Duration)}: the same delay every time;
 *   <li>{@link #exponential(Duration)}: delay, 2·delay, 4·delay, ... (attempt n waits
 *       delay·2^(n-1));
 *   <li>{@link #custom(String, Duration)}: the worker's {@code BackoffStrategy} decides.
 * </ul>
 *
 * {@link #withJitter(double)} spreads retries: with jitter j the delay is drawn from
 * [d·(1-j), d).
 */
public final class Backoff {
  private final String type;
  private final long delayMs;
  private final double jitter;

  private Backoff(String type, long delayMs, double jitter) {
    this.type = type;
    this.delayMs = delayMs;
    this.jitter = jitter;
  }

  /** The same delay before every retry. */
  public static Backoff fixed(Duration delay) {
    return new Backoff("fixed", checkDelay(delay), 0);
  }

  /** delay, 2·delay, 4·delay, ... */
  public static Backoff exponential(Duration delay) {
    return new Backoff("exponential", checkDelay(delay), 0);
  }

  /** A named strategy computed by the worker's {@code WorkerOptions.backoffStrategy}. */
  public static Backoff custom(String type, Duration delay) {
    Objects.requireNonNull(type, "backoff type");
    if (type.isBlank()) {
      throw new IllegalArgumentException("backoff type must not be blank");
    }
    return new Backoff(type, checkDelay(delay), 0);
  }

  /** A copy with jitter in [0, 1]. */
  public Backoff withJitter(double jitter) {
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("backoff jitter must be in [0, 1], got " + jitter);
    }
    return new Backoff(type, delayMs, jitter);
  }

  /** Reads BullMQ's stored form: {@code {type, delay, jitter?}} or a bare number (fixed). */
  static Backoff fromStored(String type, long delayMs, double jitter) {
    return new Backoff(type == null ? "fixed" : type, Math.max(0, delayMs),
        Math.min(1, Math.max(0, jitter)));
  }

  public String type() {
    return type;
  }

  public Duration delay() {
    return Duration.ofMillis(delayMs);
  }

  public double jitter() {
    return jitter;
  }

  /**
   * The delay before the next attempt, for a built-in type, after {@code attemptsMade} finished
   * attempts (1 after the first failure); -1 for a custom type (the worker asks its strategy).
   * {@code random} is a value in [0, 1) used for jitter.
   */
  public long delayFor(int attemptsMade, double random) {
    long base;
    switch (type) {
      case "fixed":
        base = delayMs;
        break;
      case "exponential":
        base = Math.round(delayMs * Math.pow(2, Math.max(0, attemptsMade - 1)));
        break;
      default:
        return -1;
    }
    if (jitter > 0) {
      return (long) Math.floor(base * (1 - jitter) + random * base * jitter);
    }
    return base;
  }

  private static long checkDelay(Duration delay) {
    Objects.requireNonNull(delay, "backoff delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("backoff delay must not be negative: " + delay);
    }
    return delay.toMillis();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Backoff && ((Backoff) o).type.equals(type)
        && ((Backoff) o).delayMs == delayMs && ((Backoff) o).jitter == jitter;
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, delayMs, jitter);
  }

  @Override
  public String toString() {
    return "Backoff{" + type + ", " + delayMs + " ms" + (jitter > 0 ? ", jitter " + jitter : "")
        + "}";
  }
}
