package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.JobState;
import dev.bullpen.admin.Admin;
import dev.bullpen.admin.JobFilter;
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
 * {@code bullpen retry <queue> <id>...} runs finished jobs again; {@code bullpen retry <queue>
 * --failed} moves every failed job (or those the filters take) back to wait in batches, with a
 * progress bar on stderr.
 */
@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {"Run failed (or completed) jobs again: the ones named, or with --failed every"
        + " failed job the filters take, in batches with a progress bar.",
      "--reset-attempts requeues dead letters: each job gets all its attempts anew."},
    footer = {"", "Examples: bullpen retry emails 42 43",
      "          bullpen retry emails --failed --older-than 10m --name welcome"})
final class RetryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "ID", description = "Job ids.")
  List<String> ids;

  @Option(names = "--failed", description = "Retry every failed job the filters take.")
  boolean failed;

  @Option(names = "--older-than", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "With --failed: only jobs that failed at least this long ago (e.g. 10m).")
  Duration olderThan;

  @Option(names = "--name", paramLabel = "NAME",
      description = "With --failed: only jobs with exactly this name.")
  String name;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + Admin.DEFAULT_BATCH_SIZE,
      description = "With --failed: jobs per batch, 1 to " + Admin.MAX_BATCH_SIZE
          + " (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--reset-attempts", description = "Start the jobs' attempt counts again from"
      + " 0 (requeue dead letters); only failed jobs are taken.")
  boolean resetAttempts;

  @Override
  public Integer call() {
    boolean named = ids != null && !ids.isEmpty();
    if (named == failed) {
      throw new InvalidInputException(named ? "give job ids or --failed, not both"
          : "give the job ids to retry, or --failed to retry every failed job");
    }
    if (!failed && (olderThan != null || name != null)) {
      throw new InvalidInputException("--older-than and --name go with --failed");
    }
    JobFilter filter = new JobFilter(olderThan, name);
    if (batchSize < 1 || batchSize > Admin.MAX_BATCH_SIZE) {
      throw new InvalidInputException("--batch-size must be 1 to " + Admin.MAX_BATCH_SIZE
          + ", got " + batchSize);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Bullpen bullpen = RedisOption.connect(redis.resolve())) {
      Admin admin = Admin.create(bullpen);
      if (named) {
        for (String id : ids) {
          JobState now = resetAttempts ? admin.requeueDeadLetter(queue, id)
              : admin.retry(queue, id);
          out.println("job " + TextTable.cell(id) + " is " + now.wireName());
          out.flush();
        }
      } else {
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(),
            resetAttempts ? "requeueing" : "retrying");
        long n;
        try {
          n = resetAttempts ? admin.requeueDeadLetters(queue, filter, batchSize, bar)
              : admin.retryFailed(queue, filter, batchSize, bar);
        } finally {
          bar.finish();
        }
        out.println((resetAttempts ? "requeued " : "retried ") + n + " failed job"
            + (n == 1 ? "" : "s") + " of queue " + TextTable.cell(queue));
      }
    }
    out.flush();
    return Main.OK;
  }
}
