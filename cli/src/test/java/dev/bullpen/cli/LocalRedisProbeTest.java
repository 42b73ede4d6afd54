package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The 6379 probe, against fake servers on free ports (never the machine's Redis). */
class LocalRedisProbeTest {
  @Test
  void pongMeansRedis() throws Exception {
    assertThat(probe("+PONG\r\n")).isTrue();
  }

  @Test
  void anAuthErrorOrAnotherServiceIsNotUsable() throws Exception {
    assertThat(probe("-NOAUTH Authentication required.\r\n")).isFalse();
    assertThat(probe("HTTP/1.1 400 Bad Request\r\n")).isFalse();
  }

  @Test
  void nothingListeningIsFalse() throws IOException {
    assertThat(LocalRedisProbe.answersPing("127.0.0.1", MainTest.closedPort(),
        Duration.ofMillis(300))).isFalse();
  }

  @Test
  void silenceTimesOut() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      long t0 = System.nanoTime();
      assertThat(LocalRedisProbe.answersPing("127.0.0.1", server.getLocalPort(),
          Duration.ofMillis(300))).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
  }

  private static boolean probe(String reply) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().read(new byte[6]);
          OutputStream out = s.getOutputStream();
          out.write(reply.getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException ignored) {
          // the probe closed first
        }
      });
      t.start();
      boolean answered = LocalRedisProbe.answersPing("127.0.0.1", server.getLocalPort(),
          Duration.ofSeconds(2));
      t.join(2000);
      return answered;
    }
  }
}
