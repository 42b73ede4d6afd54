package dev.bullpen.testing;

import static dev.bullpen.testing.ServerSupport.HOST;
import static dev.bullpen.testing.ServerSupport.await;
import static dev.bullpen.testing.ServerSupport.role;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A private Redis Cluster on loopback ports: by default 3 masters with one replica each, made of
 * {@link RedisServer} processes started with {@code --cluster-enabled yes} and joined by
 * {@code redis-cli --cluster create ... --cluster-replicas 1 --cluster-yes}.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start()) {
 *     Bullpen bullpen = Bullpen.connect(cluster.uri());      // redis-cluster://127.0.0.1:p1,...
 *     RedisServer owner = cluster.masterOf("bull:{video}:wait");
 *     owner.kill();
 *     RedisServer promoted = cluster.awaitFailover(owner, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>{@link #start()} returns once every node says {@code cluster_state:ok}, every node sees the
 * same masters and replicas, and every replica's link to its master is up. Nodes keep their
 * {@code nodes.conf} in their own directory, so a {@link #restart(RedisServer) restarted} node
 * rejoins the cluster (as a replica of whoever took over its slots). The node timeout defaults to
 * 2 s, so a killed master is replaced after about 4 s. Ports are at most 55535, so that each
 * node's cluster bus (port + 10000) fits; port 6379 is never used.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;
    private final int masters;
    private final int replicasPerMaster;
    private boolean closed;

    private RedisCluster(List<RedisServer> nodes, int masters, int replicasPerMaster) {
        this.nodes = List.copyOf(nodes);
        this.masters = masters;
        this.replicasPerMaster = replicasPerMaster;
    }

    /**
     * Starts 3 masters with one replica each.
     *
     * @return the running cluster
     */
    public static RedisCluster start() {
        return builder().start();
    }

    /**
     * Returns a builder for another shape, node timeout or extra server arguments.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts a {@link RedisCluster}. */
    public static final class Builder {
        private int masters = 3;
        private int replicasPerMaster = 1;
        private Duration nodeTimeout = Duration.ofSeconds(2);
        private final List<String> args = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the number of masters (at least 3, which {@code redis-cli --cluster create} needs).
         *
         * @param count the masters
         * @return this builder
         */
        public Builder masters(int count) {
            if (count < 3) {
                throw new IllegalArgumentException("masters must be at least 3, got " + count);
            }
            this.masters = count;
            return this;
        }

        /**
         * Sets the replicas of each master (0 for none).
         *
         * @param count replicas per master
         * @return this builder
         */
        public Builder replicasPerMaster(int count) {
            if (count < 0 || count > 5) {
                throw new IllegalArgumentException("replicasPerMaster must be 0..5, got " + count);
            }
            this.replicasPerMaster = count;
            return this;
        }

        /**
         * Sets {@code cluster-node-timeout}: how long a master may be unreachable before its
         * replica takes over.
         *
         * @param timeout at least 100 ms
         * @return this builder
         */
        public Builder nodeTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 100) {
                throw new IllegalArgumentException("nodeTimeout must be at least 100 ms, got " + timeout);
            }
            this.nodeTimeout = timeout;
            return this;
        }

        /**
         * Adds command-line config arguments for every node, after the cluster ones.
         *
         * @param args the arguments, in order
         * @return this builder
         */
        public Builder arg(String... args) {
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        /**
         * Starts the nodes, creates the cluster and waits (up to 30 s) until it is healthy.
         *
         * @return the running cluster
         * @throws IllegalStateException if a node does not start or the cluster does not form
         */
        public RedisCluster start() {
            int count = masters * (1 + replicasPerMaster);
            List<RedisServer> started = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    started.add(RedisServer.builder().port(ServerSupport.freeClusterPort())
                            .arg("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                    "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()))
                            .arg(args.toArray(new String[0]))
                            .start());
                }
                RedisCluster cluster = new RedisCluster(started, masters, replicasPerMaster);
                cluster.create();
                return cluster;
            } catch (RuntimeException | Error e) {
                started.forEach(RedisServer::close);
                throw e;
            }
        }
    }

    /**
     * Returns every node, masters first in the order they were created; a node keeps its place
     * (and port) when its role changes.
     *
     * @return the nodes
     */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /**
     * Returns the cluster URI Bullpen understands: {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...}
     * listing every node as a seed.
     *
     * @return the URI
     */
    public String uri() {
        return "redis-cluster://" + nodes.stream().map(n -> HOST + ":" + n.port())
                .collect(Collectors.joining(","));
    }

    /**
     * Returns one {@code redis://} URI per node, for clients that take a list of seeds.
     *
     * @return the seed URIs
     */
    public List<String> seedUris() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.toList());
    }

    /**
     * Returns the hash slot of a key ({@code CLUSTER KEYSLOT}); a hash tag decides it.
     *
     * @param key the key
     * @return 0 to 16383
     */
    public int slot(String key) {
        return Integer.parseInt(anyLive().command("CLUSTER", "KEYSLOT", key));
    }

    /**
     * Returns the node that serves a key's slot now, as a live node sees it.
     *
     * @param key the key (e.g. {@code bull:{video}:wait})
     * @return the master serving it
     * @throws IllegalStateException if no master serves the slot
     */
    public RedisServer masterOf(String key) {
        int slot = slot(key);
        for (NodeLine line : view(anyLive())) {
            if (line.isMaster() && !line.failed() && line.serves(slot)) {
                return byPort(line.port());
            }
        }
        throw new IllegalStateException("no master serves slot " + slot + " of " + key);
    }

    /**
     * Returns the current masters that are up, as a live node sees them.
     *
     * @return the masters
     */
    public List<RedisServer> masters() {
        return view(anyLive()).stream().filter(l -> l.isMaster() && !l.failed() && !l.slots.isEmpty())
                .map(l -> byPort(l.port())).filter(RedisServer::isRunning).collect(Collectors.toList());
    }

    /**
     * Returns the replicas of a master, as a live node sees them.
     *
     * @param master a master
     * @return its replicas (running or not)
     */
    public List<RedisServer> replicasOf(RedisServer master) {
        List<NodeLine> view = view(anyLive());
        String id = view.stream().filter(l -> l.port() == master.port()).map(l -> l.id).findFirst()
                .orElseThrow(() -> new IllegalStateException(master + " is not in the cluster"));
        return view.stream().filter(l -> id.equals(l.masterId)).map(l -> byPort(l.port()))
                .collect(Collectors.toList());
    }

    /**
     * Waits until a replica has taken over the slots of a master that was killed or paused, and
     * every running node says {@code cluster_state:ok}.
     *
     * @param oldMaster the master that failed
     * @param timeout how long to wait
     * @return the node that now serves the old master's first slot
     * @throws IllegalStateException if that does not happen in time
     */
    public RedisServer awaitFailover(RedisServer oldMaster, Duration timeout) {
        Objects.requireNonNull(oldMaster, "oldMaster");
        RedisServer witness = nodes.stream().filter(n -> n != oldMaster && n.isRunning() && !n.isPaused())
                .findFirst().orElseThrow(() -> new IllegalStateException("no live node left"));
        int slot = view(witness).stream().filter(l -> l.port() == oldMaster.port())
                .flatMap(l -> l.slots.stream()).findFirst()
                .map(r -> r[0]).orElseThrow(() -> new IllegalStateException(oldMaster + " serves no slot"));
        RedisServer[] promoted = new RedisServer[1];
        await("a replica of " + oldMaster.uri() + " takes over slot " + slot, timeout, () -> {
            for (RedisServer n : liveNodes()) {
                if (n == oldMaster || !clusterOk(n)) {
                    return false;
                }
            }
            for (NodeLine l : view(witness)) {
                if (l.isMaster() && !l.failed() && l.serves(slot) && l.port() != oldMaster.port()) {
                    promoted[0] = byPort(l.port());
                    return promoted[0].isRunning() && "master".equals(role(promoted[0]));
                }
            }
            return false;
        });
        Log.info("cluster failover: {} replaced by {}", oldMaster.uri(), promoted[0].uri());
        return promoted[0];
    }

    /**
     * Moves one slot, with its keys, to another master the way {@code redis-cli --cluster reshard}
     * does: IMPORTING on the target, MIGRATING on the source, MIGRATE of the keys in batches, then
     * {@code CLUSTER SETSLOT slot NODE} on every master. Clients see ASK while it runs and MOVED
     * after.
     *
     * @param slot the slot
     * @param target a master that does not serve it yet
     */
    public void migrateSlot(int slot, RedisServer target) {
        List<NodeLine> view = view(anyLive());
        NodeLine from = view.stream().filter(l -> l.isMaster() && !l.failed() && l.serves(slot)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
        NodeLine to = view.stream().filter(l -> l.port() == target.port()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(target + " is not in the cluster"));
        if (!to.isMaster() || from == to) {
            throw new IllegalArgumentException(target + " must be a master that does not serve slot " + slot);
        }
        RedisServer source = byPort(from.port());
        String s = Integer.toString(slot);
        target.command("CLUSTER", "SETSLOT", s, "IMPORTING", from.id);
        source.command("CLUSTER", "SETSLOT", s, "MIGRATING", to.id);
        while (true) {
            String keys = source.command("CLUSTER", "GETKEYSINSLOT", s, "100");
            if (keys == null || keys.isEmpty()) {
                break;
            }
            List<String> cmd = new ArrayList<>(List.of("MIGRATE", HOST, Integer.toString(target.port()), "", "0",
                    "5000", "KEYS"));
            cmd.addAll(Arrays.asList(keys.split("\n")));
            source.command(cmd.toArray(new String[0]));
        }
        target.command("CLUSTER", "SETSLOT", s, "NODE", to.id);
        source.command("CLUSTER", "SETSLOT", s, "NODE", to.id);
        for (NodeLine l : view) {
            RedisServer n = byPort(l.port());
            if (l.isMaster() && n != target && n != source && n.isRunning()) {
                n.command("CLUSTER", "SETSLOT", s, "NODE", to.id);
            }
        }
        await("every node sees slot " + slot + " on " + target.uri(), READY_TIMEOUT, () -> {
            for (RedisServer n : liveNodes()) {
                boolean seen = view(n).stream().anyMatch(l -> l.port() == target.port() && l.serves(slot));
                if (!seen) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Restarts a node (stopping it first if it runs) and waits until it has rejoined: a former
     * master comes back as a replica of the node that took over its slots.
     *
     * @param node one of {@link #nodes()}
     */
    public void restart(RedisServer node) {
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException(node + " is not a node of this cluster");
        }
        node.restart();
        awaitHealthy(READY_TIMEOUT);
    }

    /**
     * Waits until every running node says {@code cluster_state:ok}, sees every running node as
     * connected and not failed, and every running replica's link is up.
     *
     * @param timeout how long to wait
     */
    public void awaitHealthy(Duration timeout) {
        await("the cluster is healthy", timeout, this::healthy);
    }

    /** Kills every node and deletes their directories. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RedisServer n : nodes) {
            n.close();
        }
    }

    @Override
    public String toString() {
        return "RedisCluster[" + uri() + "]";
    }

    private void create() {
        List<String> cmd = new ArrayList<>();
        cmd.add(redisCli().toString());
        cmd.add("--cluster");
        cmd.add("create");
        for (RedisServer n : nodes) {
            cmd.add(HOST + ":" + n.port());
        }
        cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating the cluster", e);
        }
        awaitHealthy(READY_TIMEOUT);
        Log.info("started Redis Cluster {} ({} masters, {} replicas each)", uri(), masters,
                replicasPerMaster);
    }

    private boolean healthy() {
        List<RedisServer> live = liveNodes();
        if (live.isEmpty()) {
            return false;
        }
        for (RedisServer n : live) {
            if (!clusterOk(n)) {
                return false;
            }
            List<NodeLine> view = view(n);
            long slotMasters = view.stream().filter(l -> l.isMaster() && !l.slots.isEmpty()).count();
            if (slotMasters != masters) {
                return false;
            }
            for (RedisServer other : live) {
                Optional<NodeLine> seen = view.stream().filter(l -> l.port() == other.port()).findFirst();
                if (seen.isEmpty() || seen.get().failed() || seen.get().handshake()
                        || !"connected".equals(seen.get().linkState)) {
                    return false;
                }
                if (!seen.get().isMaster() && seen.get().masterId.equals("-")) {
                    return false;
                }
            }
            String role = role(n);
            if ("slave".equals(role) && !n.info("replication").contains("master_link_status:up")) {
                return false;
            }
        }
        return true;
    }

    private static boolean clusterOk(RedisServer n) {
        try {
            String info = n.command(Duration.ofSeconds(1), "CLUSTER", "INFO");
            return info.contains("cluster_state:ok") && info.contains("cluster_slots_assigned:16384");
        } catch (RuntimeException e) {
            return false;
        }
    }


    private List<RedisServer> liveNodes() {
        return nodes.stream().filter(n -> n.isRunning() && !n.isPaused()).collect(Collectors.toList());
    }

    private RedisServer anyLive() {
        return liveNodes().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of the cluster is running"));
    }

    private RedisServer byPort(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown node on port " + port));
    }


    /** redis-cli next to the redis-server binary, else on the PATH, else /usr/bin/redis-cli. */
    static Path redisCli() {
        Path server = ServerSupport.defaultBinary();
        Path sibling = server.resolveSibling("redis-cli");
        if (sibling.toFile().canExecute()) {
            return sibling;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(entry, "redis-cli");
                if (!entry.isEmpty() && candidate.toFile().canExecute()) {
                    return candidate;
                }
            }
        }
        return ServerSupport.checkExecutable(Path.of("/usr/bin/redis-cli"), "redis-cli");
    }

    private static List<NodeLine> view(RedisServer n) {
        String text = n.command(Duration.ofSeconds(2), "CLUSTER", "NODES");
        List<NodeLine> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(NodeLine.parse(line.trim()));
            }
        }
        return lines;
    }

    /** One line of {@code CLUSTER NODES}. */
    private static final class NodeLine {
        final String id;
        final String address;
        final List<String> flags;
        final String masterId;
        final String linkState;
        final List<int[]> slots = new ArrayList<>();

        private NodeLine(String id, String address, List<String> flags, String masterId, String linkState) {
            this.id = id;
            this.address = address;
            this.flags = flags;
            this.masterId = masterId;
            this.linkState = linkState;
        }

        static NodeLine parse(String line) {
            String[] f = line.split(" ");
            NodeLine n = new NodeLine(f[0], f[1], Arrays.asList(f[2].split(",")), f[3], f[7]);
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                n.slots.add(new int[] {from, range.length > 1 ? Integer.parseInt(range[1]) : from});
            }
            return n;
        }

        int port() {
            String hostPort = address.split("@")[0];
            return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        }

        boolean isMaster() {
            return flags.contains("master");
        }

        boolean failed() {
            return flags.contains("fail") || flags.contains("fail?") || flags.contains("noaddr");
        }

        boolean handshake() {
            return flags.contains("handshake");
        }

        boolean serves(int slot) {
            return slots.stream().anyMatch(r -> slot >= r[0] && slot <= r[1]);
        }
    }
}
