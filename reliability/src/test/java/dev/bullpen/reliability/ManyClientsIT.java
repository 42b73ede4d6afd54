package dev.bullpen.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import dev.bullpen.Queue;
import dev.bullpen.server.BullpenServer;
import dev.bullpen.server.ServerOptions;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of clients against one {@link BullpenServer} on a real Redis: 2,000 SSE clients
 * (the server is capped at 1,500 streams, so 500 must get 503), 500 long polls and 8 pollers,
 * all from a child JVM ({@link HttpSwarm}) so that this process's file descriptors are the
 * server's alone. While they are connected the server's heap and descriptors grow with the
 * connections only, Redis sees no new connections (one events reader serves every watcher),
 * one progress change reaches every stream and answers every long poll, and the server still
 * answers a plain request. When the clients vanish (SIGKILL), descriptors, heap and the stream
 * cap come back.
 *
 * <p>2,000 + 500 connections is what runs reliably on a loaded 2-core CI machine in a few
 * seconds; the descriptor limit there is 20,000.
 */
@RedisTest
class ManyClientsIT {
  private static final int SSE_CLIENTS = 2000;
  private static final int SSE_CAP = 1500;
  private static final int LONG_POLLS = 500;
  private static final int POLLERS = 8;
  private static final int JOBS = 20;
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** Generous per-connection heap budget; a leak of views or buffers per client exceeds it. */
  private static final long HEAP_PER_CONNECTION = 32 * 1024;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void thousandsOfStreamsLongPollsAndPollersStayWithinLimits(RedisServer redis)
      throws Exception {
    String q = TestNames.uniqueQueue("swarm");
    try (Bullpen bp = Bullpen.connect(redis.uri());
        BullpenServer server = BullpenServer.start(bp, ServerOptions.builder()
            .host("127.0.0.1").port(0).sseHeartbeat(Duration.ofSeconds(1))
            .maxSseStreams(SSE_CAP).openMode(true).ipRateLimit(0, 0).tokenRateLimit(0, 0)
            .build())) {
      Queue<Object> queue = bp.queue(q);
      HttpClient http = HttpClient.newHttpClient();
      List<String> spec = new ArrayList<>();
      List<Job<Object>> jobs = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        Job<Object> job = queue.add("watched", Map.of("i", i),
            JobOptions.builder().delay(Duration.ofHours(1)).build());
        jobs.add(job);
        HttpResponse<String> r = get(http, server.url() + "/api/queues/" + q + "/jobs/" + job.id());
        assertThat(r.statusCode()).isEqualTo(200);
        spec.add(job.id() + "=" + r.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
      }
      Measure before = Measure.take(redis);

      Process swarm = startSwarm(server.port(), q, String.join(",", spec));
      SwarmOutput out = new SwarmOutput(swarm);
      try {
        long t0 = System.nanoTime();
        String open = out.await(l -> l.startsWith("OPEN "), WAIT);
        long connectMs = Report.msSince(t0);
        out.await(l -> l.startsWith("STAT ") && num(l, "polls") > 0, WAIT);
        Measure during = Measure.take(redis);
        HttpResponse<String> plain = get(http, server.url() + "/api/queues/" + q + "/jobs/"
            + jobs.get(0).id());

        long f0 = System.nanoTime();
        for (Job<Object> job : jobs) {
          job.updateProgress(50);
        }
        int sse200 = (int) num(open, "sse200");
        String fanned = out.await(l -> l.startsWith("STAT ") && num(l, "events") >= 2L * sse200
            && num(l, "longPollsWaiting") == 0, WAIT);
        long fanOutMs = Report.msSince(f0);
        Measure fannedOut = Measure.take(redis);

        swarm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long k0 = System.nanoTime();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
            .until(() -> Measure.openDescriptors() <= before.fds + 20);
        long releasedMs = Report.msSince(k0);
        Measure after = Measure.take(redis);
        int sseAfter = sseStatus(server.port(), q, jobs.get(0).id());

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sseClients", SSE_CLIENTS);
        m.put("sseCap", SSE_CAP);
        m.put("sse200", sse200);
        m.put("sse503", num(open, "sse503"));
        m.put("longPolls", LONG_POLLS);
        m.put("pollers", POLLERS);
        m.put("polls", num(fanned, "polls"));
        m.put("pollErrors", num(fanned, "pollErrors"));
        m.put("connectAllMs", connectMs);
        m.put("fanOutToAllMs", fanOutMs);
        m.put("fdsBefore", before.fds);
        m.put("fdsDuring", during.fds);
        m.put("fdsAfter", after.fds);
        m.put("heapBeforeMb", before.heap >> 20);
        m.put("heapDuringMb", during.heap >> 20);
        m.put("heapAfterFanOutMb", fannedOut.heap >> 20);
        m.put("heapAfterMb", after.heap >> 20);
        m.put("threadsBefore", before.threads);
        m.put("threadsDuring", during.threads);
        m.put("threadsAfter", after.threads);
        m.put("redisClientsBefore", before.redisClients);
        m.put("redisClientsDuring", during.redisClients);
        m.put("redisClientsAfter", after.redisClients);
        m.put("descriptorsReleasedMs", releasedMs);
        Report.print("thousands of SSE/long-poll clients and pollers", null, m);

        assertThat(open).contains("sseOther=0", "failed=0", "longPolls=" + LONG_POLLS);
        assertThat(sse200).as("streams up to the cap").isEqualTo(SSE_CAP);
        assertThat(num(open, "sse503")).as("the rest refused").isEqualTo(SSE_CLIENTS - SSE_CAP);
        assertThat(plain.statusCode()).as("a plain request during the swarm").isEqualTo(200);
        int connections = SSE_CAP + LONG_POLLS;
        assertThat(during.fds - before.fds).as("server descriptors per open connection")
            .isBetween((long) connections * 9 / 10, (long) connections + 100);
        assertThat(during.heap - before.heap).isLessThan(connections * HEAP_PER_CONNECTION);
        assertThat(fannedOut.heap - before.heap).isLessThan(connections * HEAP_PER_CONNECTION);
        assertThat(during.threads - before.threads)
            .as("threads grow with Jetty's bounded pool (250), not with the clients")
            .isLessThan(300);
        assertThat(during.redisClients).as("Redis connections while clients connect")
            .isEqualTo(before.redisClients);
        assertThat(fannedOut.redisClients).isEqualTo(before.redisClients);
        assertThat(num(fanned, "pollErrors")).isZero();
        assertThat(after.heap - before.heap).as("heap comes back").isLessThan(32L << 20);
        assertThat(after.redisClients).isEqualTo(before.redisClients);
        assertThat(sseAfter).as("the stream cap is free again").isEqualTo(200);
      } finally {
        swarm.destroyForcibly();
      }
    }
  }

  private static Process startSwarm(int port, String queue, String spec) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), HttpSwarm.class.getName(), "127.0.0.1",
        Integer.toString(port), queue, spec, Integer.toString(SSE_CLIENTS),
        Integer.toString(LONG_POLLS), Integer.toString(POLLERS));
    pb.redirectErrorStream(true);
    return pb.start();
  }

  /** Opens one SSE stream with a plain socket and returns its HTTP status. */
  private static int sseStatus(int port, String queue, String id) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream o = s.getOutputStream();
      o.write(("GET /api/queues/" + queue + "/jobs/" + id + "/events HTTP/1.1\r\nHost: x\r\n"
          + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      o.flush();
      InputStream in = s.getInputStream();
      String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))
          .readLine();
      return Integer.parseInt(line.substring(9, 12));
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static long num(String line, String name) {
    Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(line);
    if (!m.find()) {
      throw new IllegalArgumentException("no " + name + " in " + line);
    }
    return Long.parseLong(m.group(1));
  }

  /** Heap after GC, open descriptors and threads of this (the server's) process, Redis clients. */
  record Measure(long heap, long fds, int threads, long redisClients) {
    static Measure take(RedisServer redis) throws InterruptedException {
      System.gc();
      Thread.sleep(200);
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      String info = redis.info("clients");
      Matcher m = Pattern.compile("connected_clients:(\\d+)").matcher(info);
      assertThat(m.find()).isTrue();
      return new Measure(heap, openDescriptors(), ManagementFactory.getThreadMXBean().getThreadCount(),
          Long.parseLong(m.group(1)));
    }

    static long openDescriptors() {
      try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
        return s.count();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The swarm's output lines, read on a daemon thread. */
  static final class SwarmOutput {
    private final List<String> lines = new ArrayList<>();
    private volatile boolean ended;

    SwarmOutput(Process p) {
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            synchronized (lines) {
              lines.add(line);
              if (lines.size() > 2000) {
                lines.subList(0, 1000).clear();
              }
            }
          }
        } catch (IOException ignored) {
          // killed
        } finally {
          ended = true;
        }
      }, "swarm-reader");
      t.setDaemon(true);
      t.start();
    }

    String await(Predicate<String> match, Duration timeout) throws InterruptedException {
      AtomicReference<String> hit = new AtomicReference<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !ended) {
        synchronized (lines) {
          for (int i = lines.size() - 1; i >= 0; i--) {
            if (match.test(lines.get(i))) {
              hit.set(lines.get(i));
              break;
            }
          }
        }
        if (hit.get() != null) {
          return hit.get();
        }
        Thread.sleep(50);
      }
      synchronized (lines) {
        throw new AssertionError("swarm: no matching line within " + timeout + (ended
            ? " (it exited)" : "") + "; last lines:\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      }
    }
  }
}
