package dev.bullpen;

import java.time.Duration;

/**
 * The error a job fails with when its handler ran longer than its timeout
 * ({@link JobOptions.Builder#timeout} or {@link WorkerOptions.Builder#jobTimeout}). The attempt
 * counts like any other failure (retried per {@code attempts} and {@code backoff}); the job's
 * failed reason is this exception's message, {@code "job timed out after <n> ms"}. Listeners see
 * it in {@link WorkerListener#onFailed}.
 */
public class JobTimeoutException extends BullpenException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  public JobTimeoutException(Duration timeout) {
    super("job timed out after " + timeout.toMillis() + " ms");
    this.timeout = timeout;
  }

  /** The timeout the handler overran. */
  public Duration timeout() {
    return timeout;
  }
}
