package dev.bullpen.server;

import dev.bullpen.status.StatusOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Settings of a {@link BullpenServer}. Immutable.
 *
 * <p>Access: a server needs credentials, or it refuses to start. Give it bearer tokens, each with
 * a name and a {@link Role}, configured by their hashes ({@link #token}, {@link Builder#tokens},
 * {@link ApiTokens}); or choose {@link Builder#openMode(boolean) open mode}, where anyone may do
 * anything, which binds to loopback addresses only (for demos). Signed job tokens
 * ({@link JobTokens}) let end users read one job; their secret comes from
 * {@link Builder#jobTokenSecret} or is random per process.
 *
 * <p>Limits: request body and header size, JSON nesting depth, event streams and long polls open
 * at once, and token-bucket rate limits per client IP and per token; every limit has a
 * {@code DEFAULT_*} that a job page polling every few seconds never reaches.
 */
public final class ServerOptions {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  /** Largest request body accepted. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
  /** Longest {@code waitForChange} a client may ask for. */
  public static final Duration DEFAULT_MAX_LONG_POLL = Duration.ofSeconds(60);
  /** How often an event stream with nothing to say sends a comment line. */
  public static final Duration DEFAULT_SSE_HEARTBEAT = Duration.ofSeconds(15);
  /** An event stream without a change for this long is closed (browsers reconnect). */
  public static final Duration DEFAULT_SSE_IDLE_TIMEOUT = Duration.ofMinutes(10);
  /** Event streams open at once at most; more get 503. */
  public static final int DEFAULT_MAX_SSE_STREAMS = 10_000;
  /** Long polls ({@code waitForChange}) waiting at once at most; more get 503. */
  public static final int DEFAULT_MAX_LONG_POLLS = 10_000;
  /** Largest request line plus headers accepted (bigger: 431). */
  public static final int DEFAULT_MAX_REQUEST_HEADER_BYTES = 8 * 1024;
  /** Deepest nesting of arrays and objects in a request body. */
  public static final int DEFAULT_MAX_JSON_DEPTH = 64;
  /** Requests per second one client IP may sustain. */
  public static final double DEFAULT_IP_RATE_PER_SECOND = 50;
  /** Requests one client IP may make at once. */
  public static final int DEFAULT_IP_BURST = 200;
  /** Requests per second one token (role or job token) may sustain. */
  public static final double DEFAULT_TOKEN_RATE_PER_SECOND = 100;
  /** Requests one token may make at once. */
  public static final int DEFAULT_TOKEN_BURST = 500;
  /** Lifetime of the job tokens the server hands out with an added job. */
  public static final Duration DEFAULT_JOB_TOKEN_TTL = Duration.ofHours(24);
  /** Lifetime of the short event-stream URLs handed to job pages. */
  public static final Duration DEFAULT_STREAM_TOKEN_TTL = Duration.ofMinutes(2);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /**
   * The defaults: all interfaces, port 8080, no tokens; a server refuses to start with them
   * until tokens or open mode are added.
   */
  public static final ServerOptions DEFAULT = builder().build();

  private final String host;
  private final int port;
  private final String apiToken;
  private final boolean openMode;
  private final int maxRequestBytes;
  private final Duration maxLongPoll;
  private final Duration sseHeartbeat;
  private final Duration sseIdleTimeout;
  private final int maxSseStreams;
  private final StatusOptions status;
  private final dev.bullpen.admin.CoordinatorOptions coordinator;
  private final List<Grant> grants;
  private final byte[] jobTokenSecret;
  private final Duration jobTokenTtl;
  private final Duration streamTokenTtl;
  private final double ipRate;
  private final int ipBurst;
  private final double tokenRate;
  private final int tokenBurst;
  private final int maxLongPolls;
  private final int maxRequestHeaderBytes;
  private final int maxJsonDepth;
  private final Consumer<AuditEvent> auditSink;
  private final boolean trustForwardedFor;

  /** One configured token: its name, role and the SHA-256 of its text. */
  record Grant(String name, Role role, byte[] digest) {}

  private ServerOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.apiToken = b.apiToken;
    this.openMode = b.openMode;
    this.maxRequestBytes = b.maxRequestBytes;
    this.maxLongPoll = b.maxLongPoll;
    this.sseHeartbeat = b.sseHeartbeat;
    this.sseIdleTimeout = b.sseIdleTimeout;
    this.maxSseStreams = b.maxSseStreams;
    this.status = b.status;
    this.coordinator = b.coordinator;
    List<Grant> all = new ArrayList<>(b.grants);
    if (b.apiToken != null) {
      all.add(new Grant("api-token", Role.ADMIN, ApiTokens.sha256(b.apiToken)));
    }
    this.grants = List.copyOf(all);
    this.jobTokenSecret = b.jobTokenSecret;
    this.jobTokenTtl = b.jobTokenTtl;
    this.streamTokenTtl = b.streamTokenTtl;
    this.ipRate = b.ipRate;
    this.ipBurst = b.ipBurst;
    this.tokenRate = b.tokenRate;
    this.tokenBurst = b.tokenBurst;
    this.maxLongPolls = b.maxLongPolls;
    this.maxRequestHeaderBytes = b.maxRequestHeaderBytes;
    this.maxJsonDepth = b.maxJsonDepth;
    this.auditSink = b.auditSink;
    this.trustForwardedFor = b.trustForwardedFor;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.apiToken = apiToken;
    b.openMode = openMode;
    b.maxRequestBytes = maxRequestBytes;
    b.maxLongPoll = maxLongPoll;
    b.sseHeartbeat = sseHeartbeat;
    b.sseIdleTimeout = sseIdleTimeout;
    b.maxSseStreams = maxSseStreams;
    b.status = status;
    b.coordinator = coordinator;
    b.grants.addAll(grants.stream().filter(g -> apiToken == null
        || !g.name().equals("api-token")).toList());
    b.jobTokenSecret = jobTokenSecret;
    b.jobTokenTtl = jobTokenTtl;
    b.streamTokenTtl = streamTokenTtl;
    b.ipRate = ipRate;
    b.ipBurst = ipBurst;
    b.tokenRate = tokenRate;
    b.tokenBurst = tokenBurst;
    b.maxLongPolls = maxLongPolls;
    b.maxRequestHeaderBytes = maxRequestHeaderBytes;
    b.maxJsonDepth = maxJsonDepth;
    b.auditSink = auditSink;
    b.trustForwardedFor = trustForwardedFor;
    return b;
  }

  /** The interface to listen on. */
  public String host() {
    return host;
  }

  /** The TCP port; 0 picks a free one (see {@link BullpenServer#port()}). */
  public int port() {
    return port;
  }

  /** The admin bearer token set with {@link Builder#apiToken}, or null. */
  public String apiToken() {
    return apiToken;
  }

  /** Whether any bearer token is configured. */
  public boolean hasTokens() {
    return !grants.isEmpty();
  }

  /** The names and roles of the configured tokens, e.g. {@code ["ci:operator"]}. */
  public List<String> tokenNames() {
    return grants.stream().map(g -> g.name() + ":" + g.role().word()).toList();
  }

  List<Grant> grants() {
    return grants;
  }

  /** The job token secret, or null for a random one per process. */
  byte[] jobTokenSecret() {
    return jobTokenSecret == null ? null : jobTokenSecret.clone();
  }

  /** Lifetime of the job tokens returned with an added job. */
  public Duration jobTokenTtl() {
    return jobTokenTtl;
  }

  /** Lifetime of the short event-stream URLs. */
  public Duration streamTokenTtl() {
    return streamTokenTtl;
  }

  /** Requests per second per client IP; 0 when not limited. */
  public double ipRatePerSecond() {
    return ipRate;
  }

  /** Requests one client IP may make at once before the rate applies. */
  public int ipBurst() {
    return ipBurst;
  }

  /** Requests per second per token; 0 when not limited. */
  public double tokenRatePerSecond() {
    return tokenRate;
  }

  /** Requests one token may make at once before the rate applies. */
  public int tokenBurst() {
    return tokenBurst;
  }

  /** Long polls waiting at once at most; more are answered 503 with Retry-After. */
  public int maxLongPolls() {
    return maxLongPolls;
  }

  /** Largest request line plus headers; bigger requests are answered 431. */
  public int maxRequestHeaderBytes() {
    return maxRequestHeaderBytes;
  }

  /** Deepest nesting of arrays and objects accepted in a request body. */
  public int maxJsonDepth() {
    return maxJsonDepth;
  }

  /** Whether the client IP is the last address of {@code X-Forwarded-For}. */
  public boolean trustForwardedFor() {
    return trustForwardedFor;
  }

  /** Where audit events go; null for the {@code dev.bullpen.audit} logger. */
  public Consumer<AuditEvent> auditSink() {
    return auditSink;
  }

  /** Whether anyone may do anything without a token (loopback demos only). */
  public boolean openMode() {
    return openMode;
  }

  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  public Duration maxLongPoll() {
    return maxLongPoll;
  }

  public Duration sseHeartbeat() {
    return sseHeartbeat;
  }

  public Duration sseIdleTimeout() {
    return sseIdleTimeout;
  }

  public int maxSseStreams() {
    return maxSseStreams;
  }

  /** Settings of the job status cache behind the job endpoints. */
  public StatusOptions status() {
    return status;
  }

  /**
   * Settings of the server's {@link dev.bullpen.admin.Coordinator} (metrics, health, alerts,
   * leader maintenance), or null when the server runs none.
   */
  public dev.bullpen.admin.CoordinatorOptions coordinator() {
    return coordinator;
  }

  @Override
  public String toString() {
    return "ServerOptions{host=" + host + ", port=" + port + ", apiToken="
        + (apiToken == null ? "none" : "***") + ", openMode=" + openMode + ", maxRequestBytes="
        + maxRequestBytes + ", maxLongPoll=" + maxLongPoll + ", sseHeartbeat=" + sseHeartbeat
        + ", sseIdleTimeout=" + sseIdleTimeout + ", maxSseStreams=" + maxSseStreams
        + ", tokens=" + tokenNames() + ", jobTokenSecret=" + (jobTokenSecret == null ? "random"
        : "***") + ", maxLongPolls=" + maxLongPolls + ", ipRate=" + ipRate + "/" + ipBurst
        + ", tokenRate=" + tokenRate + "/" + tokenBurst + "}";
  }

  /** Builds {@link ServerOptions}; setters validate at once and name the field. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String apiToken;
    private boolean openMode;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private Duration maxLongPoll = DEFAULT_MAX_LONG_POLL;
    private Duration sseHeartbeat = DEFAULT_SSE_HEARTBEAT;
    private Duration sseIdleTimeout = DEFAULT_SSE_IDLE_TIMEOUT;
    private int maxSseStreams = DEFAULT_MAX_SSE_STREAMS;
    private StatusOptions status = StatusOptions.DEFAULT;
    private dev.bullpen.admin.CoordinatorOptions coordinator =
        dev.bullpen.admin.CoordinatorOptions.DEFAULT;
    private final List<Grant> grants = new ArrayList<>();
    private byte[] jobTokenSecret;
    private Duration jobTokenTtl = DEFAULT_JOB_TOKEN_TTL;
    private Duration streamTokenTtl = DEFAULT_STREAM_TOKEN_TTL;
    private double ipRate = DEFAULT_IP_RATE_PER_SECOND;
    private int ipBurst = DEFAULT_IP_BURST;
    private double tokenRate = DEFAULT_TOKEN_RATE_PER_SECOND;
    private int tokenBurst = DEFAULT_TOKEN_BURST;
    private int maxLongPolls = DEFAULT_MAX_LONG_POLLS;
    private int maxRequestHeaderBytes = DEFAULT_MAX_REQUEST_HEADER_BYTES;
    private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
    private Consumer<AuditEvent> auditSink;
    private boolean trustForwardedFor;

    private Builder() {}

    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be empty, got '" + host + "'");
      }
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * An admin token given in clear (kept for compatibility; prefer {@link #token} with a hash):
     * requests with {@code Authorization: Bearer <token>} may do anything. Null for none.
     */
    public Builder apiToken(String token) {
      if (token != null && token.length() < ApiTokens.MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException("apiToken must be at least 16 characters, got "
            + token.length());
      }
      this.apiToken = token;
      return this;
    }

    /**
     * Adds a bearer token by its hash.
     *
     * @param name who holds it, shown in the audit log: 1 to 64 of {@code A-Z a-z 0-9 _ . -}
     * @param role {@link Role#VIEWER}, {@link Role#OPERATOR} or {@link Role#ADMIN}
     * @param hash {@code sha256:<64 hex digits>} of the token ({@link ApiTokens#hash})
     */
    public Builder token(String name, Role role, String hash) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("token name must be 1 to 64 of A-Z a-z 0-9 _ . -,"
            + " got '" + name + "'");
      }
      if (name.equals("api-token") || name.equals("open") || name.equals("anonymous")) {
        throw new IllegalArgumentException("token name " + name + " is reserved");
      }
      if (role == null || !role.allows(Role.VIEWER)) {
        throw new IllegalArgumentException("token " + name + ": role must be viewer, operator"
            + " or admin, got " + role);
      }
      byte[] digest = ApiTokens.parseHash("token " + name + ": hash", hash);
      for (Grant g : grants) {
        if (g.name().equals(name)) {
          throw new IllegalArgumentException("token name " + name + " is given twice");
        }
        if (Arrays.equals(g.digest(), digest)) {
          throw new IllegalArgumentException("tokens " + g.name() + " and " + name
              + " have the same hash");
        }
      }
      grants.add(new Grant(name, role, digest));
      return this;
    }

    /**
     * Adds tokens from text such as the {@code BULLPEN_TOKENS} variable: entries
     * {@code NAME:ROLE:sha256:HEX} separated by commas or white space; null or blank adds none.
     */
    public Builder tokens(String spec) {
      if (spec == null || spec.isBlank()) {
        return this;
      }
      for (String entry : spec.trim().split("[,\\s]+")) {
        String[] p = entry.split(":", 3);
        if (p.length != 3) {
          throw new IllegalArgumentException("a token entry must look like"
              + " NAME:ROLE:sha256:HEX, got '" + (entry.length() > 30 ? entry.substring(0, 30)
              + "…" : entry) + "'");
        }
        token(p[0], Role.ofTokenWord(p[1]), p[2]);
      }
      return this;
    }

    /**
     * Allows anyone to do anything without a token: for a demo on one machine, never in
     * production. The server then listens on a loopback address only and logs a warning.
     */
    public Builder openMode(boolean open) {
      this.openMode = open;
      return this;
    }

    /**
     * The secret that signs job tokens, at least {@value JobTokens#MIN_SECRET_BYTES} bytes of
     * UTF-8; servers that share it accept each other's tokens. Null: a random secret per
     * process, so tokens stop working when the server restarts.
     */
    public Builder jobTokenSecret(String secret) {
      if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length
          < JobTokens.MIN_SECRET_BYTES) {
        throw new IllegalArgumentException("jobTokenSecret must be at least "
            + JobTokens.MIN_SECRET_BYTES + " bytes, got "
            + secret.getBytes(StandardCharsets.UTF_8).length);
      }
      this.jobTokenSecret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Lifetime of job tokens returned with an added job: 1 minute to 366 days. */
    public Builder jobTokenTtl(Duration ttl) {
      if (ttl == null || ttl.compareTo(Duration.ofMinutes(1)) < 0
          || ttl.compareTo(JobTokens.MAX_TTL) > 0) {
        throw new IllegalArgumentException("jobTokenTtl must be 1 minute to 366 days, got "
            + ttl);
      }
      this.jobTokenTtl = ttl;
      return this;
    }

    /** Lifetime of event-stream URLs: 5 seconds to 1 hour. */
    public Builder streamTokenTtl(Duration ttl) {
      if (ttl == null || ttl.compareTo(Duration.ofSeconds(5)) < 0
          || ttl.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("streamTokenTtl must be 5 s to 1 h, got " + ttl);
      }
      this.streamTokenTtl = ttl;
      return this;
    }

    /** Token bucket per client IP: {@code perSecond} sustained, {@code burst} at once; 0 = off. */
    public Builder ipRateLimit(double perSecond, int burst) {
      checkRate("ipRateLimit", perSecond, burst);
      this.ipRate = perSecond;
      this.ipBurst = burst;
      return this;
    }

    /** Token bucket per token (role or job token); 0 per second turns it off. */
    public Builder tokenRateLimit(double perSecond, int burst) {
      checkRate("tokenRateLimit", perSecond, burst);
      this.tokenRate = perSecond;
      this.tokenBurst = burst;
      return this;
    }

    /** Long polls waiting at once at most (at least 1); more get 503. */
    public Builder maxLongPolls(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxLongPolls must be at least 1, got " + n);
      }
      this.maxLongPolls = n;
      return this;
    }

    /** Largest request line plus headers: 1 KiB to 64 KiB. */
    public Builder maxRequestHeaderBytes(int bytes) {
      if (bytes < 1024 || bytes > 65536) {
        throw new IllegalArgumentException("maxRequestHeaderBytes must be 1024..65536, got "
            + bytes);
      }
      this.maxRequestHeaderBytes = bytes;
      return this;
    }

    /** Deepest nesting of request JSON: 2 to 1000. */
    public Builder maxJsonDepth(int depth) {
      if (depth < 2 || depth > 1000) {
        throw new IllegalArgumentException("maxJsonDepth must be 2..1000, got " + depth);
      }
      this.maxJsonDepth = depth;
      return this;
    }

    /**
     * Takes the client IP (for rate limits and the audit log) from the last address of the
     * {@code X-Forwarded-For} header, and accepts pages of the {@code X-Forwarded-Host} origin
     * as this site's: turn on only behind a reverse proxy that sets both, or clients can pick
     * their own address. Off by default: the connection's remote address and Host.
     */
    public Builder trustForwardedFor(boolean trust) {
      this.trustForwardedFor = trust;
      return this;
    }

    /**
     * Where audit events go instead of the {@code dev.bullpen.audit} logger. Called on request
     * threads: must be fast and must not throw (exceptions are logged and dropped).
     */
    public Builder auditSink(Consumer<AuditEvent> sink) {
      this.auditSink = sink;
      return this;
    }

    public Builder maxRequestBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxRequestBytes must be at least 1024, got " + bytes);
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    public Builder maxLongPoll(Duration d) {
      this.maxLongPoll = positive("maxLongPoll", d);
      return this;
    }

    public Builder sseHeartbeat(Duration d) {
      this.sseHeartbeat = positive("sseHeartbeat", d);
      return this;
    }

    public Builder sseIdleTimeout(Duration d) {
      this.sseIdleTimeout = positive("sseIdleTimeout", d);
      return this;
    }

    public Builder maxSseStreams(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxSseStreams must be at least 1, got " + n);
      }
      this.maxSseStreams = n;
      return this;
    }

    public Builder status(StatusOptions status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /**
     * Settings of the coordinator the server starts (default {@link
     * dev.bullpen.admin.CoordinatorOptions#DEFAULT}: it watches a queue from its first admin
     * request on, plus any queues named here); null runs none, and the coordinator routes answer
     * 503.
     */
    public Builder coordinator(dev.bullpen.admin.CoordinatorOptions coordinator) {
      this.coordinator = coordinator;
      return this;
    }

    public ServerOptions build() {
      return new ServerOptions(this);
    }

    private static void checkRate(String field, double perSecond, int burst) {
      if (!(perSecond >= 0) || perSecond > 1_000_000 || (perSecond > 0 && burst < 1)
          || burst < 0) {
        throw new IllegalArgumentException(field + " needs 0..1000000 per second and a burst of"
            + " at least 1, got " + perSecond + "/s burst " + burst);
      }
    }

    private static Duration positive(String field, Duration d) {
      if (d == null || d.toMillis() < 1) {
        throw new IllegalArgumentException(field + " must be at least 1 ms, got " + d);
      }
      return d;
    }
  }
}
