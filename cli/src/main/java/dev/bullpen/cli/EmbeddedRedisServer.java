package dev.bullpen.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * The redis-server binary shipped inside the {@code embedded-redis} jar (Redis 6.2, for Linux
 * and macOS on x86-64 and arm64), started on a free loopback port with no persistence. The
 * demo's last resort when no redis-server is installed.
 */
final class EmbeddedRedisServer implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  private static final int TRIES = 3;

  private final RedisServer server;
  private final int port;
  private final Path dir;

  private EmbeddedRedisServer(RedisServer server, int port, Path dir) {
    this.server = server;
    this.port = port;
    this.dir = dir;
  }

  /**
   * Extracts the binary for this OS and CPU, starts it and waits until it is ready.
   *
   * @throws IOException when the binary cannot be extracted or does not start
   */
  static EmbeddedRedisServer start() throws IOException {
    Path dir = Files.createTempDirectory("bullpen-embedded-redis-");
    Path launcher;
    try {
      launcher = OwnSession.wrap(ExecutableProvider.newJarResourceProvider().get().toPath(), dir);
    } catch (IOException | RuntimeException e) {
      RedisSelector.deleteTree(dir);
      throw new IOException("no redis-server binary for " + System.getProperty("os.name") + " "
          + System.getProperty("os.arch") + " in the jar (" + e.getMessage() + ")", e);
    }
    IOException last = null;
    // the free port may be taken between finding and binding it: try a few
    for (int i = 0; i < TRIES; i++) {
      int port = freePort();
      Deque<String> output = new ArrayDeque<>();
      RedisServer server = RedisServer.newRedisServer()
          .executableProvider(launcher::toFile)
          .port(port)
          .bind(HOST)
          .setting("save \"\"")
          .setting("appendonly no")
          .setting("dir " + dir)
          .soutListener(line -> keep(output, line))
          .serrListener(line -> keep(output, line))
          .build();
      try {
        server.start();
        return new EmbeddedRedisServer(server, port, dir);
      } catch (IOException | RuntimeException e) {
        last = new IOException(e.getMessage() + lastLines(output), e);
        stopQuietly(server);
      }
    }
    RedisSelector.deleteTree(dir);
    throw last;
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://" + HOST + ":" + port;
  }

  /** Stops the server and removes its directory. */
  @Override
  public void close() {
    stopQuietly(server);
    RedisSelector.deleteTree(dir);
  }

  private static void stopQuietly(RedisServer server) {
    try {
      server.stop();
    } catch (IOException | RuntimeException e) {
      // already gone; nothing left to release
    }
  }

  private static int freePort() {
    for (int i = 0; i < 20; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        if (s.getLocalPort() != 6379) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free loopback port", e);
      }
    }
    throw new IllegalStateException("cannot find a free loopback port");
  }

  private static void keep(Deque<String> output, String line) {
    synchronized (output) {
      output.addLast(line);
      while (output.size() > 20) {
        output.removeFirst();
      }
    }
  }

  private static String lastLines(Deque<String> output) {
    synchronized (output) {
      return output.isEmpty() ? "" : "; its last output:\n" + String.join("\n", output);
    }
  }
}
