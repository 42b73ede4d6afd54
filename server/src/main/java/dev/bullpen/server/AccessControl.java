package dev.bullpen.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use which route: the one {@link RouteTable.Access} of the server.
 *
 * <p>For every request, in this order: the client IP's rate limit; for any method but GET and
 * HEAD, the cross-site check (a request whose {@code Origin} is another site, or marked
 * {@code Sec-Fetch-Site: cross-site}, is refused, so a page elsewhere cannot make a visitor's
 * browser act: CSRF); the caller (a bearer token, checked against every configured hash in
 * constant time; a bearer token that matches none is 401 even where none is needed); that
 * token's rate limit; then the route's {@link Role}. {@link Role#PUBLIC} routes also take a
 * signed job token ({@code ?token=}) for the job in their path, and event streams a stream
 * token. Open mode makes an anonymous caller an admin named {@code open}.
 *
 * <p>Audit: {@link #audit} records actions on operator and admin routes, allowed or not.
 */
final class AccessControl implements RouteTable.Access {
  static final String CALLER = "bullpen.caller";
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.bullpen.audit");
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

  /** Who a request comes from: a token's name and role, {@code open}, or a job token. */
  record Caller(String name, Role role, boolean anonymous) {
    static final Caller NOBODY = new Caller("anonymous", null, true);
    static final Caller OPEN = new Caller("open", Role.ADMIN, true);
  }

  private final List<ServerOptions.Grant> grants;
  private final boolean open;
  private final JobTokens jobTokens;
  private final TokenBuckets perIp;
  private final TokenBuckets perToken;
  private final Consumer<AuditEvent> sink;
  private final boolean trustForwardedFor;

  AccessControl(ServerOptions opts, JobTokens jobTokens) {
    this.grants = opts.grants();
    this.open = opts.openMode();
    this.jobTokens = jobTokens;
    this.perIp = new TokenBuckets(opts.ipRatePerSecond(), opts.ipBurst(), System::nanoTime);
    this.perToken = new TokenBuckets(opts.tokenRatePerSecond(), opts.tokenBurst(),
        System::nanoTime);
    this.trustForwardedFor = opts.trustForwardedFor();
    this.sink = opts.auditSink() != null ? opts.auditSink()
        : e -> AUDIT.info("{}", e.toLogLine());
  }

  /** Whether the caller of this request gave credentials (so answers must not be shared). */
  static boolean authenticated(Context ctx) {
    Caller c = ctx.attribute(CALLER);
    return c != null && !c.anonymous();
  }

  @Override
  public void check(Context ctx, Role needed) {
    limit(perIp, "ip:" + clientIp(ctx), "this client");
    HandlerType m = ctx.method();
    if (m != HandlerType.GET && m != HandlerType.HEAD) {
      String site = ctx.header("Sec-Fetch-Site");
      String origin = ctx.header("Origin");
      if ("cross-site".equals(site) || (origin != null && !sameOrigin(origin, ctx.host())
          && !(trustForwardedFor && sameOrigin(origin, ctx.header("X-Forwarded-Host"))))) {
        throw ApiError.forbidden("requests from another site's pages are refused (CSRF): send"
            + " them from this server's pages or without an Origin header");
      }
    }
    Caller caller = bearer(ctx);
    if (caller == null) {
      caller = open ? Caller.OPEN : Caller.NOBODY;
    } else {
      limit(perToken, "token:" + caller.name(), "token " + caller.name());
    }
    ctx.attribute(CALLER, caller);
    if (needed == Role.ANONYMOUS || (caller.role() != null && caller.role().allows(needed))) {
      return;
    }
    if (needed == Role.PUBLIC && caller.role() == null) {
      jobToken(ctx);
      return;
    }
    if (caller.role() == null) {
      throw ApiError.unauthorized("this needs a bearer token of role " + needed.word()
          + " or higher: 'Authorization: Bearer <token>'");
    }
    throw ApiError.forbidden("token " + caller.name() + " has role " + caller.role().word()
        + "; this needs " + needed.word() + " or higher");
  }

  /** The caller named by an {@code Authorization: Bearer} header; 401 when it names none. */
  private Caller bearer(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth == null) {
      return null;
    }
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.length() > 1024) {
      throw ApiError.unauthorized("the Authorization header must be 'Bearer <token>'");
    }
    byte[] digest = ApiTokens.sha256(auth.substring(7).trim());
    ServerOptions.Grant found = null;
    for (ServerOptions.Grant g : grants) { // every hash compared: timing tells nothing
      if (MessageDigest.isEqual(digest, g.digest())) {
        found = g;
      }
    }
    if (found == null) {
      limit(perIp, "bad-token:" + clientIp(ctx), "this client");
      throw ApiError.unauthorized("the bearer token is not valid on this server");
    }
    return new Caller(found.name(), found.role(), false);
  }

  /** A public route without a role: needs {@code ?token=} signed for the job in the path. */
  private void jobToken(Context ctx) {
    Map<String, String> path = ctx.pathParamMap();
    String token = ctx.queryParam("token");
    String q = path.get("queue");
    String id = path.get("id");
    if (token == null || q == null || id == null) {
      throw ApiError.unauthorized("this needs a bearer token or the job's signed token"
          + " (?token=, as in the job page link)");
    }
    boolean stream = ctx.endpointHandlerPath().endsWith("/events");
    if (!jobTokens.verify(JobTokens.SCOPE_JOB, token, q, id)
        && !(stream && jobTokens.verify(JobTokens.SCOPE_STREAM, token, q, id))) {
      throw ApiError.unauthorized("the job token is not valid for this job or has expired");
    }
    Caller c = new Caller("job:" + q + "/" + id, null, false);
    ctx.attribute(CALLER, c);
    limit(perToken, "job:" + q + "\n" + id, "this job's token");
  }

  private static void limit(TokenBuckets buckets, String key, String who) {
    long wait = buckets.take(key);
    if (wait > 0) {
      throw ApiError.tooManyRequests("too many requests from " + who + "; retry in " + wait
          + " s", wait);
    }
  }

  @Override
  public void audit(Context ctx, int status) {
    Caller c = ctx.attribute(CALLER);
    if (c == null) {
      c = Caller.NOBODY;
    }
    AuditEvent e = new AuditEvent(Instant.now(), c.name(),
        c.role() == null ? "none" : c.role().word(), clientIp(ctx), ctx.method().name(), ctx.path(),
        status);
    try {
      sink.accept(e);
    } catch (RuntimeException ex) {
      LOG.warn("the audit sink failed for {}", e.toLogLine(), ex);
    }
  }

  /** The connection's address, or the last X-Forwarded-For hop when trusted. */
  String clientIp(Context ctx) {
    if (trustForwardedFor) {
      String xff = ctx.header("X-Forwarded-For");
      if (xff != null) {
        String last = xff.substring(xff.lastIndexOf(',') + 1).trim();
        if (!last.isEmpty() && last.length() <= 64) {
          return last;
        }
      }
    }
    return ctx.ip();
  }

  private static boolean sameOrigin(String origin, String host) {
    try {
      URI u = URI.create(origin);
      String authority = u.getRawAuthority();
      return authority != null && host != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
