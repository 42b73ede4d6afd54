package dev.bullpen.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Rate limits: one token bucket per key (a client IP, a token name), refilled at a steady rate up
 * to its burst. Memory stays bounded: buckets live in a Caffeine cache of at most
 * {@link #MAX_KEYS} entries that forgets a key after {@link #IDLE} without requests (an idle
 * bucket would be full again by then anyway, so forgetting it changes no answer).
 *
 * <p>Implementation notes: each bucket is updated under its own monitor, so concurrent requests
 * of one client take tokens one at a time and never both see the last token. Time comes from a
 * nanosecond source so tests can move it.
 */
final class TokenBuckets {
  static final int MAX_KEYS = 100_000;
  static final Duration IDLE = Duration.ofMinutes(10);

  private final double perNano;
  private final double burst;
  private final LongSupplier nanos;
  private final Cache<String, Bucket> buckets;

  TokenBuckets(double perSecond, int burst, LongSupplier nanos) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanos = nanos;
    this.buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(IDLE).build();
  }

  boolean enabled() {
    return perNano > 0;
  }

  /** Takes a token for {@code key}: 0 when allowed, else the seconds until one is available. */
  long take(String key) {
    if (perNano <= 0) {
      return 0;
    }
    Bucket b = buckets.get(key, k -> new Bucket(burst, nanos.getAsLong()));
    synchronized (b) {
      long now = nanos.getAsLong();
      b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.at) * perNano);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      double waitNanos = (1 - b.tokens) / perNano;
      return Math.max(1, (long) Math.ceil(waitNanos / 1e9));
    }
  }

  long size() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }
}
