package dev.bullpen;

/**
 * Redis did not answer within the configured timeout, refused the connection, or the connection
 * broke during the call. The call may or may not have taken effect on the server when the
 * connection broke after sending; every Bullpen operation is safe to retry in that case (adds
 * with a custom id are idempotent).
 */
public class RedisUnavailableException extends BullpenException {
  private static final long serialVersionUID = 1L;

  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
