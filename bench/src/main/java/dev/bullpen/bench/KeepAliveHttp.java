package dev.bullpen.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection to a loopback server, blocking, one request at a time: a
 * poller's browser tab, at a fraction of the JDK client's cost, so the load generator does not
 * starve the server it measures on a small machine.
 */
final class KeepAliveHttp implements AutoCloseable {
  /** A response: status, ETag header (or null) and body text. */
  record Response(int status, String etag, String body) {}

  private final String host;
  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  KeepAliveHttp(String host, int port) {
    if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
      throw new IllegalArgumentException("loopback only, got " + host);
    }
    this.host = host;
    this.port = port;
  }

  Response get(String path, String ifNoneMatch) throws IOException {
    try {
      return send(path, ifNoneMatch);
    } catch (IOException e) {
      close(); // the server closed an idle connection: one retry on a new one
      return send(path, ifNoneMatch);
    }
  }

  private Response send(String path, String ifNoneMatch) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress(host, port), 5_000);
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      out = socket.getOutputStream();
    }
    StringBuilder req = new StringBuilder(160).append("GET ").append(path)
        .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
    if (ifNoneMatch != null) {
      req.append("If-None-Match: ").append(ifNoneMatch).append("\r\n");
    }
    out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String status = line();
    if (status == null) {
      throw new IOException("connection closed");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = -1;
    boolean chunked = false;
    boolean closeAfter = false;
    String etag = null;
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      String name = h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length":
          length = Long.parseLong(value);
          break;
        case "transfer-encoding":
          chunked = value.equalsIgnoreCase("chunked");
          break;
        case "connection":
          closeAfter = value.equalsIgnoreCase("close");
          break;
        case "etag":
          etag = value;
          break;
        default:
          break;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (long n = Long.parseLong(line().trim(), 16); n > 0;
          n = Long.parseLong(line().trim(), 16)) {
        body.write(in.readNBytes((int) n));
        line();
      }
      line();
    } else if (length > 0) {
      body.write(in.readNBytes((int) length));
    }
    if (closeAfter) {
      close();
    }
    return new Response(code, etag, body.toString(StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
