package dev.bullpen.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * One maintenance step the coordinator leader ran, for audit and tests: which task on which
 * queue, under which fencing token, when, and with what effect.
 *
 * @param task {@code "trim-events"}, {@code "retention"} or {@code "metrics-rollup"}
 * @param queue the queue it ran on
 * @param fencingToken the leader's token (tokens only grow across leaders)
 * @param startedAt when it started (the client's clock)
 * @param finishedAt when it finished (the client's clock)
 * @param startNanos {@link System#nanoTime()} at the start, to order runs of one JVM exactly
 * @param endNanos {@link System#nanoTime()} at the end
 * @param affected entries or jobs removed or counted; -1 when Redis refused a stale token
 */
public record MaintenanceRun(String task, String queue, long fencingToken, Instant startedAt,
    Instant finishedAt, long startNanos, long endNanos, long affected) {
  /** Checks that task, queue and the instants are not null. */
  public MaintenanceRun {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
  }
}
