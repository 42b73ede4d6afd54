package dev.bullpen;

/**
 * Redis refused a write because it reached {@code maxmemory} and its policy is
 * {@code noeviction} (an {@code OOM} reply). Nothing of the refused call was written: Redis
 * checks memory before a script's first write, and every Bullpen operation is one script, so an
 * add either stored its jobs completely or not at all. Free memory (clean or remove finished
 * jobs, lower retention with {@code removeOnComplete}/{@code removeOnFail}) or raise
 * {@code maxmemory}, then try again.
 */
public class RedisOutOfMemoryException extends BullpenException {
  private static final long serialVersionUID = 1L;

  public RedisOutOfMemoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
