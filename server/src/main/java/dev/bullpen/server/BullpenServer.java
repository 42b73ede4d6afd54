package dev.bullpen.server;

import dev.bullpen.Bullpen;
import dev.bullpen.admin.Coordinator;
import dev.bullpen.status.JobStatusService;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bullpen's HTTP server: the REST job API, live job pages and health checks, on a
 * {@link Bullpen} client that the caller owns.
 *
 * <pre>{@code
 * try (Bullpen bullpen = Bullpen.connect("redis://localhost:6379");
 *      BullpenServer server = BullpenServer.start(bullpen, ServerOptions.builder()
 *          .port(8080).apiToken(System.getenv("BULLPEN_API_TOKEN")).build())) {
 *   System.out.println("job page: " + server.jobPageUrl("videos", "42"));
 *   ...
 * }
 * }</pre>
 *
 * <h2>Endpoints</h2>
 * <ul>
 *   <li>{@code GET /api/queues}, {@code GET /api/queues/{queue}}: counts and paused flag.
 *   <li>{@code POST /api/queues/{queue}/jobs}: add ({@code {"name", "data", "options"}}) → 201.
 *   <li>{@code GET /api/queues/{queue}/jobs?state=&start=&end=&order=}: a page of jobs.
 *   <li>{@code GET /api/queues/{queue}/jobs/{id}}: the job's view with {@code ETag};
 *       {@code If-None-Match} → 304; {@code ?waitForChange=30s} waits for a change (long poll).
 *   <li>{@code GET /api/queues/{queue}/jobs/{id}/events}: Server-Sent Events until it finishes.
 *   <li>{@code GET /api/queues/{queue}/jobs/{id}/logs}: the newest log rows.
 *   <li>{@code POST /api/queues/{queue}/jobs/{id}/retry}, {@code DELETE …/jobs/{id}}.
 *   <li>{@code GET /jobs/{queue}/{id}}: the job page a person watches.
 *   <li>{@code GET /health} (liveness), {@code GET /health/ready} (Redis and circuit breaker),
 *       {@code GET /api/status-cache} (status cache counters).
 *   <li>{@code GET /api/admin/queues/{queue}/performance} and {@code …/health}, {@code GET
 *       /api/admin/alerts}, {@code GET /api/admin/coordinator}: the {@link Coordinator}'s
 *       metrics, health, alerts and leader; {@code GET /metrics}: every meter, Prometheus text.
 * </ul>
 * Errors are {@code {"error": code, "message": text}} with the matching status code. Writes need
 * the API token (or open mode); see {@link ServerOptions}.
 */
public final class BullpenServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BullpenServer.class);
  private static final String PAGE_CSP = "default-src 'none'; script-src 'self'; style-src"
      + " 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
      + " frame-ancestors 'none'";

  private final JobStatusService status;
  private final boolean ownsStatus;
  private final JobStreams streams;
  private final Javalin app;
  private final ServerOptions opts;
  private final RouteTable routes;
  private final PrometheusMeterRegistry registry;
  private final Coordinator coordinator;
  private volatile ServerConnector connector;

  private BullpenServer(Bullpen bullpen, JobStatusService status, boolean ownsStatus,
      ServerOptions opts) {
    this.status = status;
    this.ownsStatus = ownsStatus;
    this.opts = opts;
    this.streams = new JobStreams(status, opts);
    WriteGuard guard = new WriteGuard(opts.apiToken(), opts.openMode());
    // Until per-role tokens exist, reads are open and every write needs the API token.
    this.routes = new RouteTable((ctx, role) -> {
      if (role.ordinal() >= Role.OPERATOR.ordinal()) {
        guard.check(ctx);
      }
    });
    JobRoutes jobs = new JobRoutes(bullpen, status, opts);
    QueueRoutes queues = new QueueRoutes(bullpen);
    HealthRoutes health = new HealthRoutes(bullpen, status);
    AdminRoutes admin = new AdminRoutes(bullpen, opts);
    String jobPage = resource("job.html");
    String index = resource("index.html");
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StatusCacheMeters.bind(registry, status);
    this.coordinator = opts.coordinator() == null ? null
        : Coordinator.start(bullpen, opts.coordinator(), registry);
    CoordinatorRoutes coord = new CoordinatorRoutes(coordinator, registry);
    admin.useCoordinator(coordinator);
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.http.maxRequestSize = opts.maxRequestBytes();
      cfg.http.generateEtags = false;
      cfg.jetty.addConnector((server, http) -> {
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        c.setHost(opts.host());
        c.setPort(opts.port());
        // Long polls and quiet event streams must outlive Jetty's default 30 s idle timeout.
        c.setIdleTimeout(Math.max(opts.maxLongPoll().toMillis(),
            opts.sseHeartbeat().toMillis()) + 30_000);
        connector = c;
        return c;
      });
      cfg.staticFiles.add(sf -> {
        sf.hostedPath = "/assets";
        sf.directory = "/dev/bullpen/server/static";
        sf.location = Location.CLASSPATH;
        sf.headers = Map.of("Cache-Control", "public, max-age=300",
            "X-Content-Type-Options", "nosniff");
      });
      cfg.router.mount(r -> {
        r.before(ctx -> {
          ctx.header("X-Content-Type-Options", "nosniff");
          ctx.header("Referrer-Policy", "no-referrer");
        });
        RouteTable t = routes;
        t.add(r, GET, "/health", Role.PUBLIC, health::live);
        t.add(r, GET, "/health/ready", Role.PUBLIC, health::ready);
        t.add(r, GET, "/api/status-cache", Role.VIEWER, health::counters);
        t.add(r, GET, "/api/admin/queues/{queue}/performance", Role.VIEWER, coord::performance);
        t.add(r, GET, "/api/admin/queues/{queue}/health", Role.VIEWER, coord::health);
        t.add(r, GET, "/api/admin/alerts", Role.VIEWER, coord::alerts);
        t.add(r, GET, "/api/admin/coordinator", Role.VIEWER, coord::status);
        t.add(r, GET, "/metrics", Role.VIEWER, coord::metrics);
        t.add(r, GET, "/api/queues", Role.VIEWER, queues::list);
        t.add(r, GET, "/api/queues/{queue}", Role.VIEWER, queues::get);
        t.add(r, GET, "/api/queues/{queue}/jobs", Role.VIEWER, jobs::list);
        t.add(r, POST, "/api/queues/{queue}/jobs", Role.OPERATOR, jobs::add);
        t.add(r, GET, "/api/queues/{queue}/jobs/{id}", Role.PUBLIC, jobs::get);
        t.add(r, DELETE, "/api/queues/{queue}/jobs/{id}", Role.OPERATOR, jobs::remove);
        t.add(r, GET, "/api/queues/{queue}/jobs/{id}/events", Role.PUBLIC, streams::handle);
        t.add(r, GET, "/api/queues/{queue}/jobs/{id}/logs", Role.PUBLIC, jobs::logs);
        t.add(r, POST, "/api/queues/{queue}/jobs/{id}/retry", Role.OPERATOR, jobs::retry);
        t.add(r, GET, "/jobs/{queue}/{id}", Role.PUBLIC, ctx -> page(ctx, jobPage, true));
        String aq = "/api/admin/queues/{queue}";
        t.add(r, GET, "/api/admin/queues", Role.VIEWER, admin::queues);
        t.add(r, GET, aq + "/stats", Role.VIEWER, admin::stats);
        t.add(r, GET, aq + "/timings", Role.VIEWER, admin::timings);
        t.add(r, GET, aq + "/jobs", Role.VIEWER, admin::jobs);
        t.add(r, GET, aq + "/jobs/{id}", Role.VIEWER, admin::job);
        t.add(r, POST, aq + "/jobs/{id}/retry", Role.OPERATOR, admin::retry);
        t.add(r, POST, aq + "/jobs/{id}/promote", Role.OPERATOR, admin::promote);
        t.add(r, DELETE, aq + "/jobs/{id}", Role.ADMIN, admin::remove);
        t.add(r, POST, aq + "/pause", Role.OPERATOR, admin::pause);
        t.add(r, POST, aq + "/resume", Role.OPERATOR, admin::resume);
        t.add(r, POST, aq + "/retry-failed", Role.ADMIN, admin::retryFailed);
        t.add(r, POST, aq + "/clean", Role.ADMIN, admin::clean);
        t.add(r, GET, aq + "/dead-letters", Role.VIEWER, admin::deadLetters);
        t.add(r, POST, aq + "/dead-letters/{id}/requeue", Role.OPERATOR, admin::requeueOne);
        t.add(r, POST, aq + "/dead-letters/requeue", Role.ADMIN, admin::requeueAll);
        t.add(r, GET, "/", Role.PUBLIC, ctx -> page(ctx, index, false));
      });
    });
    app.exception(HttpResponseException.class, (e, ctx) -> ServerErrors.write(ctx,
        new ApiError(e.getStatus(), e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(),
            e.getMessage())));
    app.exception(Exception.class, (e, ctx) -> ServerErrors.write(ctx,
        ServerErrors.toApiError(e)));
  }

  /**
   * Starts a server with its own {@link JobStatusService} (configured by
   * {@link ServerOptions#status()}), closed with the server.
   *
   * @throws IllegalStateException when the port is in use
   */
  public static BullpenServer start(Bullpen bullpen, ServerOptions options) {
    if (bullpen == null || options == null) {
      throw new IllegalArgumentException("bullpen and options must not be null");
    }
    return start(bullpen, JobStatusService.create(bullpen, options.status()), true, options);
  }

  /**
   * Starts a server on a status service the caller shares with others and closes itself.
   *
   * @throws IllegalStateException when the port is in use
   */
  public static BullpenServer start(Bullpen bullpen, JobStatusService status,
      ServerOptions options) {
    if (bullpen == null || status == null || options == null) {
      throw new IllegalArgumentException("bullpen, status and options must not be null");
    }
    return start(bullpen, status, false, options);
  }

  private static BullpenServer start(Bullpen bullpen, JobStatusService status, boolean owns,
      ServerOptions options) {
    BullpenServer s = new BullpenServer(bullpen, status, owns, options);
    try {
      s.app.start();
    } catch (JavalinBindException e) {
      s.close();
      throw new IllegalStateException("cannot listen on " + options.host() + ":"
          + options.port() + ": the port is in use", e);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    LOG.info("bullpen server listening on {} (writes: {})", s.url(), options.apiToken() != null
        ? "API token" : options.openMode() ? "OPEN to anyone" : "disabled");
    return s;
  }

  /** The port listened on (the chosen one when the options said 0). */
  public int port() {
    ServerConnector c = connector;
    return c == null ? -1 : c.getLocalPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080} (a wildcard host shows as 127.0.0.1). */
  public String url() {
    String host = opts.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** The URL of a job's page. */
  public String jobPageUrl(String queue, String jobId) {
    return url() + "/jobs/" + JobRoutes.enc(queue) + "/" + JobRoutes.enc(jobId);
  }

  /** Every route with the role it needs (for tests that walk all routes). */
  List<RouteTable.Route> routes() {
    return routes.routes();
  }

  /** The status service answering the job endpoints. */
  public JobStatusService statusService() {
    return status;
  }

  /** The server's coordinator (metrics, health, alerts, leader), or null when it runs none. */
  public Coordinator coordinator() {
    return coordinator;
  }

  /** The registry {@code /metrics} exports; add your own meters to it. */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Stops listening, closes event streams, the coordinator, and the status service if the server
   * made it.
   */
  @Override
  public void close() {
    streams.close();
    try {
      app.stop();
    } finally {
      if (coordinator != null) {
        coordinator.close();
      }
      if (ownsStatus) {
        status.close();
      }
    }
  }

  private static void page(Context ctx, String html, boolean jobPage) {
    if (jobPage) {
      Params.queue(ctx.pathParam("queue"));
      Params.jobId(ctx.pathParam("id"));
    }
    ctx.header("Content-Security-Policy", PAGE_CSP);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(html);
  }

  private static String resource(String name) {
    try (InputStream in = BullpenServer.class.getResourceAsStream("static/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/bullpen/server/static/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
