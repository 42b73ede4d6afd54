package dev.bullpen;

import dev.bullpen.internal.RedisGateway;
import dev.bullpen.internal.RedisTarget;
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
 *
 * <p>The same API runs on one server, on a master managed by Sentinel
 * ({@code redis-sentinel://host:26379,host2:26379#mymaster}) and on a Redis Cluster
 * ({@code redis-cluster://host:7000,host2:7001}); see {@link Builder#uri(String)}. On a Cluster
 * each queue lives in one hash slot, so queue names carry a hash tag ({@code {video}}): a
 * cluster adds capacity across queues, not within one. After a failover the client follows the
 * new master by itself; calls made meanwhile fail with {@link RedisUnavailableException} after
 * the command timeout, while workers and events readers retry on their own. Redis replicates
 * asynchronously, so a job whose add returned can still be lost in a failover unless
 * {@link Builder#durableAdd durable adds} are on.
 *
 * <p>At connect the client checks the server: it refuses a {@code maxmemory-policy} other than
 * {@code noeviction} ({@link UnsafeRedisConfigException}, unless
 * {@link Builder#tolerateEvictionPolicy tolerated}), and while connected it watches for a loss of
 * Redis data such as a restart without persistence ({@link #redisDataLost()}, logged as an
 * ERROR). {@link #redisAlerts()} reports both for health checks. Credentials come from the URI
 * ({@code redis://user:password@host:port}) and never appear in messages or logs; TLS
 * ({@code rediss://}) trusts the JDK's CAs or the ones given by {@link Builder#caCertificate}.
 * The least-privilege ACL rule set Bullpen needs is in {@code docs/redis-acl.md}.
 */
public final class Bullpen implements AutoCloseable {
  /** BullMQ's default key prefix. */
  public static final String DEFAULT_PREFIX = "bull";
  /** Default limit for every ordinary Redis call. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /**
   * Default period of the check for a loss of Redis data ({@link #redisDataLost()}); it also
   * runs shortly after every reconnect, which is how a restart or failover shows.
   */
  public static final Duration DEFAULT_DATA_LOSS_CHECK_INTERVAL = Duration.ofSeconds(60);
  /** Default limit on one job's JSON data. */
  public static final int DEFAULT_MAX_DATA_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(Bullpen.class);

  static {
    dev.bullpen.internal.ClientAccess.install(b -> b.gateway);
  }

  private final String prefix;
  private final Clock clock;
  private final JobCodec codec;
  private final int maxDataBytes;
  private final int durableReplicas;
  private final Duration durableTimeout;
  private final RedisGateway gateway;
  private final Scripts scripts;
  private final String evictingPolicy;
  private final java.time.Instant connectedAt;
  private final DataLossDetector dataLoss;
  private final List<AutoCloseable> handles = new CopyOnWriteArrayList<>();

  private Bullpen(Builder b) {
    this.prefix = b.prefix;
    this.clock = b.clock;
    this.codec = b.codec;
    this.maxDataBytes = b.maxDataBytes;
    this.durableReplicas = b.durableReplicas;
    this.durableTimeout = b.durableTimeout;
    this.scripts = new Scripts(new ScriptLoader());
    RedisTarget target = b.target();
    if (b.trust != null) {
      target = target.withTrust(b.trust);
    }
    this.gateway = new RedisGateway(target, b.commandTimeout,
        b.durableReplicas > 0 ? b.durableTimeout : null);
    this.connectedAt = clock.instant();
    try {
      this.evictingPolicy = b.checkServer
          ? ServerCheck.checkServer(gateway, LOG, b.tolerateEviction) : null;
      this.dataLoss = b.checkServer && !b.dataLossCheckInterval.isZero()
          ? new DataLossDetector(gateway, prefix, clock, b.dataLossCheckInterval) : null;
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  /**
   * Connects to a single server ({@code redis://}, {@code rediss://}), a Sentinel-managed master
   * ({@code redis-sentinel://host:port,host:port#masterName}) or a Redis Cluster
   * ({@code redis-cluster://host:port,host:port}); see {@link Builder#uri(String)}.
   */
  public static Bullpen connect(String redisUri) {
    return builder().uri(redisUri).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A handle on a queue whose data decodes as maps, lists and plain values.
   *
   * <p>Queue names are non-empty, without ':' (BullMQ's rule). On a Redis Cluster a queue name
   * must also carry a hash tag, e.g. {@code {video}} or {@code {video}-renders}, so that all of
   * the queue's keys land in one slot; names without one are refused with an
   * {@link IllegalArgumentException}. One queue lives on one shard: a cluster adds capacity
   * across queues with different tags, not within one queue.
   */
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

  /**
   * Sends PING and returns the round trip.
   *
   * @throws RedisUnavailableException when Redis does not answer within the command timeout
   */
  public Duration ping() {
    long start = System.nanoTime();
    gateway.call("ping", r -> r.ping());
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Names of the queues that have data under this client's prefix, sorted: every queue with a
   * {@code meta} or {@code id} key, as BullMQ dashboards find them. Scans the keyspace (SCAN,
   * not KEYS), so its cost grows with the number of keys: for admin pages, not hot paths.
   */
  public List<String> queueNames() {
    java.util.SortedSet<String> names = new java.util.TreeSet<>();
    for (String suffix : new String[] {":meta", ":id"}) {
      String pattern = prefix + ":*" + suffix;
      gateway.call("list queues", r -> {
        io.lettuce.core.ScanArgs args = io.lettuce.core.ScanArgs.Builder.matches(pattern)
            .limit(1000);
        io.lettuce.core.KeyScanCursor<String> cursor = r.scan(args);
        while (true) {
          for (String key : cursor.getKeys()) {
            String name = key.substring(prefix.length() + 1, key.length() - suffix.length());
            if (!name.isEmpty() && name.indexOf(':') < 0) {
              names.add(name);
            }
          }
          if (cursor.isFinished()) {
            return null;
          }
          cursor = r.scan(cursor, args);
        }
      });
    }
    return List.copyOf(names);
  }

  /**
   * Whether this client noticed that Redis lost data it had seen: its marker key vanished, as
   * after a restart without persistence, a failover to a replica that lacked the data, a
   * FLUSHALL or an eviction. Each loss is also logged as an ERROR naming the server. Stays true
   * for the life of the client. Checked every {@link Builder#dataLossCheckInterval}; always
   * false when the check is off ({@code checkServer(false)} or a zero interval).
   */
  public boolean redisDataLost() {
    return dataLoss != null && dataLoss.losses() > 0;
  }

  /** How many losses of Redis data this client noticed (see {@link #redisDataLost()}). */
  public long redisDataLosses() {
    return dataLoss == null ? 0 : dataLoss.losses();
  }

  /**
   * The evicting {@code maxmemory-policy} this client runs on because it was told to tolerate it
   * ({@link Builder#tolerateEvictionPolicy}), or empty when Redis has {@code noeviction} (or the
   * check was off).
   */
  public java.util.Optional<String> evictingPolicy() {
    return java.util.Optional.ofNullable(evictingPolicy);
  }

  /**
   * Alerts about the Redis server this client noticed, for health reports: rule
   * {@code redis-data-lost} (critical) after a loss of Redis data, and
   * {@code redis-eviction-policy} (critical) while running on a tolerated evicting policy. The
   * subject is {@code "redis"}. Empty when all is well.
   */
  public List<dev.bullpen.admin.Alert> redisAlerts() {
    List<dev.bullpen.admin.Alert> out = new java.util.ArrayList<>();
    if (redisDataLost()) {
      out.add(new dev.bullpen.admin.Alert("redis-data-lost", "redis",
          dev.bullpen.admin.HealthLevel.CRITICAL, "Redis at " + gateway.target().describe()
          + " lost its data " + dataLoss.losses() + " time(s) while this client ran (restart"
          + " without persistence, failover, flush or eviction): accepted jobs may be gone."
          + " Run Redis with appendonly yes and maxmemory-policy noeviction.",
          dataLoss.losses(), 0, dataLoss.lastLoss()));
    }
    if (evictingPolicy != null) {
      out.add(new dev.bullpen.admin.Alert("redis-eviction-policy", "redis",
          dev.bullpen.admin.HealthLevel.CRITICAL, "Redis at " + gateway.target().describe()
          + " has maxmemory-policy '" + evictingPolicy + "': it may evict jobs under memory"
          + " pressure. Set maxmemory-policy noeviction.", Double.NaN, Double.NaN,
          connectedAt));
    }
    return out;
  }

  JobCodec codec() {
    return codec;
  }

  /**
   * Refuses, in a Redis Cluster, a queue whose keys would not all share one hash slot: BullMQ's
   * scripts build job keys inside Lua, so every key of a queue must carry the same hash tag.
   */
  void checkClusterName(String queue) {
    if (gateway.isCluster() && dev.bullpen.internal.Keys.hashTag(prefix, queue) == null) {
      String bare = queue.replace("{", "").replace("}", "");
      bare = bare.isEmpty() ? "video" : bare;
      throw new IllegalArgumentException("queue name '" + queue + "' has no hash tag, but this"
          + " client is connected to a Redis Cluster, where every key of a queue must hash to"
          + " one slot. Put a tag in braces in the name, e.g. '{" + bare + "}' or '{"
          + bare + "}-jobs' (queue names cannot contain ':'); queues with different tags are"
          + " spread over the cluster's masters. (A tagged prefix such as prefix(\"{bull}\")"
          + " works too, but puts every queue of the client in one slot.)");
    }
  }

  /** Replicas a durable add waits for; 0 when durable adds are off. */
  int durableReplicas() {
    return durableReplicas;
  }

  Duration durableTimeout() {
    return durableTimeout;
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
    if (dataLoss != null) {
      dataLoss.close();
    }
    gateway.close();
  }

  /** Configures a {@link Bullpen}; each setter validates at once. */
  public static final class Builder {
    private String uri = defaultUri();
    private RedisTarget target;
    private int durableReplicas;
    private Duration durableTimeout = Duration.ZERO;
    private String prefix = DEFAULT_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private JobCodec codec = new JacksonJobCodec();
    private int maxDataBytes = DEFAULT_MAX_DATA_BYTES;
    private boolean checkServer = true;
    private boolean tolerateEviction;
    private RedisTarget.Trust trust;
    private Duration dataLossCheckInterval = DEFAULT_DATA_LOSS_CHECK_INTERVAL;

    private Builder() {}

    private static String defaultUri() {
      String env = System.getenv("BULLPEN_REDIS_URL");
      return env == null || env.isBlank() ? "redis://127.0.0.1:6379" : env;
    }

    /**
     * Where Redis is, as a URI in one of three forms:
     *
     * <ul>
     *   <li>one server: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for
     *       TLS;
     *   <li>a master managed by Sentinel (Lettuce's format):
     *       {@code redis-sentinel://[password@]host:port[,host:port...][/db]#masterName}
     *       ({@code rediss-sentinel://} for TLS). The client asks the sentinels for the master
     *       and follows it after a failover;
     *   <li>a Redis Cluster: {@code redis-cluster://[user:password@]host:port[,host:port...]}
     *       ({@code rediss-cluster://} for TLS), the hosts being seed nodes (one reachable seed
     *       is enough). Queue names must then carry a hash tag, e.g. {@code {video}}: see
     *       {@link Bullpen#queue(String)}.
     * </ul>
     *
     * The default is {@code $BULLPEN_REDIS_URL}, else {@code redis://127.0.0.1:6379}.
     */
    public Builder uri(String uri) {
      this.target = RedisTarget.parse(uri);
      this.uri = uri;
      return this;
    }

    /**
     * Connects to a Redis Cluster through these seed nodes, each a {@code redis://} or
     * {@code rediss://} URI; the same as {@code uri("redis-cluster://host:port,host:port")}.
     */
    public Builder cluster(List<String> seedUris) {
      this.target = RedisTarget.cluster(seedUris);
      this.uri = target.toString();
      return this;
    }

    /**
     * Makes every {@code add} and {@code addBulk} wait until {@code replicas} replicas have
     * acknowledged the new jobs (Redis WAIT), at most {@code timeout}; off by default. Redis
     * replicates asynchronously, so without this a job whose add returned can be lost if the
     * master dies before its replicas received it and a replica is promoted (Sentinel or
     * Cluster failover). When fewer replicas acknowledge in time, the add throws
     * {@link NotReplicatedException}: the job is stored on the master but not yet replicated.
     * Each add then costs one more round trip (WAIT returns as soon as the replicas
     * acknowledged, typically well under a millisecond on a LAN).
     */
    public Builder durableAdd(int replicas, Duration timeout) {
      if (replicas < 1) {
        throw new IllegalArgumentException("durableAdd replicas must be at least 1, got "
            + replicas);
      }
      if (timeout == null || timeout.toMillis() < 1) {
        throw new IllegalArgumentException("durableAdd timeout must be at least 1 ms, got "
            + timeout);
      }
      this.durableReplicas = replicas;
      this.durableTimeout = timeout;
      return this;
    }

    RedisTarget target() {
      return target != null ? target : RedisTarget.parse(uri);
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

    /**
     * Whether to check the server at connect (version, {@code maxmemory-policy}) and watch it
     * for a loss of data while connected (default true). Off, none of this happens: no refusal
     * of an evicting policy, no marker key, {@link Bullpen#redisDataLost()} stays false.
     */
    public Builder checkServer(boolean check) {
      this.checkServer = check;
      return this;
    }

    /**
     * Whether to start on a Redis whose {@code maxmemory-policy} is not {@code noeviction}
     * (default false: {@link #build()} throws {@link UnsafeRedisConfigException}). Under an
     * evicting policy Redis deletes keys when memory runs short, including jobs whose add
     * returned. Tolerated, the client logs an ERROR at connect and reports the policy in
     * {@link Bullpen#evictingPolicy()} and {@link Bullpen#redisAlerts()} (critical).
     */
    public Builder tolerateEvictionPolicy(boolean tolerate) {
      this.tolerateEviction = tolerate;
      return this;
    }

    /**
     * How often the client checks that Redis still holds its marker key, to notice a loss of
     * Redis data ({@link Bullpen#redisDataLost()}); default
     * {@link Bullpen#DEFAULT_DATA_LOSS_CHECK_INTERVAL} (5 s), {@link Duration#ZERO} turns the check off. Each
     * check is one GET.
     */
    public Builder dataLossCheckInterval(Duration interval) {
      if (interval == null || interval.isNegative()
          || (!interval.isZero() && interval.toMillis() < 10)) {
        throw new IllegalArgumentException("dataLossCheckInterval must be zero (off) or at"
            + " least 10 ms, got " + interval);
      }
      this.dataLossCheckInterval = interval;
      return this;
    }

    /**
     * Trusts the CA certificates in this PEM file for TLS ({@code rediss://}) instead of the
     * JDK's default trust store, e.g. a private CA that signed the Redis server's certificate.
     * The server's certificate must also name the host of the URI (hostname verification stays
     * on).
     *
     * @throws IllegalArgumentException when the file is not readable
     */
    public Builder caCertificate(java.nio.file.Path pemFile) {
      if (pemFile == null || !java.nio.file.Files.isReadable(pemFile)) {
        throw new IllegalArgumentException("caCertificate must be a readable PEM file, got "
            + pemFile);
      }
      this.trust = new RedisTarget.Trust(pemFile, null, null);
      return this;
    }

    /**
     * Trusts the certificates of this key store (JKS or PKCS#12) for TLS ({@code rediss://})
     * instead of the JDK's default trust store.
     *
     * @param password the store's password, or null when it has none
     * @throws IllegalArgumentException when the file is not readable
     */
    public Builder trustStore(java.nio.file.Path file, char[] password) {
      if (file == null || !java.nio.file.Files.isReadable(file)) {
        throw new IllegalArgumentException("trustStore must be a readable key store file, got "
            + file);
      }
      this.trust = new RedisTarget.Trust(null, file,
          password == null ? null : password.clone());
      return this;
    }

    /** Connects. @throws RedisUnavailableException when Redis cannot be reached */
    public Bullpen build() {
      return new Bullpen(this);
    }
  }
}
