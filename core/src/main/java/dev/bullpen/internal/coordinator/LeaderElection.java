package dev.bullpen.internal.coordinator;

import dev.bullpen.internal.RedisGateway;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one coordinator per queue group (key prefix) through a Redis lock.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li><b>Lock.</b> {@code P::{coordinator}:leader} holds {@code "<owner>|<token>"} with PX =
 *       the lock period. A candidate takes it only when it is absent (leaderAcquire.lua, SET NX
 *       semantics) and then gets a fencing token from INCR on {@code P::{coordinator}:fence}, in
 *       the same script, so tokens grow strictly from leader to leader. The holder renews every
 *       third of a period with a compare-and-extend script; a release is a compare-and-delete.
 *   <li><b>Lease.</b> The holder counts its leadership as valid until
 *       {@code (start of the last successful acquire or renew call) + period − margin}, by the
 *       local monotonic clock. Redis starts the key's expiry after that start, so the local lease
 *       always ends before another process can take the lock: a holder that cannot reach Redis
 *       (or is paused) stops acting before a successor can start. The margin (a third of the
 *       period) is the longest a maintenance step may take after its lease check.
 *   <li><b>Fencing.</b> Every maintenance write also passes the token to a script that refuses it
 *       if the queue has seen a newer one (fenceToken.lua), which covers what the lease cannot:
 *       a process frozen in the middle of a step.
 *   <li><b>Hand-over.</b> close() releases the lock, so a follower takes over at its next try
 *       (a third of a period); after a crash the lock expires within one period and a follower
 *       takes it at its next try after that.
 * </ul>
 * Methods are called from the coordinator's one scheduler thread, except the getters.
 */
final class LeaderElection {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  private final RedisGateway redis;
  private final String lockKey;
  private final String fenceKey;
  private final String owner;
  private final long periodMs;
  private final long marginNanos;
  private volatile boolean leader;
  private volatile long token;
  private volatile long leaseUntilNanos;

  LeaderElection(RedisGateway redis, String prefix, String owner, long periodMs) {
    this.redis = redis;
    this.lockKey = prefix + "::{coordinator}:leader";
    this.fenceKey = prefix + "::{coordinator}:fence";
    this.owner = owner;
    this.periodMs = periodMs;
    this.marginNanos = TimeUnit.MILLISECONDS.toNanos(periodMs / 3);
  }

  /** Tries to take or renew the lock; returns whether this process leads now. */
  boolean tick() {
    long start = System.nanoTime();
    try {
      if (leader) {
        Object r = redis.eval(CoordinatorScripts.get().lockExtend, new String[] {lockKey},
            owner + "|" + token, Long.toString(periodMs));
        if (toLong(r) == 1) {
          leaseUntilNanos = start + TimeUnit.MILLISECONDS.toNanos(periodMs) - marginNanos;
        } else {
          stepDown("the lock expired and another process took it");
        }
      } else {
        Object r = redis.eval(CoordinatorScripts.get().leaderAcquire,
            new String[] {lockKey, fenceKey}, owner, Long.toString(periodMs));
        long t = toLong(r);
        if (t > 0) {
          token = t;
          leaseUntilNanos = start + TimeUnit.MILLISECONDS.toNanos(periodMs) - marginNanos;
          leader = true;
          LOG.info("coordinator {} is the leader (fencing token {})", owner, t);
        }
      }
    } catch (RuntimeException e) {
      if (leader && System.nanoTime() >= leaseUntilNanos) {
        stepDown("Redis could not be reached to renew the lock (" + e.getMessage() + ")");
      } else {
        LOG.debug("coordinator {}: leader election call failed: {}", owner, e.getMessage());
      }
    }
    return holds();
  }

  private void stepDown(String why) {
    if (leader) {
      leader = false;
      LOG.warn("coordinator {} is no longer the leader: {}", owner, why);
    }
  }

  /** Whether this process leads and its lease has time left for one maintenance step. */
  boolean holds() {
    return leader && System.nanoTime() < leaseUntilNanos;
  }

  long token() {
    return token;
  }

  String owner() {
    return owner;
  }

  /** The current holder's owner id, or null (reads Redis). */
  String currentLeader() {
    String v = redis.call("read the leader lock", r -> r.get(lockKey));
    if (v == null) {
      return null;
    }
    int sep = v.lastIndexOf('|');
    return sep < 0 ? v : v.substring(0, sep);
  }

  /** Gives the lock up (compare-and-delete) if this process holds it. */
  void release() {
    if (!leader) {
      return;
    }
    leader = false;
    try {
      redis.eval(CoordinatorScripts.get().lockRelease, new String[] {lockKey},
          owner + "|" + token);
      LOG.info("coordinator {} released the leader lock", owner);
    } catch (RuntimeException e) {
      LOG.warn("coordinator {}: could not release the leader lock ({}); it expires within {} ms",
          owner, e.getMessage(), periodMs);
    }
  }

  static long toLong(Object r) {
    if (r instanceof Number) {
      return ((Number) r).longValue();
    }
    if (r instanceof java.util.List && !((java.util.List<?>) r).isEmpty()) {
      return toLong(((java.util.List<?>) r).get(0));
    }
    if (r instanceof String) {
      return Long.parseLong((String) r);
    }
    throw new IllegalStateException("unexpected script reply " + r);
  }
}
