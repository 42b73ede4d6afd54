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
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 *          .port(8080).tokens(System.getenv("BULLPEN_TOKENS"))
 *          .jobTokenSecret(System.getenv("BULLPEN_JOB_TOKEN_SECRET")).build())) {
 *   // a link for the person waiting for job 42: no role token needed
 *   System.out.println("job page: " + server.signedJobUrl("videos", "42", Duration.ofDays(1)));
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
 *   <li>{@code GET /api/queues/{queue}/jobs/{id}/events-url}: a short-lived signed URL of the
 *       event stream, for pages (EventSource cannot send an Authorization header).
 *   <li>{@code GET /api/queues/{queue}/jobs/{id}/logs}: the newest log rows.
 *   <li>{@code POST /api/queues/{queue}/jobs/{id}/retry}, {@code DELETE …/jobs/{id}}.
 *   <li>{@code GET /jobs/{queue}/{id}}: the job page a person watches.
 *   <li>{@code GET /dashboard}: the operators' dashboard (queues, jobs, Redis), a static page
 *       on the admin API; its API calls carry the token typed into the page.
 *   <li>{@code GET /health} (liveness), {@code GET /health/ready} (Redis and circuit breaker),
 *       {@code GET /api/status-cache} (status cache counters).
 *   <li>{@code GET /api/admin/queues/{queue}/performance} and {@code …/health}, {@code GET
 *       /api/admin/alerts}, {@code GET /api/admin/coordinator}: the {@link Coordinator}'s
 *       metrics, health, alerts and leader; {@code GET /metrics}: every meter, Prometheus text.
 * </ul>
 * Errors are {@code {"error": code, "message": text}} with the matching status code.
 *
 * <h2>Security</h2>
 * Every route declares a {@link Role}; requests carry {@code Authorization: Bearer <token>} of a
 * configured token, or a signed job token ({@link #signedJobUrl}, {@link JobTokens}) for one
 * job's status, page, logs and events. A server without tokens refuses to start unless in open
 * mode, which binds to loopback only. Requests from other sites' pages are refused (CSRF);
 * every answer has security headers (CSP with {@code frame-ancestors 'none'},
 * {@code X-Frame-Options: DENY}, {@code nosniff}, {@code Referrer-Policy: no-referrer}); rate
 * limits per client IP and token answer 429; actions on operator and admin routes are audited
 * (logger {@code dev.bullpen.audit}). See {@link ServerOptions}.
 */
public final class BullpenServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BullpenServer.class);

  private final JobStatusService status;
  private final boolean ownsStatus;
  private final JobStreams streams;
  private final Javalin app;
  private final ServerOptions opts;
  private final RouteTable routes;
  private final PrometheusMeterRegistry registry;
  private final Coordinator coordinator;
  private final RedisRoutes redis;
  private final JobTokens jobTokens;
  private final JobRoutes jobRoutes;
  private volatile ServerConnector connector;

  private BullpenServer(Bullpen bullpen, JobStatusService status, boolean ownsStatus,
      ServerOptions opts) {
    this.status = status;
    this.ownsStatus = ownsStatus;
    this.opts = opts;
    this.streams = new JobStreams(status, opts);
    byte[] secret = opts.jobTokenSecret();
    if (secret == null) {
      LOG.warn("no job token secret configured (ServerOptions.jobTokenSecret,"
          + " BULLPEN_JOB_TOKEN_SECRET): using a random one, so signed job links stop working"
          + " when this server restarts and are not accepted by other servers");
      secret = JobTokens.randomSecret();
    }
    this.jobTokens = JobTokens.of(secret);
    this.routes = new RouteTable(new AccessControl(opts, jobTokens));
    JobRoutes jobs = new JobRoutes(bullpen, status, opts, jobTokens);
    this.jobRoutes = jobs;
    QueueRoutes queues = new QueueRoutes(bullpen);
    HealthRoutes health = new HealthRoutes(bullpen, status);
    AdminRoutes admin = new AdminRoutes(bullpen, opts);
    this.redis = new RedisRoutes(bullpen, status);
    String jobPage = resource("job.html");
    String index = resource("index.html");
    String dashboard = DashboardPage.html();
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StatusCacheMeters.bind(registry, status);
    this.coordinator = opts.coordinator() == null ? null
        : Coordinator.start(bullpen, opts.coordinator(), registry);
    redis.monitor().bindTo(registry);
    CoordinatorRoutes coord = new CoordinatorRoutes(coordinator, registry,
        () -> redis.monitor().alerts());
    admin.useCoordinator(coordinator);
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.http.maxRequestSize = opts.maxRequestBytes();
      cfg.http.generateEtags = false;
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      cfg.jetty.modifyServletContextHandler(h -> h.setErrorHandler(new JsonErrorHandler()));
      cfg.jetty.addConnector((server, http) -> {
        http.setRequestHeaderSize(opts.maxRequestHeaderBytes());
        http.setSendServerVersion(false);
        // Security headers on every answer, including static files and errors.
        http.addCustomizer((conn, conf, request) -> SecurityHeaders.apply(request.getResponse()));
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        c.setHost(opts.host());
        c.setPort(opts.port());
        // Long polls and quiet event streams must outlive Jetty's default 30 s idle timeout.
        c.setIdleTimeout(Math.max(opts.maxLongPoll().toMillis(),
            opts.sseHeartbeat().toMillis()) + 30_000);
        connector = c;
        return c;
      });
      // The dashboard's chart library (uPlot) from its WebJar, under /webjars/uplot/<version>/.
      cfg.staticFiles.enableWebjars();
      cfg.staticFiles.add(sf -> {
        sf.hostedPath = "/assets";
        sf.directory = "/dev/bullpen/server/static";
        sf.location = Location.CLASSPATH;
        sf.headers = Map.of("Cache-Control", "public, max-age=300");
      });
      cfg.router.mount(r -> {
        RouteTable t = routes;
        t.add(r, GET, "/health", Role.ANONYMOUS, health::live);
        t.add(r, GET, "/health/ready", Role.ANONYMOUS, health::ready);
        t.add(r, GET, "/api/status-cache", Role.VIEWER, health::counters);
        t.add(r, GET, "/dashboard", Role.ANONYMOUS, ctx -> page(ctx, dashboard, false));
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
        t.add(r, GET, "/api/queues/{queue}/jobs/{id}/events-url", Role.PUBLIC,
            jobs::eventsUrl);
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
        t.add(r, GET, "/api/admin/redis", Role.ADMIN, redis::report);
        t.add(r, GET, "/", Role.ANONYMOUS, ctx -> page(ctx, index, false));
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
   * @throws IllegalArgumentException when the options give no credentials (no tokens and not
   *     open mode), or open mode on an address that is not loopback
   * @throws IllegalStateException when the port is in use
   */
  public static BullpenServer start(Bullpen bullpen, ServerOptions options) {
    if (bullpen == null || options == null) {
      throw new IllegalArgumentException("bullpen and options must not be null");
    }
    checkOptions(options);
    return start(bullpen, JobStatusService.create(bullpen, options.status()), true, options);
  }

  /**
   * Starts a server on a status service the caller shares with others and closes itself.
   *
   * @throws IllegalArgumentException when the options give no credentials, or open mode on an
   *     address that is not loopback
   * @throws IllegalStateException when the port is in use
   */
  public static BullpenServer start(Bullpen bullpen, JobStatusService status,
      ServerOptions options) {
    if (bullpen == null || status == null || options == null) {
      throw new IllegalArgumentException("bullpen, status and options must not be null");
    }
    checkOptions(options);
    return start(bullpen, status, false, options);
  }

  /**
   * Checks what {@link #start} checks before listening: the options give credentials (tokens),
   * or open mode on a loopback address.
   *
   * @throws IllegalArgumentException naming what is missing
   */
  public static void checkOptions(ServerOptions o) {
    if (o.openMode()) {
      if (!isLoopback(o.host())) {
        throw new IllegalArgumentException("open mode lets anyone do anything, so it listens on"
            + " a loopback address only (127.0.0.1, ::1 or localhost), got host " + o.host()
            + "; configure tokens to listen on other addresses");
      }
    } else if (!o.hasTokens()) {
      throw new IllegalArgumentException("refusing to start without credentials: configure"
          + " bearer tokens (ServerOptions.token/tokens, BULLPEN_TOKENS, --grant; make one with"
          + " 'bullpen token'), or choose open mode for a demo on this machine");
    }
  }

  static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(h)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
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
    s.redis.checkAtStartup();
    if (options.openMode()) {
      LOG.warn("\n**************************************************************************"
          + "\n*  OPEN MODE: anyone who can reach {} may read and change every queue."
          + "\n*  For demos on this machine only; configure tokens for anything else."
          + "\n**************************************************************************",
          s.url());
    } else {
      LOG.info("bullpen server listening on {} (tokens: {})", s.url(), options.tokenNames());
    }
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

  /** The URL of a job's page (without a token: for role-token holders and open mode). */
  public String jobPageUrl(String queue, String jobId) {
    return url() + "/jobs/" + JobRoutes.enc(queue) + "/" + JobRoutes.enc(jobId);
  }

  /**
   * The URL of a job's page with a signed token valid for {@code ttl}: a link for an end user
   * who may see this job only, with no role token. The page carries the token into its status,
   * log and event-stream requests.
   */
  public String signedJobUrl(String queue, String jobId, Duration ttl) {
    return jobPageUrl(queue, jobId) + "?token=" + jobTokens.mint(queue, jobId, ttl);
  }

  /** The signer of this server's job tokens (to mint tokens for links made elsewhere). */
  public JobTokens jobTokens() {
    return jobTokens;
  }

  /** Every route with the role it needs (for tests that walk all routes). */
  List<RouteTable.Route> routes() {
    return routes.routes();
  }

  /**
   * The monitor behind {@code GET /api/admin/redis}: Redis figures, alerts and doctor findings,
   * cached (bind it to a meter registry for the {@code bullpen.redis.*} meters).
   */
  public dev.bullpen.admin.RedisMonitor redisMonitor() {
    return redis.monitor();
  }

  /** Long polls waiting now (for tests of the cap). */
  int waitingLongPolls() {
    return jobRoutes.waitingLongPolls();
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
    ctx.header("Cache-Control", AccessControl.authenticated(ctx) ? "private, no-cache"
        : "no-cache");
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(html);
  }

  static String resource(String name) {
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
