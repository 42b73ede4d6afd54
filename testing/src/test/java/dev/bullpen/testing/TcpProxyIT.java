package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpProxyIT {

    @Test
    void forwardsCutsAndRestores() throws Exception {
        try (RedisServer redis = RedisServer.start();
             TcpProxy proxy = TcpProxy.start(redis.host(), redis.port())) {
            assertThat(proxy.uri()).isEqualTo("redis://127.0.0.1:" + proxy.port());
            assertThat(Resp.call("127.0.0.1", proxy.port(), Duration.ofSeconds(2), "SET", "k", "v"))
                    .isEqualTo("OK");
            try (Socket open = new Socket("127.0.0.1", proxy.port())) {
                open.setSoTimeout(2000);
                assertThat(ping(open)).isEqualTo("+PONG");

                proxy.cut();
                assertThat(proxy.isCut()).isTrue();
                // the open connection is dropped
                assertThatThrownBy(() -> ping(open)).isInstanceOf(IOException.class);
            }
            // a new connection is accepted but nothing comes back
            assertThatThrownBy(() -> Resp.call("127.0.0.1", proxy.port(), Duration.ofMillis(300), "PING"))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(redis.command("GET", "k")).as("redis itself is fine").isEqualTo("v");

            proxy.restore();
            assertThat(Resp.call("127.0.0.1", proxy.port(), Duration.ofSeconds(2), "GET", "k")).isEqualTo("v");
            assertThat(proxy.acceptedConnections()).isEqualTo(4);
        }
    }

    @Test
    void refusesABadTarget() {
        assertThatThrownBy(() -> TcpProxy.start("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpProxy.start("127.0.0.1", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Sends PING on an open socket and reads one reply line; EOF is an IOException. */
    private static String ping(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
