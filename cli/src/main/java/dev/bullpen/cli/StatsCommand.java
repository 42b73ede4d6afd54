package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.JobCounts;
import dev.bullpen.JobState;
import dev.bullpen.admin.Admin;
import dev.bullpen.admin.QueueNotFoundException;
import dev.bullpen.admin.QueueSummary;
import dev.bullpen.admin.TimingReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bullpen stats [queue]}: with a queue, its job counts one state per line, its paused flag
 * and the timings of its newest finished jobs; without one, every queue in a table.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {"Print a queue's job counts by state (read in one atomic call), whether it is"
        + " paused, and wait/processing times of its newest finished jobs.",
      "Without QUEUE, print one line per queue."},
    footer = {"", "Examples: bullpen stats            bullpen stats emails --sample 500"})
final class StatsCommand implements Callable<Integer> {
  /** The states shown, in the order a job usually goes through them. */
  static final JobState[] STATES = {
    JobState.WAITING, JobState.PRIORITIZED, JobState.DELAYED, JobState.ACTIVE,
    JobState.COMPLETED, JobState.FAILED, JobState.PAUSED, JobState.WAITING_CHILDREN
  };

  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", arity = "0..1", paramLabel = "QUEUE",
      description = "The queue's name; without it, every queue.")
  String queue;

  @Option(names = "--json", description = "Print one JSON object of the counts instead of a"
      + " table (with QUEUE).")
  boolean json;

  @Option(names = "--sample", paramLabel = "N", defaultValue = "100",
      description = "Newest finished jobs the timing figures look at, 1 to "
          + Admin.MAX_TIMINGS + " (default ${DEFAULT-VALUE}).")
  int sample;

  @Override
  public Integer call() {
    if (sample < 1 || sample > Admin.MAX_TIMINGS) {
      throw new InvalidInputException("--sample must be 1 to " + Admin.MAX_TIMINGS + ", got "
          + sample);
    }
    String uri = redis.resolve();
    PrintWriter out = spec.commandLine().getOut();
    try (Bullpen bullpen = RedisOption.connect(uri)) {
      Admin admin = Admin.create(bullpen);
      if (queue == null) {
        printQueues(out, admin.queues(), uri);
      } else {
        printQueue(out, admin, uri);
      }
    }
    out.flush();
    return Main.OK;
  }

  private void printQueue(PrintWriter out, Admin admin, String uri) {
    QueueSummary s;
    TimingReport report = null;
    try {
      s = admin.stats(queue);
      report = admin.timingReport(queue, sample);
    } catch (QueueNotFoundException e) {
      s = new QueueSummary(queue, false, new JobCounts(0, 0, 0, 0, 0, 0, 0, 0));
    }
    JobCounts counts = s.counts();
    if (json) {
      StringBuilder sb = new StringBuilder("{");
      for (JobState st : STATES) {
        sb.append(sb.length() > 1 ? ", " : "").append('"').append(st.wireName()).append("\": ")
            .append(counts.get(st));
      }
      out.println(sb.append('}'));
      return;
    }
    out.println("queue " + TextTable.cell(queue) + " on " + RedisOption.redact(uri)
        + (s.paused() ? " (PAUSED)" : ""));
    for (JobState st : STATES) {
      out.printf("  %-17s %8d%n", st.wireName(), counts.get(st));
    }
    if (counts.unfinished() + counts.completed() + counts.failed() == 0) {
      out.println("  (no jobs: the queue is empty or does not exist)");
    }
    if (report != null && report.sampled() > 0) {
      out.println();
      out.println("times of the newest " + report.sampled() + " finished jobs (ms):");
      TextTable t = new TextTable("  TIME", "#JOBS", "#AVG", "#P50", "#P95", "#P99");
      row(t, "  wait", report.waitTime());
      row(t, "  processing", report.processingTime());
      row(t, "  total", report.totalTime());
      t.print(out);
    }
  }

  private static void row(TextTable t, String label, TimingReport.Summary s) {
    t.row(label, s.count(), ms(s.average()), ms(s.p50()), ms(s.p95()), ms(s.p99()));
  }

  private static long ms(Duration d) {
    return d.toMillis();
  }

  private static void printQueues(PrintWriter out, List<QueueSummary> queues, String uri) {
    if (queues.isEmpty()) {
      out.println("no queues on " + RedisOption.redact(uri));
      return;
    }
    TextTable t = new TextTable("QUEUE", "PAUSED", "#WAITING", "#PRIORITIZED", "#DELAYED",
        "#ACTIVE", "#COMPLETED", "#FAILED");
    for (QueueSummary s : queues) {
      JobCounts c = s.counts();
      t.row(s.name(), s.paused() ? "yes" : "no", c.waiting() + c.paused(), c.prioritized(),
          c.delayed(), c.active(), c.completed(), c.failed());
    }
    t.print(out);
    if (queues.size() >= Admin.MAX_QUEUES_LISTED) {
      out.println("(only the first " + Admin.MAX_QUEUES_LISTED + " queues by name are shown)");
    }
  }
}
