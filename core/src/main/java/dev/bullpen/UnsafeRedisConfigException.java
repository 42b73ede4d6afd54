package dev.bullpen;

/**
 * Thrown by {@link Bullpen.Builder#build()} when the Redis server is configured in a way that can
 * silently lose accepted jobs: a {@code maxmemory-policy} other than {@code noeviction}, under
 * which Redis evicts keys (job hashes, wait lists, locks) when memory runs short. The message
 * names the server, the policy and the fix. To run anyway, accept the risk with
 * {@link Bullpen.Builder#tolerateEvictionPolicy(boolean)}; the client then logs an error at
 * connect and reports the risk in {@link Bullpen#redisAlerts()}.
 */
public class UnsafeRedisConfigException extends BullpenException {
  private static final long serialVersionUID = 1L;

  public UnsafeRedisConfigException(String message) {
    super(message);
  }
}
