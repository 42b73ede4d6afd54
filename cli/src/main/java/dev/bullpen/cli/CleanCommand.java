package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.JobState;
import dev.bullpen.admin.Admin;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bullpen clean <queue> --state S --older-than D}: removes old jobs, with a progress bar. */
@Command(
    name = "clean",
    mixinStandardHelpOptions = true,
    description = {"Remove a queue's jobs of one state that are at least --older-than old"
        + " (finished time for completed/failed, else start or add time), in batches with a"
        + " progress bar."},
    footer = {"", "Example: bullpen clean emails --state completed --older-than 1d"})
final class CleanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Option(names = "--state", paramLabel = "STATE", required = true,
      description = "completed, failed, waiting, delayed, prioritized or paused.")
  String state;

  @Option(names = "--older-than", paramLabel = "DURATION", required = true,
      converter = DurationConverter.class,
      description = "Only jobs at least this old (0 = any age), e.g. 1h, 7d.")
  Duration olderThan;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
      description = "Remove at most N jobs (default 0 = no limit).")
  int limit;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + Admin.DEFAULT_BATCH_SIZE,
      description = "Jobs per batch, 1 to " + Admin.MAX_BATCH_SIZE
          + " (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() {
    JobState st = JobState.parse(state);
    if (st == JobState.ACTIVE || st == JobState.WAITING_CHILDREN || st == JobState.UNKNOWN) {
      throw new InvalidInputException("--state must be completed, failed, waiting, delayed,"
          + " prioritized or paused, got '" + state + "'");
    }
    if (olderThan.isNegative()) {
      throw new InvalidInputException("--older-than must not be negative");
    }
    if (limit < 0) {
      throw new InvalidInputException("--limit must be 0 (no limit) or more, got " + limit);
    }
    if (batchSize < 1 || batchSize > Admin.MAX_BATCH_SIZE) {
      throw new InvalidInputException("--batch-size must be 1 to " + Admin.MAX_BATCH_SIZE
          + ", got " + batchSize);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Bullpen bullpen = RedisOption.connect(redis.resolve())) {
      ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "cleaning");
      long n;
      try {
        n = Admin.create(bullpen).clean(queue, st, olderThan, limit, batchSize, bar);
      } finally {
        bar.finish();
      }
      out.println("removed " + n + " " + st.wireName() + " job" + (n == 1 ? "" : "s")
          + " of queue " + TextTable.cell(queue));
    }
    out.flush();
    return Main.OK;
  }
}
