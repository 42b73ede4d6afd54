package dev.bullpen.status;

/** The state of the status service's circuit breaker in front of Redis. */
public enum CircuitState {
  /** Reads go to Redis. */
  CLOSED,
  /** Redis failed repeatedly: no reads are sent; answers come from the last known views. */
  OPEN,
  /** The open period is over: one trial read decides whether to close or open again. */
  HALF_OPEN
}
