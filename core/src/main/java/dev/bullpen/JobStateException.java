package dev.bullpen;

/** The job is not in the state the operation needs (e.g. promoting a job that is not delayed). */
public class JobStateException extends BullpenException {
  private static final long serialVersionUID = 1L;

  public JobStateException(String message) {
    super(message);
  }
}
