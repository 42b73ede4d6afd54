package dev.bullpen.testing;

import static dev.bullpen.testing.ServerSupport.HOST;
import static dev.bullpen.testing.ServerSupport.deleteTree;
import static dev.bullpen.testing.ServerSupport.await;
import static dev.bullpen.testing.ServerSupport.role;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A private Sentinel setup on loopback ports: one master, its replicas (one by default) and three
 * sentinels ({@code redis-server <conf> --sentinel}) watching it with a 1 s
 * {@code down-after-milliseconds}, so a killed master is replaced after about 2 to 3 s.
 *
 * <pre>{@code
 * try (RedisSentinelSet set = RedisSentinelSet.start()) {
 *     Bullpen bullpen = Bullpen.connect(set.uri());   // redis-sentinel://127.0.0.1:s1,...#bullpen
 *     RedisServer old = set.master();
 *     old.kill();
 *     RedisServer promoted = set.awaitFailover(old, Duration.ofSeconds(30));
 *     set.restart(old);                                // comes back as a replica of promoted
 * }
 * }</pre>
 *
 * <p>{@link #start()} returns once every replica's link is up and every sentinel knows the
 * master, the replicas and the other sentinels (without that a failover cannot be elected).
 */
public final class RedisSentinelSet implements AutoCloseable {

    /** The master name the sentinels monitor unless configured. */
    public static final String DEFAULT_MASTER_NAME = "bullpen";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final String masterName;
    private final List<RedisServer> dataNodes;
    private final List<RedisServer> sentinels;
    private final Path confDir;
    private boolean closed;

    private RedisSentinelSet(String masterName, List<RedisServer> dataNodes, List<RedisServer> sentinels,
            Path confDir) {
        this.masterName = masterName;
        this.dataNodes = List.copyOf(dataNodes);
        this.sentinels = List.copyOf(sentinels);
        this.confDir = confDir;
    }

    /**
     * Starts a master, one replica and three sentinels.
     *
     * @return the running set
     */
    public static RedisSentinelSet start() {
        return builder().start();
    }

    /**
     * Returns a builder for other counts, timings or server arguments.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts a {@link RedisSentinelSet}. */
    public static final class Builder {
        private String masterName = DEFAULT_MASTER_NAME;
        private int replicas = 1;
        private int sentinels = 3;
        private Duration downAfter = Duration.ofSeconds(1);
        private Duration failoverTimeout = Duration.ofSeconds(5);
        private final List<String> args = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the name the sentinels monitor the master under.
         *
         * @param name letters, digits, '-', '_' or '.'
         * @return this builder
         */
        public Builder masterName(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("masterName must match [A-Za-z0-9._-]+, got " + name);
            }
            this.masterName = name;
            return this;
        }

        /**
         * Sets the number of replicas (at least 1, or nothing could be promoted).
         *
         * @param count the replicas
         * @return this builder
         */
        public Builder replicas(int count) {
            if (count < 1 || count > 5) {
                throw new IllegalArgumentException("replicas must be 1..5, got " + count);
            }
            this.replicas = count;
            return this;
        }

        /**
         * Sets the number of sentinels (quorum is a majority of them).
         *
         * @param count 1 to 7
         * @return this builder
         */
        public Builder sentinels(int count) {
            if (count < 1 || count > 7) {
                throw new IllegalArgumentException("sentinels must be 1..7, got " + count);
            }
            this.sentinels = count;
            return this;
        }

        /**
         * Sets {@code down-after-milliseconds}: how long the master may be unreachable before
         * the sentinels start a failover.
         *
         * @param after at least 100 ms
         * @return this builder
         */
        public Builder downAfter(Duration after) {
            if (after == null || after.toMillis() < 100) {
                throw new IllegalArgumentException("downAfter must be at least 100 ms, got " + after);
            }
            this.downAfter = after;
            return this;
        }

        /**
         * Sets {@code failover-timeout}.
         *
         * @param timeout at least 1 s
         * @return this builder
         */
        public Builder failoverTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 1000) {
                throw new IllegalArgumentException("failoverTimeout must be at least 1 s, got " + timeout);
            }
            this.failoverTimeout = timeout;
            return this;
        }

        /**
         * Adds command-line config arguments for the master and the replicas.
         *
         * @param args the arguments, in order
         * @return this builder
         */
        public Builder arg(String... args) {
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        /**
         * Starts everything and waits (up to 30 s) until the sentinels know the whole set.
         *
         * @return the running set
         * @throws IllegalStateException if a process does not start or the set does not form
         */
        public RedisSentinelSet start() {
            List<RedisServer> data = new ArrayList<>();
            List<RedisServer> watchers = new ArrayList<>();
            Path dir = null;
            try {
                dir = Files.createTempDirectory("bullpen-sentinels-");
                RedisServer master = RedisServer.builder().arg(args.toArray(new String[0])).start();
                data.add(master);
                for (int i = 0; i < replicas; i++) {
                    data.add(RedisServer.builder().arg(args.toArray(new String[0]))
                            .arg("--replicaof", HOST, Integer.toString(master.port())).start());
                }
                int quorum = sentinels / 2 + 1;
                for (int i = 0; i < sentinels; i++) {
                    Path conf = dir.resolve("sentinel-" + i + ".conf");
                    Files.writeString(conf, String.join("\n",
                            "sentinel monitor " + masterName + " " + HOST + " " + master.port() + " " + quorum,
                            "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis(),
                            "sentinel failover-timeout " + masterName + " " + failoverTimeout.toMillis(),
                            "sentinel parallel-syncs " + masterName + " 1", ""), StandardCharsets.UTF_8);
                    watchers.add(RedisServer.builder().configFile(conf).arg("--sentinel").start());
                }
                RedisSentinelSet set = new RedisSentinelSet(masterName, data, watchers, dir);
                set.awaitReady(READY_TIMEOUT);
                Log.info("started Sentinel set {} (master {}, {} replica(s))", set.uri(), master.uri(), replicas);
                return set;
            } catch (IOException e) {
                cleanUp(data, watchers, dir);
                throw new UncheckedIOException("cannot write the sentinel configs", e);
            } catch (RuntimeException | Error e) {
                cleanUp(data, watchers, dir);
                throw e;
            }
        }

        private static void cleanUp(List<RedisServer> data, List<RedisServer> watchers, Path dir) {
            watchers.forEach(RedisServer::close);
            data.forEach(RedisServer::close);
            deleteTree(dir);
        }
    }

    /**
     * Returns the Sentinel URI Bullpen (and Lettuce) understand:
     * {@code redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3#<masterName>}.
     *
     * @return the URI
     */
    public String uri() {
        return "redis-sentinel://" + sentinels.stream().map(s -> HOST + ":" + s.port())
                .collect(Collectors.joining(",")) + "#" + masterName;
    }

    /**
     * Returns the name the sentinels monitor.
     *
     * @return the master name
     */
    public String masterName() {
        return masterName;
    }

    /**
     * Returns the sentinel processes.
     *
     * @return the sentinels
     */
    public List<RedisServer> sentinels() {
        return sentinels;
    }

    /**
     * Returns the data nodes: the first master, then the replicas; a node keeps its place when its
     * role changes.
     *
     * @return master and replicas
     */
    public List<RedisServer> dataNodes() {
        return dataNodes;
    }

    /**
     * Returns the master the first running sentinel reports now.
     *
     * @return the current master
     */
    public RedisServer master() {
        return byPort(reportedMasterPort(anySentinel()));
    }

    /**
     * Returns the data nodes other than the current master.
     *
     * @return the replicas
     */
    public List<RedisServer> replicas() {
        RedisServer master = master();
        return dataNodes.stream().filter(n -> n != master).collect(Collectors.toList());
    }

    /**
     * Waits until every running sentinel reports a master other than {@code oldMaster} and that
     * node says it is a master.
     *
     * @param oldMaster the master that failed
     * @param timeout how long to wait
     * @return the promoted node
     * @throws IllegalStateException if that does not happen in time
     */
    public RedisServer awaitFailover(RedisServer oldMaster, Duration timeout) {
        Objects.requireNonNull(oldMaster, "oldMaster");
        RedisServer[] promoted = new RedisServer[1];
        await("the sentinels promote a replica of " + oldMaster.uri(), timeout, () -> {
            Integer port = null;
            for (RedisServer s : sentinels) {
                if (!s.isRunning() || s.isPaused()) {
                    continue;
                }
                int p = reportedMasterPort(s);
                if (p == oldMaster.port() || (port != null && p != port)) {
                    return false;
                }
                port = p;
            }
            if (port == null) {
                return false;
            }
            promoted[0] = byPort(port);
            return promoted[0].isRunning() && role(promoted[0]).equals("master");
        });
        Log.info("sentinel failover: {} replaced by {}", oldMaster.uri(), promoted[0].uri());
        return promoted[0];
    }

    /**
     * Restarts a data node and makes it a replica of the current master at once (the sentinels
     * would do the same, but only after up to 10 s), then waits until its link is up.
     *
     * @param node one of {@link #dataNodes()}
     */
    public void restart(RedisServer node) {
        if (!dataNodes.contains(node)) {
            throw new IllegalArgumentException(node + " is not a data node of this set");
        }
        RedisServer master = master();
        if (master == node) {
            throw new IllegalStateException("restarting the master " + node.uri()
                    + " without a failover would wipe its replicas (no persistence)");
        }
        node.restart();
        node.command("REPLICAOF", HOST, Integer.toString(master.port()));
        await(node.uri() + " replicates " + master.uri(), READY_TIMEOUT,
                () -> node.info("replication").contains("master_link_status:up"));
    }

    /** Kills every process and deletes the directories. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sentinels.forEach(RedisServer::close);
        dataNodes.forEach(RedisServer::close);
        deleteTree(confDir);
    }

    @Override
    public String toString() {
        return "RedisSentinelSet[" + uri() + "]";
    }

    private void awaitReady(Duration timeout) {
        RedisServer master = dataNodes.get(0);
        int replicas = dataNodes.size() - 1;
        await("the replicas are in sync and the sentinels know each other", timeout, () -> {
            for (RedisServer n : dataNodes.subList(1, dataNodes.size())) {
                if (!n.info("replication").contains("master_link_status:up")) {
                    return false;
                }
            }
            for (RedisServer s : sentinels) {
                String info = s.info("sentinel");
                if (!info.contains("status=ok,address=" + HOST + ":" + master.port() + ",slaves=" + replicas
                        + ",sentinels=" + sentinels.size())) {
                    return false;
                }
            }
            return true;
        });
    }

    private int reportedMasterPort(RedisServer sentinel) {
        String reply = sentinel.command(Duration.ofSeconds(1), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
        if (reply == null) {
            throw new IllegalStateException("sentinel " + sentinel.uri() + " does not know " + masterName);
        }
        String[] hostPort = reply.split("\n");
        return Integer.parseInt(hostPort[1].trim());
    }


    private RedisServer anySentinel() {
        return sentinels.stream().filter(s -> s.isRunning() && !s.isPaused()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no sentinel is running"));
    }

    private RedisServer byPort(int port) {
        return dataNodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no data node on port " + port));
    }

}
