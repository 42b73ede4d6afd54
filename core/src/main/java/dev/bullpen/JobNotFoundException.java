package dev.bullpen;

/** The job does not exist (never added, removed, or deleted by retention). */
public class JobNotFoundException extends BullpenException {
  private static final long serialVersionUID = 1L;

  public JobNotFoundException(String message) {
    super(message);
  }
}
