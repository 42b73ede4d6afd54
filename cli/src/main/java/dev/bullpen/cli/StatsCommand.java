package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.JobCounts;
import dev.bullpen.JobState;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bullpen stats <queue>}: the queue's job counts, one state per line. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Print a queue's job counts by state (read in one atomic call).")
final class StatsCommand implements Callable<Integer> {
  /** The states shown, in the order a job usually goes through them. */
  static final JobState[] STATES = {
    JobState.WAITING, JobState.PRIORITIZED, JobState.DELAYED, JobState.ACTIVE,
    JobState.COMPLETED, JobState.FAILED, JobState.PAUSED, JobState.WAITING_CHILDREN
  };

  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    String uri = redis.resolve();
    JobCounts counts;
    try (Bullpen bullpen = RedisOption.connect(uri)) {
      counts = bullpen.queue(queue).getJobCounts();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      StringBuilder sb = new StringBuilder("{");
      for (JobState s : STATES) {
        sb.append(sb.length() > 1 ? ", " : "").append('"').append(s.wireName()).append("\": ")
            .append(counts.get(s));
      }
      out.println(sb.append('}'));
    } else {
      out.println("queue " + queue + " on " + RedisOption.redact(uri));
      for (JobState s : STATES) {
        out.printf("  %-17s %8d%n", s.wireName(), counts.get(s));
      }
      if (counts.unfinished() + counts.completed() + counts.failed() == 0) {
        out.println("  (no jobs: the queue is empty or does not exist)");
      }
    }
    out.flush();
    return Main.OK;
  }
}
