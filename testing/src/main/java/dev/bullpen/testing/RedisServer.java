package dev.bullpen.testing;

import static dev.bullpen.testing.ServerSupport.FORBIDDEN_PORT;
import static dev.bullpen.testing.ServerSupport.HOST;
import static dev.bullpen.testing.ServerSupport.INSTALL_HINT;
import static dev.bullpen.testing.ServerSupport.checkExecutable;
import static dev.bullpen.testing.ServerSupport.defaultBinary;
import static dev.bullpen.testing.ServerSupport.deleteTree;
import static dev.bullpen.testing.ServerSupport.freePort;
import static dev.bullpen.testing.ServerSupport.majorVersion;
import static dev.bullpen.testing.ServerSupport.size;
import static dev.bullpen.testing.ServerSupport.sleep;
import static dev.bullpen.testing.ServerSupport.tail;
import static dev.bullpen.testing.ServerSupport.waitFor;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A private {@code redis-server} child process on a loopback port, with a temporary directory and
 * fault controls (stop, kill, pause, resume, restart).
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     redis.command("SET", "k", "v");
 *     redis.pause();   // the server stops answering
 *     redis.resume();
 * }
 * }</pre>
 *
 * <p>The server is started with {@code --port P --bind 127.0.0.1 --save "" --appendonly no
 * --dir <temp> --logfile <temp>/redis.log --daemonize no} (plus {@code --enable-debug-command local}
 * on Redis 7+), then the extra {@link Builder#arg(String...) args}, which therefore override; a
 * {@link Builder#configFile(Path) config file} (Sentinel needs one) goes before all of them.
 * {@link RedisCluster} and {@link RedisSentinelSet} build on this class.
 * Port 6379 is never used. A JVM shutdown hook kills servers that were not closed.
 */
public final class RedisServer implements AutoCloseable {

    /** Environment variable naming the {@code redis-server} binary to use. */
    public static final String BINARY_ENV = "BULLPEN_REDIS_SERVER";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration BIND_RETRY = Duration.ofSeconds(3);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RedisServer::reapAll, "bullpen-redis-reaper"));
    }

    private final Path binary;
    private final Path configFile;
    private final List<String> extraArgs;
    private final Path dir;
    private final boolean autoPort;
    private volatile int port;
    private volatile Process process;
    private volatile boolean paused;
    private boolean closed;

    private RedisServer(Path binary, Path configFile, int port, List<String> extraArgs, Path dir) {
        this.binary = binary;
        this.configFile = configFile;
        this.port = port;
        this.autoPort = port == 0;
        this.extraArgs = List.copyOf(extraArgs);
        this.dir = dir;
    }

    /**
     * Starts a server with default settings on a free port.
     *
     * @return the running server
     */
    public static RedisServer start() {
        return builder().start();
    }

    /**
     * Returns a builder for a server with extra arguments, a fixed port or another binary.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts a {@link RedisServer}. */
    public static final class Builder {
        private final List<String> args = new ArrayList<>();
        private int port;
        private Path binary;
        private Path configFile;

        private Builder() {
        }

        /**
         * Passes a config file as the first argument, before the defaults (which therefore override
         * it). Sentinel needs this: it runs as {@code redis-server <file> --sentinel} and rewrites
         * the file, so the file must be writable.
         *
         * @param file an existing config file
         * @return this builder
         */
        public Builder configFile(Path file) {
            if (file == null || !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("configFile must be an existing file, got " + file);
            }
            this.configFile = file;
            return this;
        }

        /**
         * Adds command-line config arguments, e.g. {@code "--maxmemory", "2mb"}; they come after the
         * defaults and so override them.
         *
         * @param args the arguments, in order
         * @return this builder
         */
        public Builder arg(String... args) {
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        /**
         * Uses a fixed port instead of a free one. Port 6379 is refused.
         *
         * @param port the TCP port, 1 to 65535, not 6379
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535 || port == FORBIDDEN_PORT) {
                throw new IllegalArgumentException("port must be 1..65535 and not 6379, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Uses this {@code redis-server} binary instead of {@code $BULLPEN_REDIS_SERVER}, the PATH or
         * {@code /usr/bin/redis-server}.
         *
         * @param binary path to an executable redis-server
         * @return this builder
         */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /**
         * Starts the server and waits (up to 10 s) until it answers PING.
         *
         * @return the running server
         * @throws IllegalStateException if no binary is found or the server does not come up
         */
        public RedisServer start() {
            Path bin = binary != null ? checkExecutable(binary, "binary " + binary) : defaultBinary();
            Path dir;
            try {
                dir = Files.createTempDirectory("bullpen-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp dir for redis-server", e);
            }
            RedisServer server = new RedisServer(bin, configFile, port, args, dir);
            try {
                server.launch();
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        }
    }

    /**
     * Returns the host the server listens on.
     *
     * @return always {@code "127.0.0.1"}
     */
    public String host() {
        return HOST;
    }

    /**
     * Returns the TCP port; it stays the same across {@link #restart()}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the connection URI.
     *
     * @return {@code redis://127.0.0.1:<port>}
     */
    public String uri() {
        return "redis://" + HOST + ":" + port;
    }

    /**
     * Returns the pid of the current (or last) redis-server process.
     *
     * @return the process id
     */
    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("redis-server was never started");
        }
        return p.pid();
    }

    /**
     * Returns the private working directory (data files, {@code redis.log}); deleted by {@link #close()}.
     *
     * @return the directory
     */
    public Path dir() {
        return dir;
    }

    /**
     * Tells whether the process is alive; a paused server is still running.
     *
     * @return true if the process is alive
     */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Tells whether the server is paused by {@link #pause()}.
     *
     * @return true between {@code pause()} and {@code resume()}
     */
    public boolean isPaused() {
        return paused && isRunning();
    }

    /**
     * Stops gracefully: {@code SHUTDOWN NOSAVE} (or SIGTERM if that fails), waits up to 5 s, then SIGKILL.
     * Does nothing if not running.
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        resume();
        try {
            Resp.call(HOST, port, Duration.ofSeconds(2), "SHUTDOWN", "NOSAVE");
            p.destroy(); // an answer means the shutdown was refused
        } catch (EOFException expected) {
            // the server closed the connection while shutting down
        } catch (IOException | RuntimeException e) {
            p.destroy();
        }
        waitFor(p, STOP_TIMEOUT);
        if (p.isAlive()) {
            p.destroyForcibly();
            waitFor(p, STOP_TIMEOUT);
        }
        LIVE.remove(this);
        Log.info("stopped redis-server pid {} on port {}", p.pid(), port);
    }

    /** Kills the process with SIGKILL at once, like a crash. Does nothing if not running. */
    public synchronized void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            waitFor(p, STOP_TIMEOUT);
            Log.info("killed redis-server pid {} on port {}", p.pid(), port);
        }
        paused = false;
        LIVE.remove(this);
    }

    /** Freezes the process with SIGSTOP: connections are accepted but nothing is answered. */
    public synchronized void pause() {
        if (!isRunning()) {
            throw new IllegalStateException("redis-server is not running");
        }
        ServerSupport.signal(pid(), "STOP");
        paused = true;
    }

    /** Thaws a {@link #pause() paused} process with SIGCONT. Does nothing if not paused. */
    public synchronized void resume() {
        if (paused && isRunning()) {
            ServerSupport.signal(pid(), "CONT");
        }
        paused = false;
    }

    /**
     * Starts a new process on the same port with the same directory and arguments, stopping the
     * current one first if it runs. Data survives only if persistence was configured.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("redis-server is closed");
        }
        stop();
        launch();
    }

    /**
     * Sends one command on a fresh connection (read timeout 5 s) and renders the reply as text.
     *
     * @param args the command and its arguments, e.g. {@code "CONFIG", "SET", "maxmemory", "2mb"}
     * @return see {@link #command(Duration, String...)}
     */
    public String command(String... args) {
        return command(READ_TIMEOUT, args);
    }

    /**
     * Sends one command on a fresh connection and renders the reply as text: simple and bulk strings
     * as their content, integers in decimal, arrays as newline-joined elements (nested nils as empty),
     * nil as {@code null}.
     *
     * @param readTimeout how long to wait for the reply
     * @param args the command and its arguments
     * @return the rendered reply, or null for nil
     * @throws IllegalStateException with the server's message on an error reply
     * @throws UncheckedIOException on connection failure or time-out (cause
     *     {@link java.net.SocketTimeoutException})
     */
    public String command(Duration readTimeout, String... args) {
        try {
            return Resp.call(HOST, port, readTimeout, args);
        } catch (IOException e) {
            throw new UncheckedIOException(args[0] + " to " + uri() + " failed: " + e, e);
        }
    }

    /**
     * Returns the number of keys in the current database.
     *
     * @return the {@code DBSIZE} reply
     */
    public long dbSize() {
        return Long.parseLong(command("DBSIZE"));
    }

    /**
     * Makes this server refuse every write with OOM: writes 2 MB of filler keys
     * ({@code filler:0} … {@code filler:19}), then sets {@code maxmemory} below the memory in use
     * (a write that merely crosses the limit is not enough: a big argument in the query buffer
     * alone can cross it). Deleting the fillers makes room again.
     *
     * @return how many filler keys were written
     * @throws IllegalStateException when a write still succeeds afterwards
     */
    public int fillToOutOfMemory() {
        String big = "x".repeat(100_000);
        int n = 20;
        for (int i = 0; i < n; i++) {
            command("SET", "filler:" + i, big);
        }
        long used = info("memory").lines().filter(l -> l.startsWith("used_memory:"))
            .mapToLong(l -> Long.parseLong(l.substring("used_memory:".length()).trim()))
            .findFirst().orElseThrow();
        command("CONFIG", "SET", "maxmemory", Long.toString(used - 500_000));
        try {
            command("SET", "probe", "1");
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("OOM")) {
                return n;
            }
            throw e;
        }
        throw new IllegalStateException("redis-server on port " + port() + " still accepts writes");
    }

    /**
     * Returns one {@code INFO} section, e.g. {@code "memory"} or {@code "persistence"}.
     *
     * @param section the section name
     * @return the raw INFO text
     */
    public String info(String section) {
        return command("INFO", section);
    }

    /** Kills the process (resuming it first if paused) and deletes the directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            resume();
        } catch (RuntimeException ignored) {
            // SIGKILL works on a stopped process anyway
        }
        kill();
        deleteTree(dir);
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + ", running=" + isRunning() + ", dir=" + dir + "]";
    }

    private void launch() {
        long deadline = System.nanoTime() + BIND_RETRY.toNanos();
        while (true) {
            if (port == 0) {
                port = freePort();
            }
            Path log = dir.resolve("redis.log");
            Path out = dir.resolve("redis.out");
            long logFrom = size(log);
            long outFrom = size(out);
            ProcessBuilder pb = new ProcessBuilder(commandLine(log))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + binary + ": " + INSTALL_HINT, e);
            }
            process = p;
            paused = false;
            LIVE.add(this);
            if (awaitReady(p)) {
                Log.info("started redis-server pid {} on {} (dir {})", p.pid(), uri(), dir);
                return;
            }
            p.destroyForcibly();
            waitFor(p, STOP_TIMEOUT);
            LIVE.remove(this);
            String output = tail(log, logFrom) + tail(out, outFrom);
            boolean bindFailed = output.contains("Address already in use");
            if (bindFailed && System.nanoTime() < deadline) {
                Log.debug("port {} busy, retrying", port);
                if (autoPort) {
                    port = 0;
                }
                sleep(100);
                continue;
            }
            throw new IllegalStateException("redis-server did not start on port " + port + " (it exited, or gave"
                    + " no PING reply within " + START_TIMEOUT.toSeconds() + " s); output:\n" + output);
        }
    }

    private List<String> commandLine(Path log) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        if (configFile != null) {
            cmd.add(configFile.toString());
        }
        cmd.addAll(List.of("--port", Integer.toString(port), "--bind", HOST, "--save", "",
                "--appendonly", "no", "--dir", dir.toString(), "--logfile", log.toString(),
                "--daemonize", "no"));
        if (majorVersion(binary) >= 7) {
            cmd.addAll(List.of("--enable-debug-command", "local"));
        }
        cmd.addAll(extraArgs);
        return cmd;
    }

    /** True once this very process answers PING; false if it exited or the time ran out. */
    private boolean awaitReady(Process p) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String ownPid = "process_id:" + p.pid() + "\r\n";
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                // check the pid: a server of someone else may hold the port we failed to bind
                if (Resp.call(HOST, port, Duration.ofSeconds(1), "INFO", "server").contains(ownPid)
                        && "PONG".equals(Resp.call(HOST, port, Duration.ofSeconds(1), "PING"))) {
                    return true;
                }
            } catch (IOException | RuntimeException notYet) {
                // not listening or still loading
            }
            sleep(20);
        }
        return false;
    }

    private static void reapAll() {
        for (RedisServer server : LIVE) {
            Process p = server.process;
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (RedisServer server : LIVE) {
            Process p = server.process;
            if (p != null) {
                waitFor(p, Duration.ofSeconds(2));
            }
            deleteTree(server.dir);
        }
    }
}
