package dev.bullpen.status;

import java.time.Duration;

/**
 * A snapshot of a {@link JobStatusService}'s counters since it started.
 *
 * @param hits answers from the cache without touching Redis
 * @param misses answers that needed a Redis read (their own or one they joined)
 * @param staleAnswers answers with the last known view because Redis could not be read
 * @param unavailableAnswers calls that failed: Redis could not be read and the job was never seen
 * @param redisReads reads of a job from Redis (concurrent misses of one job share one)
 * @param redisReadFailures reads that failed or timed out
 * @param loadTime time spent in Redis reads, all added up
 * @param eventsApplied queue events that updated or invalidated cached views
 * @param evictions views dropped to stay within the size bound
 * @param size views cached now
 * @param queuesFollowed queues whose events stream is being read
 * @param circuit the circuit breaker's state now
 */
public record StatusCounters(long hits, long misses, long staleAnswers, long unavailableAnswers,
    long redisReads, long redisReadFailures, Duration loadTime, long eventsApplied,
    long evictions, long size, int queuesFollowed, CircuitState circuit) {

  /** Answers given, of every kind. */
  public long requests() {
    return hits + misses + staleAnswers + unavailableAnswers;
  }

  /** Mean time of one Redis read, or zero before the first. */
  public Duration averageLoadTime() {
    return redisReads == 0 ? Duration.ZERO : loadTime.dividedBy(redisReads);
  }
}
