package dev.bullpen.admin;

import dev.bullpen.status.CircuitState;
import java.time.Duration;
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
}
