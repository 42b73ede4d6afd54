package dev.bullpen.admin;

import dev.bullpen.internal.CommandStats;
import dev.bullpen.status.CircuitState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How Redis looks from this process: the connections its {@link dev.bullpen.Bullpen} client
 * holds, how long its commands took, how many failed or timed out, and (when a
 * {@link dev.bullpen.status.JobStatusService} is watched) the status cache's hit rate, load time
 * and circuit breaker. Counts are since the client started unless named "last minute"; the
 * status figures cover the monitor's last refresh interval.
 *
 * @param connections TCP connections to Redis held by the client now (shared, blocking loops,
 *     cluster nodes, sentinels)
 * @param commands commands timed so far (a pipelined batch counts once)
 * @param errors commands that failed, timeouts included
 * @param timeouts commands that got no answer within the command timeout
 * @param errorsLastMinute failures in the last 60 s
 * @param timeoutsLastMinute timeouts in the last 60 s
 * @param slowLastMinute commands that took 500 ms or more in the last 60 s
 * @param slowestLastMinute the slowest command of the last 60 s (zero when none ran)
 * @param meanLatency mean command time since the start
 * @param p50 median command time, estimated from the histogram (a bucket's upper bound)
 * @param p99 99th percentile, estimated likewise
 * @param latency the latency histogram, fastest bucket first
 * @param circuit the status service's circuit breaker, or null when none is watched
 * @param statusRequests status answers in the last interval (0 when none is watched)
 * @param statusHitRate share of them answered from the cache (NaN when none)
 * @param statusLoadTime mean time of a status read from Redis in the last interval (null when
 *     there was none)
 */
public record RedisClientFigures(int connections, long commands, long errors, long timeouts,
    long errorsLastMinute, long timeoutsLastMinute, long slowLastMinute,
    Duration slowestLastMinute, Duration meanLatency, Duration p50, Duration p99,
    List<LatencyBucket> latency, CircuitState circuit, long statusRequests, double statusHitRate,
    Duration statusLoadTime) {

  /**
   * Commands that took at most {@code upTo} (and more than the bucket before).
   *
   * @param upTo the bucket's upper bound; null for the last bucket, which has none
   * @param count commands in the bucket since the start
   */
  public record LatencyBucket(Duration upTo, long count) {}

  /** The figures from the gateway's stats and the status service's last window. */
  static RedisClientFigures of(CommandStats.Figures f, CircuitState circuit,
      long statusRequests, double statusHitRate, Duration statusLoadTime) {
    List<LatencyBucket> buckets = new ArrayList<>();
    long[] bounds = f.boundsMicros();
    long[] counts = f.bucketCounts();
    for (int i = 0; i < counts.length; i++) {
      buckets.add(new LatencyBucket(i < bounds.length ? Duration.ofNanos(bounds[i] * 1000)
          : null, counts[i]));
    }
    return new RedisClientFigures(f.connections(), f.commands(), f.errors(), f.timeouts(),
        f.errorsLastMinute(), f.timeoutsLastMinute(), f.slowLastMinute(),
        Duration.ofNanos(f.slowestNanosLastMinute()),
        f.commands() == 0 ? Duration.ZERO : Duration.ofNanos(f.totalNanos() / f.commands()),
        percentile(buckets, f.commands(), 0.50), percentile(buckets, f.commands(), 0.99),
        List.copyOf(buckets), circuit, statusRequests, statusHitRate, statusLoadTime);
  }

  /** The upper bound of the bucket holding the {@code q} quantile (the last bound if beyond). */
  private static Duration percentile(List<LatencyBucket> buckets, long total, double q) {
    if (total == 0) {
      return Duration.ZERO;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    Duration last = Duration.ZERO;
    for (LatencyBucket b : buckets) {
      seen += b.count();
      if (b.upTo() != null) {
        last = b.upTo();
      }
      if (seen >= rank) {
        return last;
      }
    }
    return last;
  }
}
