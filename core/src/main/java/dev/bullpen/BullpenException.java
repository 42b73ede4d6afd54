package dev.bullpen;

/**
 * Base of every unchecked exception Bullpen throws. Messages name the queue, the job and the
 * operation where they apply.
 */
public class BullpenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BullpenException(String message) {
    super(message);
  }

  public BullpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
