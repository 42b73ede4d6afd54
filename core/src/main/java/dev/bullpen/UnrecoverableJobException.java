package dev.bullpen;

/**
 * Thrown by a handler to fail its job at once, whatever attempts remain (BullMQ's
 * {@code UnrecoverableError}).
 */
public class UnrecoverableJobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnrecoverableJobException(String message) {
    super(message);
  }

  public UnrecoverableJobException(String message, Throwable cause) {
    super(message, cause);
  }
}
