package dev.bullpen.internal.coordinator;

import dev.bullpen.Bullpen;
import dev.bullpen.internal.ClientAccess;
import dev.bullpen.internal.Keys;
import dev.bullpen.internal.RedisGateway;
import io.lettuce.core.SetArgs;
import java.util.UUID;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;

/**
 * The Redis side of a worker pool: the queue's scale lock and its registry of pool sizes.
 *
 * <p>Implementation notes: a decision runs only while this process holds
 * {@code P:Q:bullpen:scale-lock} (SET NX PX, released by compare-and-delete), so decisions of all
 * processes on one queue are serialized: each reads the others' sizes (poolRegister.lua, which
 * also drops entries of processes that stopped refreshing them) and registers its new size before
 * the next process decides. A process only grows into room the others left, so the queue-wide
 * total stays within max (unless the per-process minimums alone exceed it). A crashed process's
 * share is freed when its entry expires (three decision intervals). A process that cannot get the
 * lock skips the round.
 */
public final class PoolRegistry {
  private final RedisGateway redis;
  private final Bullpen client;
  private final Keys keys;
  private final String queue;
  private final String instanceId;
  private final long lockMs;
  private final long entryMs;

  public PoolRegistry(Bullpen client, String queue, String instanceId, long intervalMs) {
    this.client = client;
    this.redis = ClientAccess.gateway(client);
    this.keys = new Keys(client.prefix(), queue);
    this.queue = queue;
    this.instanceId = instanceId;
    this.lockMs = Math.max(1000, intervalMs * 2);
    this.entryMs = Math.max(1000, intervalMs * 3);
  }

  /**
   * Under the scale lock: registers the current size, asks {@code decide} for the new size given
   * the others' total, and applies and registers it — shrinking before registering the smaller
   * size, growing after registering the larger one, so the registered total is never below what
   * runs. Returns the new size, or -1 when another process held the lock (nothing changed).
   */
  public int decide(int current, IntUnaryOperator decide, IntConsumer apply) {
    String lock = keys.key("bullpen:scale-lock");
    String value = instanceId + "|" + UUID.randomUUID();
    String ok = redis.call("take the scale lock", r -> r.set(lock, value,
        SetArgs.Builder.nx().px(lockMs)));
    if (!"OK".equals(ok)) {
      return -1;
    }
    try {
      int others = register(current);
      int size = decide.applyAsInt(others);
      if (size < current) {
        apply.accept(size);
        register(size);
      } else if (size > current) {
        register(size);
        apply.accept(size);
      }
      return size;
    } finally {
      redis.eval(CoordinatorScripts.get().lockRelease, new String[] {lock}, value);
    }
  }

  /** Records this process's size (0 removes it); returns the other processes' total. */
  public int register(int size) {
    Object r = redis.eval(CoordinatorScripts.get().poolRegister,
        new String[] {keys.key("bullpen:pools"), keys.key("bullpen:pools-expiry")}, instanceId,
        Integer.toString(size), Long.toString(client.clock().millis()),
        Long.toString(entryMs));
    return (int) LeaderElection.toLong(r);
  }

  /** Waiting + prioritized jobs of the queue. */
  public long backlog() {
    try (dev.bullpen.Queue<Object> q = client.queue(queue)) {
      dev.bullpen.JobCounts c = q.getJobCounts();
      return c.waiting() + c.prioritized();
    }
  }
}
