package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobState;
import dev.bullpen.admin.Admin;
import dev.bullpen.admin.JobDetail;
import dev.bullpen.admin.JobPage;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bullpen jobs <queue> [id]}: a page of a queue's jobs in one state as a table, or with an
 * id everything about one job.
 */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = {"List a queue's jobs in one state, newest first, or show one job in full.",
      "A search matches an exact job id, or names (ignoring case) among the newest "
          + Admin.SEARCH_SCAN_LIMIT + " jobs of the state."},
    footer = {"", "Examples: bullpen jobs emails --state failed --limit 50",
      "          bullpen jobs emails --search welcome      bullpen jobs emails 42"})
final class JobsCommand implements Callable<Integer> {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Parameters(index = "1", arity = "0..1", paramLabel = "ID",
      description = "A job id: show that job in full.")
  String id;

  @Option(names = "--state", paramLabel = "STATE", defaultValue = "waiting",
      description = "waiting, prioritized, delayed, active, completed, failed, paused or"
          + " waiting-children (default ${DEFAULT-VALUE}).")
  String state;

  @Option(names = "--start", paramLabel = "N", defaultValue = "0",
      description = "Rank of the first job shown, 0 = newest (default ${DEFAULT-VALUE}).")
  long start;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
      description = "Jobs shown, 1 to " + Admin.MAX_PAGE + " (default ${DEFAULT-VALUE}).")
  long limit;

  @Option(names = "--search", paramLabel = "TEXT", description = "A job id or part of a name.")
  String search;

  @Override
  public Integer call() {
    JobState st = JobState.parse(state);
    if (st == JobState.UNKNOWN) {
      throw new InvalidInputException("--state must be a job state, got '" + state + "'");
    }
    if (start < 0) {
      throw new InvalidInputException("--start must be 0 or more, got " + start);
    }
    if (limit < 1 || limit > Admin.MAX_PAGE) {
      throw new InvalidInputException("--limit must be 1 to " + Admin.MAX_PAGE + ", got "
          + limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Bullpen bullpen = RedisOption.connect(redis.resolve())) {
      Admin admin = Admin.create(bullpen);
      if (id != null) {
        printDetail(out, admin.job(queue, id));
      } else {
        printPage(out, admin.jobs(queue, st, start, start + limit - 1, search));
      }
    }
    out.flush();
    return Main.OK;
  }

  private static void printPage(PrintWriter out, JobPage page) {
    String what = page.total() + " " + page.state().wireName() + " job"
        + (page.total() == 1 ? "" : "s");
    if (page.jobs().isEmpty()) {
      out.println("no jobs to show (" + what + ")");
      return;
    }
    boolean finished = page.state() == JobState.COMPLETED || page.state() == JobState.FAILED;
    TextTable t = new TextTable("ID", "NAME", "ADDED (UTC)", finished ? "FINISHED (UTC)"
        : "STARTED (UTC)", "#ATTEMPTS", "PROGRESS", "FAILED REASON");
    for (Job<Object> j : page.jobs()) {
      t.row(j.id(), j.name(), time(j.timestamp()), time(finished ? j.finishedOn()
          : j.processedOn()), j.attemptsMade(), j.progressJson(), j.failedReason());
    }
    t.print(out);
    out.println("(" + (page.start() + 1) + "-" + (page.start() + page.jobs().size()) + " of "
        + what + ")");
  }

  private static void printDetail(PrintWriter out, JobDetail d) {
    Job<Object> j = d.job();
    TextTable t = new TextTable("FIELD", "VALUE");
    t.row("id", j.id());
    t.row("name", j.name());
    t.row("state", d.state().wireName());
    t.row("added", time(j.timestamp()));
    t.row("started", time(j.processedOn()));
    t.row("finished", time(j.finishedOn()));
    t.row("waited", ms(d.waitTime()));
    t.row("processed", ms(d.processingTime()));
    t.row("attempts", j.attemptsMade() + " of " + j.opts().attempts());
    t.row("progress", j.progressJson());
    t.print(out);
    out.println("data: " + j.dataJson());
    out.println("options: " + j.optsJson());
    if (j.returnValueJson() != null) {
      out.println("return value: " + j.returnValueJson());
    }
    if (j.failedReason() != null) {
      out.println("failed reason: " + j.failedReason());
    }
    List<String> traces = j.stacktrace();
    for (int i = 0; i < traces.size(); i++) {
      out.println("stack trace " + (i + 1) + " of " + traces.size() + ":");
      out.println(traces.get(i));
    }
    out.println("logs (" + d.logs().size() + " rows):");
    d.logs().forEach(l -> out.println("  " + l));
  }

  static String time(Instant i) {
    return i == null ? null : TIME.format(i);
  }

  private static String ms(Duration d) {
    return d == null ? null : d.toMillis() + " ms";
  }
}
