package dev.bullpen.admin;

import dev.bullpen.JobCounts;
import java.util.Objects;

/**
 * A queue at a glance: its name, whether it is paused, and its job counts by state.
 *
 * @param name the queue's name
 * @param paused whether workers are kept from starting jobs
 * @param counts jobs per state, read in one atomic call
 */
public record QueueSummary(String name, boolean paused, JobCounts counts) {
  /** Checks name and counts are given. */
  public QueueSummary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(counts, "counts");
  }
}
