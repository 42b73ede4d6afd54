package dev.bullpen.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port that forwards every connection to a target (usually a
 * {@link RedisServer}), and that a test can break to simulate a network cut between a client
 * and Redis.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start();
 *      TcpProxy proxy = TcpProxy.start(redis.host(), redis.port())) {
 *     Bullpen bullpen = Bullpen.connect(proxy.uri());  // talks to redis through the proxy
 *     proxy.cut();       // open connections drop; new ones connect but nothing gets through
 *     proxy.restore();   // new connections reach redis again
 * }
 * }</pre>
 *
 * <p>{@link #cut()} closes every forwarded connection and then black-holes new ones: they are
 * accepted (so a client does not see "connection refused" at once, as it would not behind a dead
 * switch) but bytes sent on them are read and dropped and nothing ever answers, so clients only
 * notice through their own time-outs. {@link #restore()} closes the black-holed connections
 * (their streams are out of step) and forwards new connections again.
 *
 * <p>Implementation notes: blocking sockets, two daemon pump threads per forwarded connection
 * and one per black-holed one; meant for a handful of client connections, not for load.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getByName(ServerSupport.HOST));
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a proxy on a free loopback port forwarding to {@code host:port}.
     *
     * @param host the target host
     * @param port the target port
     * @return the running proxy
     */
    public static TcpProxy start(String host, int port) {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("target must be a host and a port 1..65535, got "
                    + host + ":" + port);
        }
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port for the proxy", e);
        }
    }

    /**
     * Returns the port the proxy listens on.
     *
     * @return the loopback port
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Returns the Redis URI of the proxy.
     *
     * @return {@code redis://127.0.0.1:<port>}
     */
    public String uri() {
        return "redis://" + ServerSupport.HOST + ":" + port();
    }

    /**
     * Returns the number of connections accepted so far (forwarded or black-holed).
     *
     * @return the count
     */
    public int acceptedConnections() {
        return accepted.get();
    }

    /**
     * Tells whether the proxy is cut.
     *
     * @return true between {@link #cut()} and {@link #restore()}
     */
    public boolean isCut() {
        return cut;
    }

    /** Drops every open connection and black-holes new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
        Log.info("proxy {} -> {}:{} cut", port(), targetHost, targetPort);
    }

    /** Forwards new connections again; connections accepted during the cut are closed. */
    public void restore() {
        cut = false;
        for (Socket s : held) {
            closeQuietly(s);
        }
        held.clear();
        Log.info("proxy {} -> {}:{} restored", port(), targetHost, targetPort);
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        open.forEach(TcpProxy::closeQuietly);
        held.forEach(TcpProxy::closeQuietly);
        open.clear();
        held.clear();
    }

    @Override
    public String toString() {
        return "TcpProxy[" + port() + " -> " + targetHost + ":" + targetPort + (cut ? ", cut" : "") + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    Log.info("proxy {} stopped accepting: {}", port(), e);
                }
                return;
            }
            accepted.incrementAndGet();
            if (cut) {
                held.add(client);
                daemon(() -> drain(client), "tcp-proxy-hole");
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(targetHost, targetPort), 2000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            open.add(client);
            open.add(server);
            daemon(() -> pump(client, server), "tcp-proxy-up");
            daemon(() -> pump(server, client), "tcp-proxy-down");
        }
    }

    /** Copies bytes from one socket to the other until either closes; then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (SocketException expected) {
            // closed by cut(), close() or the other side
        } catch (IOException e) {
            Log.debug("proxy pump ended: {}", e);
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Reads and drops whatever a black-holed client sends; never answers. */
    private void drain(Socket client) {
        byte[] buf = new byte[4096];
        try (InputStream in = client.getInputStream()) {
            while (in.read(buf) >= 0) {
                // dropped on the floor
            }
        } catch (IOException expected) {
            // closed by restore() or close()
        } finally {
            held.remove(client);
            closeQuietly(client);
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
