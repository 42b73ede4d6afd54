package dev.bullpen.bench;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/** A private redis-server on a free loopback port, unless a loopback URI was given. */
public final class LocalRedis implements AutoCloseable {
  private final Process process;
  private final String uri;

  private LocalRedis(Process process, String uri) {
    this.process = process;
    this.uri = uri;
  }

  /** The server's URI. */
  public String uri() {
    return uri;
  }

  /** Starts a private server, or wraps {@code given} (loopback only) when it is not null. */
  public static LocalRedis startUnless(String given) throws Exception {
    if (given != null) {
      URI u = URI.create(given);
      if (!("127.0.0.1".equals(u.getHost()) || "localhost".equals(u.getHost()))) {
        throw new IllegalArgumentException("--redis must be on loopback (127.0.0.1)");
      }
      return new LocalRedis(null, given);
    }
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String uri = "redis://127.0.0.1:" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        break;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException("redis-server did not start on port " + port, e);
        }
        Thread.sleep(50);
      }
    }
    return new LocalRedis(p, uri);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
