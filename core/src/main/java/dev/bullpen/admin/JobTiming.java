package dev.bullpen.admin;

import dev.bullpen.JobState;
import java.time.Duration;
import java.time.Instant;

/**
 * How long one finished job waited and ran. A duration is null when a timestamp it needs is
 * missing (a job written by an old client, or removed from its lists half-way).
 *
 * @param id the job's id
 * @param name the job's name
 * @param state completed or failed
 * @param timestamp when it was added
 * @param processedOn when its last attempt started, or null
 * @param finishedOn when it finished, or null
 * @param waitTime {@code processedOn - timestamp}: time before the last attempt started
 *     (delays and backoffs included), or null
 * @param processingTime {@code finishedOn - processedOn}: the last attempt's run time, or null
 * @param totalTime {@code finishedOn - timestamp}, or null
 */
public record JobTiming(String id, String name, JobState state, Instant timestamp,
    Instant processedOn, Instant finishedOn, Duration waitTime, Duration processingTime,
    Duration totalTime) {

  static Duration between(Instant from, Instant to) {
    return from == null || to == null ? null : Duration.between(from, to);
  }
}
