package dev.bullpen.server;

import dev.bullpen.status.StatusOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link BullpenServer}. Immutable; {@link #DEFAULT} listens on all interfaces on
 * port 8080 and refuses every write (add, retry, delete) until an API token is set or
 * {@link Builder#openMode(boolean) open mode} is chosen.
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

  /** The bearer token writes need, or null. */
  public String apiToken() {
    return apiToken;
  }

  /** Whether writes are allowed without a token (local demos only). */
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
        + ", sseIdleTimeout=" + sseIdleTimeout + ", maxSseStreams=" + maxSseStreams + "}";
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

    /** Writes need {@code Authorization: Bearer <token>}; null for none. */
    public Builder apiToken(String token) {
      if (token != null && token.length() < 16) {
        throw new IllegalArgumentException("apiToken must be at least 16 characters, got "
            + token.length());
      }
      this.apiToken = token;
      return this;
    }

    /** Allows writes without a token: for a demo on a trusted machine, never in production. */
    public Builder openMode(boolean open) {
      this.openMode = open;
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

    private static Duration positive(String field, Duration d) {
      if (d == null || d.toMillis() < 1) {
        throw new IllegalArgumentException(field + " must be at least 1 ms, got " + d);
      }
      return d;
    }
  }
}
