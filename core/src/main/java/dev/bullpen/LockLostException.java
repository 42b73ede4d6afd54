package dev.bullpen;

/**
 * A worker tried to move a job it no longer holds: its lock expired (the job may already run
 * elsewhere after the stalled check) or another worker's token is in the lock. The move was
 * rejected and nothing was written.
 */
public class LockLostException extends BullpenException {
  private static final long serialVersionUID = 1L;

  public LockLostException(String message) {
    super(message);
  }
}
