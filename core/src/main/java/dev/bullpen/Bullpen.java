package dev.bullpen;

import dev.bullpen.internal.RedisGateway;
import dev.bullpen.internal.ScriptLoader;
import dev.bullpen.internal.Scripts;
import dev.bullpen.spi.JobCodec;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bullpen client: one per process. It owns the Redis connections, the script cache and the
 * clock, and hands out cheap handles: {@link Queue}, {@link Worker}, {@link QueueEvents}.
 *
 * <pre>{@code
 * try (Bullpen bullpen = Bullpen.connect("redis://localhost:6379")) {
 *   Queue<Map<String, Object>> q = bullpen.queue("emails");
 *   q.add("welcome", Map.of("to", "ada@example.com"));
 *   bullpen.worker("emails", Map.class, job -> send(job.data()),
 *       WorkerOptions.builder().concurrency(10).build());
 * }
 * }</pre>
 *
 * The data layout is BullMQ v6's (prefix {@code bull} by default), so BullMQ clients in Node,
 * Python and other languages share queues with Bullpen. Closing the client closes every worker
 * and events reader made from it, then the connections.
 */
public final class Bullpen implements AutoCloseable {
  /** BullMQ's default key prefix. */
  public static final String DEFAULT_PREFIX = "bull";
  /** Default limit for every ordinary Redis call. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** Default limit on one job's JSON data. */
  public static final int DEFAULT_MAX_DATA_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(Bullpen.class);

  private final String prefix;
  private final Clock clock;
  private final JobCodec codec;
  private final int maxDataBytes;
  private final RedisGateway gateway;
  private final Scripts scripts;
  private final List<AutoCloseable> handles = new CopyOnWriteArrayList<>();

  private Bullpen(Builder b) {
    this.prefix = b.prefix;
    this.clock = b.clock;
    this.codec = b.codec;
    this.maxDataBytes = b.maxDataBytes;
    this.scripts = new Scripts(new ScriptLoader());
    this.gateway = new RedisGateway(b.uri, b.commandTimeout);
    if (b.checkServer) {
      ServerCheck.warnAboutServer(gateway, LOG);
    }
  }

  /** Connects to a {@code redis://} or {@code rediss://} URI (user and password allowed). */
  public static Bullpen connect(String redisUri) {
    return builder().uri(redisUri).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A handle on a queue whose data decodes as maps, lists and plain values. */
  public Queue<Object> queue(String name) {
    return queue(name, Object.class);
  }

  /** A handle on a queue whose data decodes as {@code dataType}. */
  public <D> Queue<D> queue(String name, Class<D> dataType) {
    return new Queue<>(new QueueContext(this, name), dataType);
  }

  /** A handle on a queue whose data decodes as a generic type. */
  public <D> Queue<D> queue(String name, Type dataType) {
    return new Queue<>(new QueueContext(this, name), dataType);
  }

  /** Starts a worker with default options (concurrency 1). */
  public <D> Worker<D> worker(String queue, Class<D> dataType, JobHandler<D, ?> handler) {
    return worker(queue, dataType, handler, WorkerOptions.DEFAULT);
  }

  /** Starts a worker (unless {@link WorkerOptions#autorun()} is false). */
  public <D> Worker<D> worker(String queue, Class<D> dataType, JobHandler<D, ?> handler,
      WorkerOptions options) {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    Worker<D> w = new Worker<>(new QueueContext(this, queue), dataType, handler, options);
    handles.add(w);
    if (options.autorun()) {
      w.start();
    }
    return w;
  }

  /** Starts reading a queue's events from now on. */
  public QueueEvents queueEvents(String queue) {
    return queueEvents(queue, null);
  }

  /**
   * Starts reading a queue's events after {@code lastEventId} (a stream id; "0" = from the
   * oldest kept event; null = from now on).
   */
  public QueueEvents queueEvents(String queue, String lastEventId) {
    QueueEvents e = new QueueEvents(new QueueContext(this, queue), lastEventId);
    handles.add(e);
    return e;
  }

  /** The key prefix ({@code bull} unless configured). */
  public String prefix() {
    return prefix;
  }

  /** The clock all timestamps come from. */
  public Clock clock() {
    return clock;
  }

  /**
   * Redis commands this client has sent so far (a script call counts once; a pipelined batch
   * counts each command). For cost measurements such as top-level commands per job.
   */
  public long commandsSent() {
    return gateway.calls();
  }

  JobCodec codec() {
    return codec;
  }

  int maxDataBytes() {
    return maxDataBytes;
  }

  RedisGateway gateway() {
    return gateway;
  }

  Scripts scripts() {
    return scripts;
  }

  void forget(AutoCloseable handle) {
    handles.remove(handle);
  }

  /** Closes every worker (gracefully) and events reader made from this client, then Redis. */
  @Override
  public void close() {
    for (AutoCloseable h : handles) {
      try {
        h.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", h, e);
      }
    }
    handles.clear();
    gateway.close();
  }

  /** Configures a {@link Bullpen}; each setter validates at once. */
  public static final class Builder {
    private String uri = defaultUri();
    private String prefix = DEFAULT_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private JobCodec codec = new JacksonJobCodec();
    private int maxDataBytes = DEFAULT_MAX_DATA_BYTES;
    private boolean checkServer = true;

    private Builder() {}

    private static String defaultUri() {
      String env = System.getenv("BULLPEN_REDIS_URL");
      return env == null || env.isBlank() ? "redis://127.0.0.1:6379" : env;
    }

    /** {@code redis://[user:password@]host:port[/db]} or {@code rediss://} for TLS. */
    public Builder uri(String uri) {
      if (uri == null || !(uri.startsWith("redis://") || uri.startsWith("rediss://")
          || uri.startsWith("redis-socket://"))) {
        throw new IllegalArgumentException("uri must start with redis:// or rediss://, got "
            + (uri == null ? "null" : "'" + uri.replaceAll("//[^@/]*@", "//***@") + "'"));
      }
      this.uri = uri;
      return this;
    }

    /** The key prefix (BullMQ's {@code prefix} option); no ':' allowed. */
    public Builder prefix(String prefix) {
      if (prefix == null || prefix.isEmpty() || prefix.indexOf(':') >= 0) {
        throw new IllegalArgumentException("prefix must be non-empty without ':', got '"
            + prefix + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /** Limit of every ordinary Redis call; blocking reads have their own watchdog. */
    public Builder commandTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 1) {
        throw new IllegalArgumentException("commandTimeout must be at least 1 ms, got "
            + timeout);
      }
      this.commandTimeout = timeout;
      return this;
    }

    /** The clock for every timestamp written to Redis (tests move a fake one). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The codec for data, return values and progress (Jackson by default). */
    public Builder codec(JobCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Largest job data accepted, in bytes of JSON. */
    public Builder maxDataBytes(int bytes) {
      if (bytes < 2) {
        throw new IllegalArgumentException("maxDataBytes must be at least 2, got " + bytes);
      }
      this.maxDataBytes = bytes;
      return this;
    }

    /** Whether to check the server's version and eviction policy at connect (default true). */
    public Builder checkServer(boolean check) {
      this.checkServer = check;
      return this;
    }

    /** Connects. @throws RedisUnavailableException when Redis cannot be reached */
    public Bullpen build() {
      return new Bullpen(this);
    }
  }
}
