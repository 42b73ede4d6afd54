package dev.bullpen.status;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobState;
import dev.bullpen.Queue;
import dev.bullpen.QueueEvents;
import dev.bullpen.event.QueueEventListener;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads jobs through a {@link Bullpen} client's public API: the job hash (HGETALL) and its state
 * (one script call), so a read costs two commands.
 */
final class BullpenSource implements JobSource {
  private final Bullpen bullpen;
  private final Clock clock;
  private final java.time.Duration batchWindow;
  private final Map<String, Queue<Object>> queues = new ConcurrentHashMap<>();

  BullpenSource(Bullpen bullpen, Clock clock, java.time.Duration batchWindow) {
    this.batchWindow = batchWindow;
    this.bullpen = bullpen;
    this.clock = clock;
  }

  @Override
  public Optional<JobView> read(String queue, String jobId, JobState stateHint) {
    Queue<Object> q = queue(queue);
    Optional<Job<Object>> job = q.getJob(jobId);
    if (job.isEmpty()) {
      return Optional.empty();
    }
    if (stateHint != null && agrees(job.get(), stateHint)) {
      return Optional.of(JobView.of(job.get(), stateHint, clock.instant()));
    }
    JobState state = job.get().getState();
    if (state == JobState.UNKNOWN) {
      return Optional.empty(); // removed between the two reads
    }
    return Optional.of(JobView.of(job.get(), state, clock.instant()));
  }

  /**
   * Whether the hash fits the state an event implied: then the event's state is taken and the
   * state script (a second command) is skipped. Anything unexpected reads the state.
   */
  static boolean agrees(Job<?> j, JobState hint) {
    java.time.Instant processed = j.processedOn();
    java.time.Instant finished = j.finishedOn();
    switch (hint) {
      case ACTIVE:
        return processed != null && (finished == null || finished.isBefore(processed));
      case COMPLETED:
        return finished != null && j.returnValueJson() != null;
      case FAILED:
        return finished != null && j.failedReason() != null && j.returnValueJson() == null;
      default:
        return false;
    }
  }

  @Override
  public JobLogs logs(String queue, String jobId, int maxRows) {
    if (maxRows == 0) {
      return new JobLogs(List.of(), false);
    }
    return new JobLogs(queue(queue).getJobLogs(jobId, -maxRows, -1), false);
  }

  @Override
  public Subscription follow(String queue, QueueEventListener listener) {
    QueueEvents events = bullpen.queueEvents(queue);
    events.batchWindow(batchWindow);
    events.addListener(listener);
    return events::close;
  }

  @Override
  public void ping() {
    bullpen.ping();
  }

  private Queue<Object> queue(String name) {
    return queues.computeIfAbsent(name, bullpen::queue);
  }
}
