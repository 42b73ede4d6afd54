package dev.bullpen;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a handler to put its job back in {@code delayed} for {@code delay}, without counting
 * the attempt (BullMQ's {@code DelayedError} pattern): a step job waiting on something external.
 */
public class DelayJobException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Duration delay;

  public DelayJobException(Duration delay) {
    super("job delayed by its handler for " + delay);
    this.delay = Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
  }

  /** How long the job waits before it is ready again. */
  public Duration delay() {
    return delay;
  }
}
