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
      "Every request needs a bearer token of a role (viewer, operator, admin) given by its"
          + " hash with --grant or $BULLPEN_TOKENS (make one with 'bullpen token'), or the"
          + " signed token of one job (links returned when a job is added). Without any token"
          + " the server refuses to start, unless --open: anyone on this machine may do"
          + " anything, on 127.0.0.1 only."
    },
    footer = {"",
      "Tokens: --grant ci:operator:sha256:HEX (repeatable) or BULLPEN_TOKENS='ci:operator:"
          + "sha256:HEX,ops:admin:sha256:HEX'; --token TOKEN (or $BULLPEN_API_TOKEN) is an admin"
          + " token given in clear. Job links: set BULLPEN_JOB_TOKEN_SECRET (32+ bytes) so they"
          + " survive restarts and work on every server.",
      "",
      "Workers: --worker videos=com.example.Transcode:4 runs 4 jobs of queue 'videos' at once"
          + " with that class (a dev.bullpen.JobHandler with a no-argument constructor, data"
          + " decoded as maps and lists). Put its jar on the class path: java -cp"
          + " bullpen-cli.jar:handlers.jar dev.bullpen.cli.Main serve ..."})
final class ServeCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "BULLPEN_API_TOKEN";
  static final String TOKENS_ENV = "BULLPEN_TOKENS";
  static final String SECRET_ENV = "BULLPEN_JOB_TOKEN_SECRET";
  private static final Pattern RATE =
      Pattern.compile("(\\d{1,7}(?:\\.\\d{1,3})?)(?::(\\d{1,7}))?");
  private static final Pattern WORKER = Pattern.compile("([^=]+)=([\\w.$]+)(?::(\\d+))?");

  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Option(names = "--host", paramLabel = "ADDRESS",
      description = "Interface to listen on (default: " + ServerOptions.DEFAULT_HOST
          + ", all of them; 127.0.0.1 with --open).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
      description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "An admin bearer token in clear (default: $" + TOKEN_ENV + ").")
  String token;

  @Option(names = "--grant", paramLabel = "NAME:ROLE:sha256:HEX",
      description = "A bearer token by its hash, with a name and role (viewer, operator,"
          + " admin). Repeatable; added to $" + TOKENS_ENV + ".")
  List<String> grants = new ArrayList<>();

  @Option(names = "--open",
      description = "Anyone may do anything without a token: a demo on this machine only"
          + " (listens on 127.0.0.1).")
  boolean open;

  @Option(names = "--trust-forwarded-for",
      description = "Behind a reverse proxy that appends X-Forwarded-For: rate-limit and audit"
          + " by its last address instead of the proxy's.")
  boolean trustForwardedFor;

  @Option(names = "--rate-limit", paramLabel = "PER_SECOND[:BURST]",
      description = "Requests per client IP per second, and burst (default: "
          + "50:200; 0 turns it off).")
  String rateLimit;

  @Option(names = "--worker", paramLabel = "QUEUE=CLASS[:N]",
      description = "Also run a worker: handler class for the queue, N jobs at once"
          + " (default 1). Repeatable.")
  List<String> workers = new ArrayList<>();

  @Option(names = "--exit-after", paramLabel = "SECONDS", hidden = true,
      description = "Stop after this many seconds (for tests).")
  Integer exitAfter;

  @Override
  public Integer call() throws InterruptedException {
    List<WorkerSpec> specs = new ArrayList<>();
    for (String w : workers) {
      specs.add(WorkerSpec.parse(w));
    }
    String apiToken = token != null ? token : blankToNull(System.getenv(TOKEN_ENV));
    ServerOptions options;
    try {
      ServerOptions.Builder b = ServerOptions.builder()
          .host(host != null ? host : open ? "127.0.0.1" : ServerOptions.DEFAULT_HOST)
          .port(port).apiToken(apiToken).openMode(open)
          .tokens(System.getenv(TOKENS_ENV))
          .jobTokenSecret(blankToNull(System.getenv(SECRET_ENV)))
          .trustForwardedFor(trustForwardedFor);
      if (rateLimit != null) {
        Matcher m = RATE.matcher(rateLimit.trim());
        if (!m.matches()) {
          throw new IllegalArgumentException("--rate-limit must look like 50 or 50:200, got '"
              + rateLimit + "'");
        }
        double perSecond = Double.parseDouble(m.group(1));
        b.ipRateLimit(perSecond, m.group(2) != null ? Integer.parseInt(m.group(2))
            : (int) Math.max(1, Math.min(100_000, perSecond * 4)));
      }
      for (String g : grants) {
        b.tokens(g);
      }
      options = b.build();
      BullpenServer.checkOptions(options);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage(), e);
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
      out.println("  access: " + (open ? "OPEN to anyone on this machine (--open)"
          : "bearer tokens " + String.join(", ", options.tokenNames())
              + ", or a job's signed token"));
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
