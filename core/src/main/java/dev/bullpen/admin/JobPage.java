package dev.bullpen.admin;

import dev.bullpen.Job;
import dev.bullpen.JobState;
import java.util.List;

/**
 * One page of a queue's jobs in one state, newest first.
 *
 * @param queue the queue's name
 * @param state the state listed
 * @param start the first rank asked for (0-based)
 * @param end the last rank asked for (inclusive)
 * @param total jobs in the state; with a search, the matches found (see
 *     {@link Admin#SEARCH_SCAN_LIMIT})
 * @param jobs the jobs of the page (fewer than asked at the end, or when jobs moved on between
 *     reads)
 */
public record JobPage(String queue, JobState state, long start, long end, long total,
    List<Job<Object>> jobs) {
  /** Copies the jobs. */
  public JobPage {
    jobs = List.copyOf(jobs);
  }
}
