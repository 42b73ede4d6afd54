package dev.bullpen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bullpen.Backoff;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bullpen add <queue> <name> <json>}: adds one job and prints its id. The data and the
 * options are checked before connecting, so bad input never writes anything.
 */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = "Add a job to a queue and print its id.",
    footer = {"",
      "Example: bullpen add emails welcome '{\"to\":\"ada@example.com\"}' --attempts 3"})
final class AddCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Parameters(index = "1", paramLabel = "NAME", description = "The job's name.")
  String name;

  @Parameters(index = "2", paramLabel = "JSON", description = "The job's data as JSON "
      + "('-' reads it from standard input).")
  String data;

  @Option(names = "--delay", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Wait this long before the job is ready (e.g. 500ms, 5s, 2m).")
  Duration delay;

  @Option(names = "--priority", paramLabel = "N",
      description = "1 (highest) to " + JobOptions.MAX_PRIORITY + " (lowest).")
  Integer priority;

  @Option(names = "--attempts", paramLabel = "N", description = "Total attempts (default 1).")
  Integer attempts;

  @Option(names = "--backoff", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Exponential backoff between attempts, starting at this delay.")
  Duration backoff;

  @Option(names = "--job-id", paramLabel = "ID",
      description = "A custom id: adding an id that exists changes nothing.")
  String jobId;

  @Override
  public Integer call() {
    Object parsed = parseData("-".equals(data) ? readStdin() : data);
    JobOptions opts = options();
    try (Bullpen bullpen = RedisOption.connect(redis.resolve())) {
      Job<Object> job = bullpen.queue(queue).add(name, parsed, opts);
      spec.commandLine().getOut().println(job.id());
      spec.commandLine().getOut().flush();
    }
    return Main.OK;
  }

  /** Parses the data (any JSON value), naming line and column when it is malformed. */
  static Object parseData(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException("JSON data is empty (use {} for no data)");
    }
    try {
      return JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new InvalidInputException("malformed JSON data" + where + ": "
          + e.getOriginalMessage() + "; nothing was added", e);
    }
  }

  private JobOptions options() {
    try {
      JobOptions.Builder b = JobOptions.builder();
      if (delay != null) {
        b.delay(delay);
      }
      if (priority != null) {
        b.priority(priority);
      }
      if (attempts != null) {
        b.attempts(attempts);
      }
      if (backoff != null) {
        b.backoff(Backoff.exponential(backoff));
      }
      if (jobId != null) {
        b.jobId(jobId);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage() + "; nothing was added", e);
    }
  }

  private String readStdin() {
    try {
      InputStream in = System.in;
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read the JSON data from standard input: "
          + e.getMessage(), e);
    }
  }
}
