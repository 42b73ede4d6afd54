package dev.bullpen.internal;

import dev.bullpen.RedisUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The Lettuce clients and connections behind a {@link RedisGateway}, for one of the three
 * topologies ({@link RedisTarget.Kind}).
 *
 * <p>Implementation notes.
 *
 * <ul>
 *   <li><b>Shared connection.</b> Standalone and Sentinel use a {@link RedisClient} (for Sentinel
 *       Lettuce asks the sentinels for the master at every connect and reconnect), Cluster a
 *       {@link RedisClusterClient} that routes each command by its first key's slot and follows
 *       MOVED and ASK. Both command APIs are {@link RedisClusterCommands}, the type the gateway's
 *       callers see. Cluster topology is refreshed every {@value #REFRESH_PERIOD_S} s and at
 *       once on MOVED, ASK, repeated reconnects or an uncovered slot (adaptive triggers, at
 *       most one per second). Reconnect delays are capped at one second, so a client is back
 *       within about a second of the new master being reachable.
 *   <li><b>Blocking connections</b> (BZPOPMIN, XREAD BLOCK) are plain connections without
 *       auto-reconnect, opened on the node that serves the queue's slot (Cluster) or on the
 *       master (Sentinel), with the BullMQ client name in their URI so it is set on every
 *       connect. A broken connection fails its call at once; the loop opens a new one, which
 *       goes to the node serving the slot then. Connections whose node lost the slot in a
 *       topology change (Cluster) or after a {@code +switch-master} (Sentinel) are closed, so a
 *       loop blocked on a frozen or partitioned old master moves too.
 *   <li><b>Sentinel.</b> A pub/sub connection to one sentinel listens for
 *       {@code +switch-master}. When the master changes while the shared connection is still
 *       up (the old master froze or was demoted rather than died), the shared connection is
 *       replaced; a READONLY reply (a demoted master) does the same.
 *   <li><b>WAIT.</b> Durable adds run on a second connection so that a WAIT that has to time
 *       out never holds up other callers. Redis counts replica acknowledgements for the
 *       connection that sent the write, so in a Cluster the WAIT goes to the same node
 *       connection that the add was routed to (Lettuce keeps one connection per node and
 *       connection, looked up by host and port). WAIT has its own timeout: the command
 *       timeout plus its own.
 * </ul>
 */
final class RedisConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);
  static final int REFRESH_PERIOD_S = 30;

  /** One connection and its two command views (both topologies' APIs share these types). */
  record Conn(StatefulConnection<String, String> connection,
      RedisClusterCommands<String, String> sync, RedisClusterAsyncCommands<String, String> async) {
  }

  final RedisTarget target;
  private final Duration timeout;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisClusterClient clusterClient;
  private final RedisClient blockingClient;
  private final Set<BlockingConnection> blocking = ConcurrentHashMap.newKeySet();
  private final ExecutorService housekeeping = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "bullpen-topology");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong lastRefresh = new AtomicLong();
  private final AtomicLong lastReset = new AtomicLong();
  private volatile Conn shared;
  private volatile Conn durable;
  private volatile boolean closed;
  private Disposable topologyEvents;
  private final Disposable connectionEvents;
  private final java.util.List<Runnable> activationListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private StatefulRedisPubSubConnection<String, String> sentinelEvents;

  RedisConnections(RedisTarget target, Duration commandTimeout, Duration waitTimeout,
      CommandStats stats) {
    this.target = target;
    this.timeout = commandTimeout;
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
            TimeUnit.MILLISECONDS))
        .build();
    // Counts every TCP connection of this client (shared, durable, blocking, per-node, sentinel).
    this.connectionEvents = resources.eventBus().get().subscribe(e -> {
      if (e instanceof ConnectionActivatedEvent) {
        stats.connectionOpened();
        for (Runnable l : activationListeners) {
          l.run();
        }
      } else if (e instanceof ConnectionDeactivatedEvent) {
        stats.connectionClosed();
      }
    });
    SocketOptions socket = SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true)
        .build();
    long waitMs = commandTimeout.toMillis() + (waitTimeout == null ? 0 : waitTimeout.toMillis());
    TimeoutOptions timeouts = TimeoutOptions.builder().timeoutSource(
        new TimeoutOptions.TimeoutSource() {
          @Override
          public long getTimeout(RedisCommand<?, ?, ?> command) {
            return command.getType() == CommandType.WAIT ? waitMs : commandTimeout.toMillis();
          }
        }).build();
    io.lettuce.core.SslOptions ssl = sslOptions(target.trust());
    if (target.kind() == RedisTarget.Kind.CLUSTER) {
      this.client = null;
      this.clusterClient = RedisClusterClient.create(resources, target.seeds());
      clusterClient.setOptions(ClusterClientOptions.builder().autoReconnect(true)
          .socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl)
          .nodeFilter(n -> !(n.is(RedisClusterNode.NodeFlag.FAIL)
              || n.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
              || n.is(RedisClusterNode.NodeFlag.NOADDR)
              || n.is(RedisClusterNode.NodeFlag.HANDSHAKE)))
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
              .enablePeriodicRefresh(Duration.ofSeconds(REFRESH_PERIOD_S))
              .enableAllAdaptiveRefreshTriggers()
              .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
              .refreshTriggersReconnectAttempts(3)
              .build())
          .build());
    } else {
      this.clusterClient = null;
      RedisURI uri = target.uri();
      uri.setTimeout(commandTimeout);
      this.client = RedisClient.create(resources);
      client.setOptions(ClientOptions.builder().autoReconnect(true).socketOptions(socket)
          .timeoutOptions(timeouts).sslOptions(ssl).build());
    }
    this.blockingClient = RedisClient.create(resources);
    blockingClient.setOptions(ClientOptions.builder().autoReconnect(false).socketOptions(socket)
        .sslOptions(ssl)
        .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build()).build());
  }

  /** Lettuce's TLS options for a custom trust; the defaults (JDK trust store) when null. */
  private static io.lettuce.core.SslOptions sslOptions(RedisTarget.Trust trust) {
    io.lettuce.core.SslOptions.Builder b = io.lettuce.core.SslOptions.builder().jdkSslProvider();
    if (trust != null && trust.caCertificate() != null) {
      b.trustManager(trust.caCertificate().toFile());
    } else if (trust != null && trust.trustStore() != null) {
      b.truststore(io.lettuce.core.SslOptions.Resource.from(trust.trustStore().toFile()),
          trust.trustStorePassword());
    }
    return b.build();
  }

  /** Opens the shared connection and the topology listeners; throws Lettuce exceptions. */
  void connect() {
    shared = open();
    if (clusterClient != null) {
      topologyEvents = resources.eventBus().get()
          .filter(e -> e instanceof ClusterTopologyChangedEvent)
          .subscribe(e -> later(this::closeBlockingOnMovedSlots));
    } else if (target.kind() == RedisTarget.Kind.SENTINEL) {
      listenForSwitchMaster();
    }
  }

  private Conn open() {
    if (clusterClient != null) {
      StatefulRedisClusterConnection<String, String> c = clusterClient.connect(StringCodec.UTF8);
      return new Conn(c, c.sync(), c.async());
    }
    StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8, target.uri());
    return new Conn(c, c.sync(), c.async());
  }

  Conn shared() {
    return shared;
  }

  /** The connection for adds that WAIT for replicas, opened on first use. */
  Conn durable() {
    Conn d = durable;
    if (d == null) {
      synchronized (this) {
        d = durable;
        if (d == null) {
          d = open();
          durable = d;
        }
      }
    }
    return d;
  }

  /**
   * WAIT on the connection that sent the last write for {@code key} (the durable one), returning
   * the replicas that acknowledged it.
   */
  long waitForReplicas(String key, int replicas, long timeoutMs) {
    Conn d = durable();
    if (clusterClient == null) {
      return d.sync().waitForReplication(replicas, timeoutMs);
    }
    RedisClusterNode node = clusterClient.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
    if (node == null) {
      throw new RedisUnavailableException("no master serves the slot of " + key
          + " (failover in progress?); the add was sent but its replication is unknown", null);
    }
    @SuppressWarnings("unchecked")
    StatefulRedisClusterConnection<String, String> c =
        (StatefulRedisClusterConnection<String, String>) d.connection();
    return c.getConnection(node.getUri().getHost(), node.getUri().getPort()).sync()
        .waitForReplication(replicas, timeoutMs);
  }

  boolean isCluster() {
    return clusterClient != null;
  }

  /** INFO of every master (Cluster), or of the one server. */
  List<String> infoOfEveryMaster(String section) {
    if (clusterClient == null) {
      return List.of(shared.sync().info(section));
    }
    @SuppressWarnings("unchecked")
    StatefulRedisClusterConnection<String, String> c =
        (StatefulRedisClusterConnection<String, String>) shared.connection();
    List<String> out = new java.util.ArrayList<>();
    for (RedisClusterNode n : clusterClient.getPartitions()) {
      if (n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getSlots().isEmpty()) {
        out.add(c.getConnection(n.getNodeId()).sync().info(section));
      }
    }
    return out;
  }

  /**
   * Opens a blocking connection named {@code clientName} on the node that serves {@code key}
   * (the master for standalone and Sentinel).
   */
  BlockingConnection openBlocking(RedisGateway gateway, String clientName, String key) {
    RedisURI uri;
    int slot = -1;
    if (clusterClient == null) {
      uri = named(target.uri(), clientName);
    } else {
      slot = SlotHash.getSlot(key);
      RedisClusterNode node = clusterClient.getPartitions().getMasterBySlot(slot);
      if (node == null) {
        refreshTopology();
        throw new RedisUnavailableException("no master serves slot " + slot + " of " + key
            + " in " + target.describe() + " (failover in progress?)", null);
      }
      uri = RedisURI.builder(target.seeds().get(0)).withHost(node.getUri().getHost())
          .withPort(node.getUri().getPort()).withTimeout(timeout).build();
      if (clientName != null) {
        uri.setClientName(clientName);
      }
    }
    StatefulRedisConnection<String, String> conn;
    try {
      conn = blockingClient.connect(StringCodec.UTF8, uri);
    } catch (RuntimeException e) {
      if (clusterClient != null) {
        refreshTopology();
      }
      throw e;
    }
    BlockingConnection b = new BlockingConnection(conn, gateway, slot,
        uri.getHost() + ":" + uri.getPort(), blocking::remove);
    blocking.add(b);
    if (closed) {
      b.close();
    }
    return b;
  }

  private static RedisURI named(RedisURI base, String clientName) {
    RedisURI.Builder b = RedisURI.builder(base);
    if (!base.getSentinels().isEmpty()) {
      b.withSentinelMasterId(base.getSentinelMasterId());
      for (RedisURI s : base.getSentinels()) {
        b.withSentinel(s);
      }
    }
    if (clientName != null) {
      b.withClientName(clientName);
    }
    return b.build();
  }

  /**
   * Called when Redis answered with a topology error (MOVED, ASK, CLUSTERDOWN, TRYAGAIN,
   * READONLY, MASTERDOWN). Never blocks: the work runs on the housekeeping thread.
   */
  void onTopologyError(String error) {
    if (closed) {
      return;
    }
    if (clusterClient != null) {
      later(this::refreshTopology);
    } else if (target.kind() == RedisTarget.Kind.SENTINEL && error.startsWith("READONLY")) {
      later(() -> resetShared("the master answered READONLY (it was demoted)"));
    }
  }

  private void later(Runnable task) {
    try {
      housekeeping.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // closed meanwhile: nothing left to fix
    }
  }

  /** Refreshes the Cluster topology, at most twice a second. */
  void refreshTopology() {
    long now = System.nanoTime();
    long last = lastRefresh.get();
    if (clusterClient == null || closed || now - last < 500_000_000L
        || !lastRefresh.compareAndSet(last, now)) {
      return;
    }
    try {
      clusterClient.refreshPartitions();
      closeBlockingOnMovedSlots();
    } catch (RuntimeException e) {
      LOG.debug("topology refresh of {} failed: {}", target.describe(), e.getMessage());
    }
  }

  private void closeBlockingOnMovedSlots() {
    for (BlockingConnection b : blocking) {
      if (b.slot() < 0) {
        continue;
      }
      RedisClusterNode owner = clusterClient.getPartitions().getMasterBySlot(b.slot());
      String where = owner == null ? null
          : owner.getUri().getHost() + ":" + owner.getUri().getPort();
      if (!b.node().equals(where)) {
        LOG.info("slot {} moved from {} to {}: reconnecting its blocking connection", b.slot(),
            b.node(), where);
        b.close();
      }
    }
  }

  private void listenForSwitchMaster() {
    String master = target.uri().getSentinelMasterId();
    for (RedisURI s : target.uri().getSentinels()) {
      try {
        RedisURI sentinel = RedisURI.builder(s).withTimeout(timeout).build();
        StatefulRedisPubSubConnection<String, String> c =
            client.connectPubSub(StringCodec.UTF8, sentinel);
        c.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            if (message.startsWith(master + " ")) {
              later(() -> onMasterSwitched(message));
            }
          }
        });
        c.sync().subscribe("+switch-master");
        sentinelEvents = c;
        return;
      } catch (RuntimeException e) {
        LOG.debug("cannot subscribe to sentinel {}:{}: {}", s.getHost(), s.getPort(),
            e.getMessage());
      }
    }
    LOG.warn("no sentinel of {} accepted a subscription to +switch-master; clients will still"
        + " follow a master that dies, but not one that freezes", target.describe());
  }

  private void onMasterSwitched(String message) {
    LOG.info("sentinel: +switch-master {}", message);
    for (BlockingConnection b : blocking) {
      b.close();
    }
    Conn s = shared;
    if (s != null && s.connection().isOpen()) {
      resetShared("the sentinels switched the master");
    }
    Conn d = durable;
    if (d != null && d.connection().isOpen()) {
      durable = null;
      d.connection().closeAsync();
    }
  }

  /** Replaces the shared connection (at most once a second): used for Sentinel only. */
  private void resetShared(String why) {
    long now = System.nanoTime();
    long last = lastReset.get();
    if (closed || now - last < 1_000_000_000L || !lastReset.compareAndSet(last, now)) {
      return;
    }
    try {
      Conn fresh = open();
      Conn old = shared;
      shared = fresh;
      LOG.info("{}: reconnected to the current master of {}", why, target.describe());
      if (old != null) {
        old.connection().closeAsync();
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: could not reconnect yet ({}); Lettuce keeps trying", why, e.getMessage());
    }
  }

  /**
   * Runs {@code listener} each time one of this client's connections (re)connects, on Lettuce's
   * event thread: it must be quick and must not call Redis itself.
   */
  void onConnectionActivated(Runnable listener) {
    activationListeners.add(listener);
  }

  @Override
  public void close() {
    closed = true;
    if (topologyEvents != null) {
      topologyEvents.dispose();
    }
    connectionEvents.dispose();
    for (BlockingConnection b : blocking) {
      b.close();
    }
    closeQuietly(sentinelEvents);
    closeQuietly(shared == null ? null : shared.connection());
    closeQuietly(durable == null ? null : durable.connection());
    housekeeping.shutdownNow();
    blockingClient.shutdown(0, 2, TimeUnit.SECONDS);
    if (client != null) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
    if (clusterClient != null) {
      clusterClient.shutdown(0, 2, TimeUnit.SECONDS);
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static void closeQuietly(StatefulConnection<?, ?> c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (RuntimeException ignored) {
      // closing anyway
    }
  }
}
