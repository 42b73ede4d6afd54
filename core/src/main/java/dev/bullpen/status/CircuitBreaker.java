package dev.bullpen.status;

import java.time.Clock;

/**
 * Stops sending reads to a Redis that keeps failing: after {@code threshold} consecutive
 * failures it opens for {@code openMillis}, then lets one trial read through (half-open); the
 * trial's success closes it, its failure opens it again.
 *
 * <p>Implementation notes: all state is guarded by {@code this}; every method is a few field
 * updates, so contention is not a concern next to a Redis round trip. A result that arrives
 * from a read started before the breaker opened still counts: a success proves Redis answers.
 */
final class CircuitBreaker {
  private final int threshold;
  private final long openMillis;
  private final Clock clock;
  private CircuitState state = CircuitState.CLOSED;
  private int failures;
  private long openedAt;
  private boolean trialOut;

  CircuitBreaker(int threshold, long openMillis, Clock clock) {
    this.threshold = threshold;
    this.openMillis = openMillis;
    this.clock = clock;
  }

  /** Whether a read may go to Redis now; in half-open state only the first caller may. */
  synchronized boolean tryAcquire() {
    switch (current()) {
      case CLOSED:
        return true;
      case HALF_OPEN:
        if (trialOut) {
          return false;
        }
        state = CircuitState.HALF_OPEN;
        trialOut = true;
        return true;
      default:
        return false;
    }
  }

  synchronized void onSuccess() {
    failures = 0;
    trialOut = false;
    state = CircuitState.CLOSED;
  }

  synchronized void onFailure() {
    failures++;
    if (state == CircuitState.HALF_OPEN || failures >= threshold) {
      state = CircuitState.OPEN;
      openedAt = clock.millis();
      trialOut = false;
    }
  }

  synchronized CircuitState state() {
    return current();
  }

  private CircuitState current() {
    if (state == CircuitState.OPEN && clock.millis() - openedAt >= openMillis) {
      return CircuitState.HALF_OPEN;
    }
    return state;
  }
}
