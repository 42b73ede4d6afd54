package dev.bullpen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Whether a Redis answers PING on a host and port, asked over a plain socket in bounded time. */
final class LocalRedisProbe {
  private LocalRedisProbe() {}

  /**
   * True when the server replies {@code +PONG} to an inline {@code PING} within {@code timeout}
   * (connect and read each); false when nothing listens, it is not Redis, or it wants a password.
   */
  static boolean answersPing(String host, int port, Duration timeout) {
    int ms = (int) Math.max(1, timeout.toMillis());
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), ms);
      socket.setSoTimeout(ms);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int n = 0;
      while (n < reply.length) {
        int r = in.read(reply, n, reply.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return "+PONG\r\n".equals(new String(reply, 0, n, StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
