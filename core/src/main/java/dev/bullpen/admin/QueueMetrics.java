package dev.bullpen.admin;

import dev.bullpen.JobCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of one queue's performance, as the {@link Coordinator} last computed it.
 *
 * <p>Rates and timings cover the sliding {@link #window()} ending at {@link #at()} (shorter
 * while the coordinator has been watching for less than a window). Wait time is from when the
 * job could first run (added, plus its delay) until its last attempt started; processing time
 * from that start to its finish; total time from added to finished. Counts and backlog are read
 * from Redis at every refresh.
 *
 * @param queue the queue's name
 * @param at when the snapshot was computed (the client's clock)
 * @param window the span the rates and timings cover
 * @param completed jobs completed within the window
 * @param failed jobs failed for good within the window (attempts that will be retried do not
 *     count)
 * @param throughputPerMinute jobs finished (completed or failed) per minute within the window
 * @param failureRate failed / (completed + failed) within the window, 0 when none finished
 * @param waitTime wait times of the jobs finished within the window
 * @param processingTime processing times of the jobs finished within the window
 * @param totalTime total times of the jobs finished within the window
 * @param backlog jobs ready to run and not running: waiting + prioritized
 * @param activeWorkers worker connections open on the queue (any client, BullMQ's too), or -1
 *     when Redis would not list its clients
 * @param counts the queue's job counts
 */
public record QueueMetrics(String queue, Instant at, Duration window, long completed, long failed,
    double throughputPerMinute, double failureRate, TimingStats waitTime,
    TimingStats processingTime, TimingStats totalTime, long backlog, int activeWorkers, JobCounts counts) {
  /** Checks that no component is null. */
  public QueueMetrics {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(waitTime, "waitTime");
    Objects.requireNonNull(processingTime, "processingTime");
    Objects.requireNonNull(totalTime, "totalTime");
    Objects.requireNonNull(counts, "counts");
  }
}
