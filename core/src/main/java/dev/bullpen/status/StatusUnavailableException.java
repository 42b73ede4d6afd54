package dev.bullpen.status;

import dev.bullpen.RedisUnavailableException;

/**
 * Redis could not be read (failure, timeout or open circuit breaker) and the job was never seen
 * by this process, so there is no last known view to answer with. HTTP servers answer 503.
 */
public class StatusUnavailableException extends RedisUnavailableException {
  private static final long serialVersionUID = 1L;

  public StatusUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
