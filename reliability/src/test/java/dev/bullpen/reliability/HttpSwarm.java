package dev.bullpen.reliability;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thousands of HTTP clients in one child JVM (so that their sockets do not count against the
 * server's process): SSE clients that hold {@code …/jobs/{id}/events} open, long-poll clients
 * waiting on {@code ?waitForChange=} with the job's ETag, and poller threads that GET job views
 * in a loop over keep-alive connections. One selector thread drives every SSE and long-poll
 * socket; at most 100 connections are being set up at a time (the server's accept backlog).
 *
 * <p>Prints {@code OPEN sse200=a sse503=b sseOther=c longPolls=d failed=e} once every
 * connection is set up, then every 500 ms {@code STAT events=n closedByServer=m polls=p
 * pollErrors=q}. Runs until killed.
 *
 * <p>Arguments: host port queue jobIdsAndEtags(id=etag,...) sseClients longPollClients pollers
 */
public final class HttpSwarm {
  private static final int WINDOW = 100;

  private HttpSwarm() {}

  /** One client socket's state. */
  private static final class Conn {
    final boolean sse;
    final ByteBuffer request;
    final StringBuilder head = new StringBuilder();
    int status = -1;
    boolean settled;

    Conn(boolean sse, String request) {
      this.sse = sse;
      this.request = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** Runs the swarm until the process is killed. */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String queue = args[2];
    String[] jobs = args[3].split(",");
    int sseClients = Integer.parseInt(args[4]);
    int longPolls = Integer.parseInt(args[5]);
    int pollers = Integer.parseInt(args[6]);
    InetSocketAddress addr = new InetSocketAddress(host, port);

    AtomicLong polls = new AtomicLong();
    AtomicLong pollErrors = new AtomicLong();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int p = 0; p < pollers; p++) {
      String id = jobs[p % jobs.length].split("=")[0];
      Thread t = new Thread(() -> {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port
            + "/api/queues/" + queue + "/jobs/" + id)).timeout(Duration.ofSeconds(10)).build();
        while (true) {
          try {
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            (r.statusCode() == 200 ? polls : pollErrors).incrementAndGet();
            Thread.sleep(20);
          } catch (IOException e) {
            pollErrors.incrementAndGet();
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "poller-" + p);
      t.setDaemon(true);
      t.start();
    }

    Selector selector = Selector.open();
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    int total = sseClients + longPolls;
    int launched = 0;
    int settled = 0;
    int sse200 = 0;
    int sse503 = 0;
    int sseOther = 0;
    int longPollsWaiting = 0;
    int failed = 0;
    long events = 0;
    long closedByServer = 0;
    boolean reported = false;
    long nextStat = 0;
    while (true) {
      while (launched < total && launched - settled < WINDOW) {
        String[] job = jobs[launched % jobs.length].split("=");
        boolean sse = launched < sseClients;
        String path = "/api/queues/" + queue + "/jobs/" + job[0]
            + (sse ? "/events" : "?waitForChange=30s");
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
            + (sse ? "Accept: text/event-stream\r\n" : "If-None-Match: \"" + job[1] + "\"\r\n")
            + "\r\n";
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.connect(addr);
        ch.register(selector, SelectionKey.OP_CONNECT, new Conn(sse, req));
        launched++;
      }
      selector.select(100);
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey key = it.next();
        it.remove();
        Conn c = (Conn) key.attachment();
        SocketChannel ch = (SocketChannel) key.channel();
        try {
          if (key.isConnectable()) {
            ch.finishConnect();
            ch.write(c.request);
            key.interestOps(SelectionKey.OP_READ);
            if (!c.sse) {
              c.settled = true;
              settled++;
              longPollsWaiting++;
            }
            continue;
          }
          if (!key.isReadable()) {
            continue;
          }
          buf.clear();
          int n = ch.read(buf);
          if (n < 0) {
            closedByServer++;
            if (!c.settled) {
              c.settled = true;
              settled++;
              failed++;
            }
            key.cancel();
            ch.close();
            continue;
          }
          String text = new String(buf.array(), 0, n, StandardCharsets.US_ASCII);
          if (c.status < 0) {
            c.head.append(text);
            int eol = c.head.indexOf("\r\n");
            if (eol < 0) {
              continue;
            }
            c.status = Integer.parseInt(c.head.substring(9, 12));
            if (c.sse) {
              c.settled = true;
              settled++;
              if (c.status == 200) {
                sse200++;
              } else if (c.status == 503) {
                sse503++;
              } else {
                sseOther++;
              }
            } else {
              longPollsWaiting--;
            }
            if (c.status != 200) {
              key.cancel();
              ch.close();
              continue;
            }
          }
          for (int i = text.indexOf("event:"); i >= 0; i = text.indexOf("event:", i + 6)) {
            events++;
          }
        } catch (IOException e) {
          if (!c.settled) {
            c.settled = true;
            settled++;
            failed++;
          }
          key.cancel();
          ch.close();
        }
      }
      if (!reported && settled == total) {
        reported = true;
        out.println("OPEN sse200=" + sse200 + " sse503=" + sse503 + " sseOther=" + sseOther
            + " longPolls=" + longPollsWaiting + " failed=" + failed);
      }
      if (reported && System.nanoTime() > nextStat) {
        nextStat = System.nanoTime() + 500_000_000L;
        out.println("STAT events=" + events + " closedByServer=" + closedByServer + " polls="
            + polls.get() + " pollErrors=" + pollErrors.get() + " longPollsWaiting="
            + longPollsWaiting);
      }
    }
  }
}
