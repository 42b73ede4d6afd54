package dev.bullpen.admin;

import dev.bullpen.Job;
import dev.bullpen.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything about one job an operator looks at: the job as stored (data, options, progress,
 * return value, failure and stack traces, attempts, timestamps), its state, its timings and its
 * newest log rows.
 *
 * @param job the job hash, decoded
 * @param state its state when read
 * @param waitTime {@code processedOn - timestamp}, or null before it started
 * @param processingTime {@code finishedOn - processedOn}, or null before it finished
 * @param logs the newest log rows (at most {@link Admin#MAX_LOG_ROWS}), oldest first
 */
public record JobDetail(Job<Object> job, JobState state, Duration waitTime,
    Duration processingTime, List<String> logs) {
  /** Checks the job and state are given; copies the logs. */
  public JobDetail {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(state, "state");
    logs = List.copyOf(logs);
  }
}
