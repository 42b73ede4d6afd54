package dev.bullpen.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The harness' own admin connection (FLUSHALL, INFO, CONFIG RESETSTAT, MEMORY USAGE): a
 * minimal synchronous RESP2 client on a plain socket, named {@code bench-admin} like the Node
 * harness' ioredis admin client. It is deliberately not a Bullpen or Lettuce connection, so its
 * commands never show up in {@code Bullpen.commandsSent()} and it starts no threads.
 */
final class RedisAdmin implements AutoCloseable {
  private static final Pattern CMDSTAT =
      Pattern.compile("^cmdstat_([^:]+):calls=(\\d+),usec=(\\d+)");

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  /** Calls and usec of one command in {@code INFO commandstats}. */
  record CommandStat(long calls, long usec) {}

  RedisAdmin(String host, int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(60_000);
      out = new BufferedOutputStream(socket.getOutputStream());
      in = new BufferedInputStream(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect the admin client to " + host + ":" + port, e);
    }
    call("CLIENT", "SETNAME", "bench-admin");
  }

  /** Sends one command and returns its reply (String, Long, List or null). */
  synchronized Object call(String... args) {
    try {
      out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        out.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(b);
        out.write('\r');
        out.write('\n');
      }
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException("admin " + args[0] + " failed", e);
    }
  }

  void flushAll() {
    call("FLUSHALL");
  }

  void resetStats() {
    call("CONFIG", "RESETSTAT");
  }

  /** {@code INFO section} as key/value pairs. */
  Map<String, String> info(String section) {
    return parseInfo((String) call("INFO", section));
  }

  /** {@code INFO commandstats} by command name (Redis 7 names subcommands {@code config|resetstat}). */
  Map<String, CommandStat> commandStats() {
    return parseCommandStats((String) call("INFO", "commandstats"));
  }

  static Map<String, String> parseInfo(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int i = line.indexOf(':');
      if (i > 0) {
        m.put(line.substring(0, i), line.substring(i + 1));
      }
    }
    return m;
  }

  static Map<String, CommandStat> parseCommandStats(String text) {
    Map<String, CommandStat> m = new LinkedHashMap<>();
    for (String line : text.split("\r?\n")) {
      Matcher x = CMDSTAT.matcher(line);
      if (x.find()) {
        m.put(x.group(1), new CommandStat(Long.parseLong(x.group(2)), Long.parseLong(x.group(3))));
      }
    }
    return m;
  }

  private Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("Redis closed the admin connection");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("Redis error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int len = Integer.parseInt(line);
        if (len < 0) {
          return null;
        }
        byte[] b = in.readNBytes(len + 2);
        return new String(b, 0, len, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(read());
        }
        return list;
      }
      default:
        throw new IOException("unexpected RESP type '" + (char) type + "'");
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\r') {
        in.read();
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do: the harness is ending
    }
  }
}
