package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.server.BullpenServer;
import dev.bullpen.server.ServerOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bullpen demo}: a small video pipeline that runs until stopped, printing what happens,
 * then a summary; with the HTTP server on localhost, so its job pages show the jobs live. Needs nothing installed: without a configured Redis it uses the one on
 * localhost:6379, else starts a private one (see {@link RedisSelector}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run a small video pipeline with workers, showing jobs as they happen.",
      "",
      "Transcode, thumbnail and publish jobs are added, start, report progress, complete, retry"
          + " and fail; a summary with job counts ends the run. Runs until Ctrl-C, or for"
          + " --exit-after seconds, and stops gracefully either way.",
      "",
      "The HTTP server runs on 127.0.0.1 (port 8080, or a free one when that is taken), open to"
          + " writes from this machine; the demo prints a job page to watch."
    },
    footer = {
      "",
      "Which Redis: --redis URI, else $BULLPEN_REDIS_URL, else the Redis answering on"
          + " localhost:6379 (only the demo's queues are touched, nothing is flushed), else a"
          + " private redis-server on a free port (the installed one, else Redis 6.2 shipped in"
          + " the jar), removed on exit. Set BULLPEN_DEMO_SKIP_LOCAL=1 (or use --private-redis)"
          + " to skip localhost:6379."
    })
final class DemoCommand implements Callable<Integer> {
  /** How long closing workers lets running jobs finish before handing them back. */
  static final Duration WORKER_SHUTDOWN = Duration.ofSeconds(5);

  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Option(names = "--exit-after", paramLabel = "SECONDS",
      description = "Stop gracefully after this many seconds (default: run until Ctrl-C).")
  Integer exitAfter;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "12",
      description = "Videos in the first batch (default: ${DEFAULT-VALUE}); more trickle in.")
  int jobs;

  @Option(names = "--every", paramLabel = "DURATION", defaultValue = "1500ms",
      converter = DurationConverter.class,
      description = "Add a new video this often (default: ${DEFAULT-VALUE}).")
  Duration every;

  @Option(names = "--queue-prefix", paramLabel = "NAME", defaultValue = "demo",
      description = "Queues are NAME-videos and NAME-thumbnails (default: ${DEFAULT-VALUE}).")
  String queuePrefix;

  @Option(names = "--private-redis",
      description = "Skip localhost:6379 and start a private redis-server.")
  boolean privateRedis;

  @Option(names = "--embedded-redis",
      description = "Start the Redis 6.2 shipped in the jar, even if redis-server is installed.")
  boolean embeddedRedis;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
      description = "Port of the job pages and API on 127.0.0.1 (default: ${DEFAULT-VALUE};"
          + " a free one when taken; 0 = any free one).")
  int port;

  @Option(names = "--no-server", description = "Do not start the HTTP server.")
  boolean noServer;

  @Option(names = "--clean",
      description = "Delete the demo's queues and jobs at the end (they are kept otherwise).")
  boolean clean;

  /** Replaced by tests that must not look at this machine. */
  RedisSelector selector = RedisSelector.forThisMachine();

  @Override
  public Integer call() throws InterruptedException {
    checkOptions();
    RedisSelector.Mode mode = embeddedRedis ? RedisSelector.Mode.EMBEDDED
        : privateRedis ? RedisSelector.Mode.PRIVATE : RedisSelector.Mode.AUTO;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DemoPrinter printer = new DemoPrinter(out);
    try (StopSignal stop = StopSignal.install(why -> printer.note(why
            + ": stopping gracefully (press Ctrl-C again to quit at once)"));
        SelectedRedis redisServer = selector.select(redis.configured(System::getenv), mode)) {
      err.println("bullpen demo: " + redisServer.announcement());
      err.flush();
      run(redisServer, stop, printer);
    }
    return Main.OK;
  }

  private void run(SelectedRedis redisServer, StopSignal stop, DemoPrinter printer)
      throws InterruptedException {
    try (Bullpen bullpen = RedisOption.connect(redisServer.uri());
        BullpenServer server = noServer ? null : startServer(bullpen, printer)) {
      VideoPipeline pipeline = new VideoPipeline(bullpen, queuePrefix, printer, every);
      printer.note("demo: queues " + queuePrefix + "-videos and " + queuePrefix
          + "-thumbnails; " + (exitAfter == null ? "press Ctrl-C to stop"
              : "stopping after " + exitAfter + " s (or Ctrl-C)"));
      long started = System.nanoTime();
      List<Job<Video>> first = pipeline.start(jobs);
      if (server != null) {
        String videos = queuePrefix + "-videos";
        printer.note("API: " + server.url() + "/api/queues/" + videos
            + "   (the server is open to writes from this machine: demo only)");
        printer.note("watch a video being transcoded: " + (first.isEmpty()
            ? server.url() + "/jobs/" + videos + "/ID"
            : server.jobPageUrl(videos, first.get(first.size() - 1).id())));
      }
      boolean signalled = stop.await(exitAfter == null ? null : Duration.ofSeconds(exitAfter));
      if (!signalled) {
        printer.note("time is up: stopping gracefully");
      }
      printer.note("closing workers (running jobs finish, at most "
          + WORKER_SHUTDOWN.toSeconds() + " s)");
      pipeline.stop(WORKER_SHUTDOWN);
      printer.summary(Duration.ofNanos(System.nanoTime() - started), redisServer.description(),
          pipeline.counts());
      if (clean) {
        pipeline.obliterate();
        printer.note("deleted queues " + queuePrefix + "-videos and " + queuePrefix
            + "-thumbnails");
      } else if (redisServer.kind() != SelectedRedis.Kind.PRIVATE) {
        printer.note("jobs are kept: see them with 'bullpen stats " + queuePrefix
            + "-videos', or run with --clean");
      }
    }
  }

  /** The server on 127.0.0.1:{@link #port}, or on a free port when that one is taken. */
  private BullpenServer startServer(Bullpen bullpen, DemoPrinter printer) {
    ServerOptions opts = ServerOptions.builder().host("127.0.0.1").port(port).openMode(true)
        .build();
    try {
      return BullpenServer.start(bullpen, opts);
    } catch (IllegalStateException e) {
      if (port == 0) {
        throw e;
      }
      printer.note("port " + port + " is taken: using a free one");
      return BullpenServer.start(bullpen, opts.toBuilder().port(0).build());
    }
  }

  private void checkOptions() {
    if (port < 0 || port > 65535) {
      throw new InvalidInputException("--port must be 0..65535, got " + port);
    }
    if (redis.uri != null && (privateRedis || embeddedRedis)) {
      throw new InvalidInputException("--redis cannot be combined with --private-redis or"
          + " --embedded-redis");
    }
    if (exitAfter != null && exitAfter < 0) {
      throw new InvalidInputException("--exit-after must be 0 or more seconds, got " + exitAfter);
    }
    if (jobs < 0 || jobs > 10_000) {
      throw new InvalidInputException("--jobs must be between 0 and 10000, got " + jobs);
    }
    if (every.toMillis() < 10) {
      throw new InvalidInputException("--every must be at least 10ms, got " + every);
    }
  }
}
