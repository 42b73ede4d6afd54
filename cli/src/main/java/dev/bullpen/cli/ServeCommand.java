package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.JobHandler;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import dev.bullpen.server.BullpenServer;
import dev.bullpen.server.ServerOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bullpen serve}: runs the HTTP server (REST API, job pages, health) until Ctrl-C, and
 * optionally workers whose handlers are classes on the class path.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the HTTP server: REST job API with ETag, long poll and SSE, live job pages at"
          + " /jobs/QUEUE/ID, /health and /health/ready. Runs until Ctrl-C.",
      "",
      "Reads are open to anyone; writes (add, retry, delete) need --token (or"
          + " $BULLPEN_API_TOKEN) as a bearer token, or --open on a trusted machine."
    },
    footer = {"",
      "Workers: --worker videos=com.example.Transcode:4 runs 4 jobs of queue 'videos' at once"
          + " with that class (a dev.bullpen.JobHandler with a no-argument constructor, data"
          + " decoded as maps and lists). Put its jar on the class path: java -cp"
          + " bullpen-cli.jar:handlers.jar dev.bullpen.cli.Main serve ..."})
final class ServeCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "BULLPEN_API_TOKEN";
  private static final Pattern WORKER = Pattern.compile("([^=]+)=([\\w.$]+)(?::(\\d+))?");

  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = ServerOptions.DEFAULT_HOST,
      description = "Interface to listen on (default: ${DEFAULT-VALUE}, all of them).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
      description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Bearer token that writes need (default: $" + TOKEN_ENV + ").")
  String token;

  @Option(names = "--open",
      description = "Allow writes without a token. Only on a trusted machine or network.")
  boolean open;

  @Option(names = "--worker", paramLabel = "QUEUE=CLASS[:N]",
      description = "Also run a worker: handler class for the queue, N jobs at once"
          + " (default 1). Repeatable.")
  List<String> workers = new ArrayList<>();

  @Option(names = "--exit-after", paramLabel = "SECONDS", hidden = true,
      description = "Stop after this many seconds (for tests).")
  Integer exitAfter;

  @Override
  public Integer call() throws InterruptedException {
    String apiToken = token != null ? token : blankToNull(System.getenv(TOKEN_ENV));
    ServerOptions options;
    try {
      options = ServerOptions.builder().host(host).port(port).apiToken(apiToken)
          .openMode(open).build();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage(), e);
    }
    List<WorkerSpec> specs = new ArrayList<>();
    for (String w : workers) {
      specs.add(WorkerSpec.parse(w));
    }
    PrintWriter out = spec.commandLine().getOut();
    String uri = redis.resolve();
    try (StopSignal stop = StopSignal.install(why -> {
          out.println("bullpen serve: " + why + ": stopping");
          out.flush();
        });
        Bullpen bullpen = RedisOption.connect(uri);
        BullpenServer server = BullpenServer.start(bullpen, options)) {
      List<Worker<Object>> running = new ArrayList<>();
      for (WorkerSpec s : specs) {
        running.add(bullpen.worker(s.queue, Object.class, s.handler,
            WorkerOptions.builder().concurrency(s.concurrency).build()));
      }
      out.println("bullpen serve: listening on " + server.url() + " (Redis "
          + RedisOption.redact(uri) + ")");
      out.println("  job pages: " + server.url() + "/jobs/QUEUE/ID   API: " + server.url()
          + "/api/queues   health: " + server.url() + "/health/ready");
      out.println("  writes: " + (apiToken != null ? "need the API token"
          : open ? "OPEN to anyone who can reach this port (--open)"
              : "disabled (no --token or $" + TOKEN_ENV + ")"));
      for (WorkerSpec s : specs) {
        out.println("  worker: queue " + s.queue + ", " + s.handler.getClass().getName()
            + ", concurrency " + s.concurrency);
      }
      out.flush();
      stop.await(exitAfter == null ? null : Duration.ofSeconds(exitAfter));
      for (Worker<Object> w : running) {
        w.close(Duration.ofSeconds(10));
      }
    } catch (IllegalStateException e) {
      throw new CommandFailedException(e.getMessage() + " (choose another with --port)", e);
    }
    return Main.OK;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** One {@code --worker QUEUE=CLASS[:N]}. */
  static final class WorkerSpec {
    final String queue;
    final JobHandler<Object, ?> handler;
    final int concurrency;

    private WorkerSpec(String queue, JobHandler<Object, ?> handler, int concurrency) {
      this.queue = queue;
      this.handler = handler;
      this.concurrency = concurrency;
    }

    @SuppressWarnings("unchecked")
    static WorkerSpec parse(String text) {
      Matcher m = WORKER.matcher(text);
      if (!m.matches()) {
        throw new InvalidInputException("--worker must look like QUEUE=CLASS or"
            + " QUEUE=CLASS:N, got '" + text + "'");
      }
      int n = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
      if (n < 1 || n > 1000) {
        throw new InvalidInputException("--worker concurrency must be 1..1000, got " + n);
      }
      Object handler;
      try {
        Class<?> c = Class.forName(m.group(2));
        if (!JobHandler.class.isAssignableFrom(c)) {
          throw new InvalidInputException("--worker class " + m.group(2)
              + " does not implement dev.bullpen.JobHandler");
        }
        handler = c.getDeclaredConstructor().newInstance();
      } catch (ClassNotFoundException e) {
        throw new InvalidInputException("--worker class " + m.group(2) + " is not on the class"
            + " path", e);
      } catch (ReflectiveOperationException e) {
        throw new InvalidInputException("--worker class " + m.group(2) + " needs a public"
            + " no-argument constructor: " + e, e);
      }
      return new WorkerSpec(m.group(1), (JobHandler<Object, ?>) handler, n);
    }
  }
}
