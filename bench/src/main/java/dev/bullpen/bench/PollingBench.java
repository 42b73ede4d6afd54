package dev.bullpen.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.NewJob;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import dev.bullpen.server.BullpenServer;
import dev.bullpen.server.ServerOptions;
import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.JobView;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Many simulated job-page pollers against one job system (issue 5's load test): how many Redis
 * commands a status request costs, how long it takes, and how often it shows an outdated job.
 *
 * <pre>
 * java -cp bench/target/bullpen-bench.jar dev.bullpen.bench.PollingBench \
 *     [--pollers 1000] [--interval-ms 1000] [--seconds 20] [--jobs 300] [--job-ms 4000]
 *     [--mode all|none|ttl|events|http|cold]
 *     [--redis redis://127.0.0.1:PORT]
 * </pre>
 *
 * <p>Without {@code --redis} it starts a private {@code redis-server} on a free loopback port
 * (never 6379) and removes it at the end. Each mode gets a fresh queue of {@code --jobs} jobs that
 * a worker (10 at once) processes during the run: four progress updates {@code --job-ms / 4}
 * apart, then completion. Each poller follows one job and asks for its status every
 * {@code --interval-ms} (first request at a random offset), so 1,000 pollers at the default
 * 1,000 ms make about 1,000 requests a second. Modes:
 * <ul>
 *   <li>{@code none}: every request reads Redis (HGETALL + state script);
 *   <li>{@code ttl}: the plain baseline, an in-process read-through cache with a 30 s TTL;
 *   <li>{@code events}: {@link JobStatusService} called in-process;
 *   <li>{@code http}: the same through the HTTP server on 127.0.0.1, pollers revalidating with
 *       {@code If-None-Match} as the job page does;
 *   <li>{@code cold}: a fresh process reading 1,000 jobs once each (the case a Redis read-through
 *       layer would serve), against a GET of a prepared JSON key per job.
 * </ul>
 * The first 3 s of each mode are warm-up and not counted. Commands per request count what the
 * status side's own client sent (reads, the events
 * reader's XREADs and health pings), not the worker's. A request is <em>outdated</em> when it
 * shows less progress than the job had reached at least 100 ms before the request was made.
 * <em>Staleness</em> of a request: how long before it the job had already reached the progress
 * step after the one it shows (0 when it shows the newest); its p99 and maximum bound the time
 * from a change to the first poll that sees it, the poll interval aside.
 * Everything is bounded: at most 10,000 pollers for at most 300 s, all on loopback.
 */
public final class PollingBench {
  private static final Duration GRACE = Duration.ofMillis(100);
  private static final Duration WARMUP = Duration.ofSeconds(3);
  private static final int STEPS = 4;

  private final int pollers;
  private final int intervalMs;
  private final int seconds;
  private final int jobs;
  private final int jobMillis;
  private final String redisUri;

  private PollingBench(int pollers, int intervalMs, int seconds, int jobs, int jobMillis,
      String redisUri) {
    this.pollers = pollers;
    this.intervalMs = intervalMs;
    this.seconds = seconds;
    this.jobs = jobs;
    this.jobMillis = jobMillis;
    this.redisUri = redisUri;
  }

  public static void main(String[] argv) throws Exception {
    BenchMain.quietLogs();
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    int pollers = bounded(a, "pollers", 1000, 1, 10_000);
    int intervalMs = bounded(a, "interval-ms", 1000, 100, 60_000);
    int seconds = bounded(a, "seconds", 20, 1, 300);
    int jobs = bounded(a, "jobs", 300, 1, 100_000);
    int jobMillis = bounded(a, "job-ms", 4000, 40, 600_000);
    String mode = a.getOrDefault("mode", "all");
    try (LocalRedis redis = LocalRedis.startUnless(a.get("redis"))) {
      PollingBench bench = new PollingBench(pollers, intervalMs, seconds, jobs,
          jobMillis, redis.uri());
      System.out.printf("PollingBench: %d pollers, 1 request per %d ms each, %d s per mode, %d"
          + " jobs of %d ms (10 at once, progress every %d ms), Redis %s%n%n", pollers,
          intervalMs, seconds, jobs,
          jobMillis, jobMillis / STEPS, redis.uri());
      System.out.printf("%-8s %10s %12s %9s %9s %9s %10s %13s%n", "mode", "requests",
          "cmds/request", "p50 ms", "p99 ms", "max ms", "outdated", "stale p99/max");
      for (String m : mode.equals("all") ? List.of("none", "ttl", "events", "http", "cold")
          : List.of(mode)) {
        Map<String, Object> r = m.equals("cold") ? bench.cold() : bench.run(m);
        System.out.printf("%-8s %10s %12.4f %9.3f %9.3f %9.3f %10s %13s%n", m,
            r.get("requests"), (double) r.get("commandsPerRequest"), (double) r.get("p50"),
            (double) r.get("p99"), (double) r.get("max"), r.get("outdated"),
            r.getOrDefault("staleness", "-"));
        System.out.println("RESULT " + ResultLine.JSON.writeValueAsString(r));
      }
    }
  }

  private static int bounded(Map<String, String> a, String name, int dflt, int min, int max) {
    int v = a.containsKey(name) ? Integer.parseInt(a.get(name)) : dflt;
    if (v < min || v > max) {
      throw new IllegalArgumentException("--" + name + " must be " + min + ".." + max);
    }
    return v;
  }

  /** One polling run in {@code mode}. */
  private Map<String, Object> run(String mode) throws Exception {
    String q = "pollbench-" + mode + "-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, long[]> progressAt = new ConcurrentHashMap<>();
    try (Bullpen work = Bullpen.connect(redisUri);
        Bullpen status = Bullpen.builder().uri(redisUri).checkServer(false).build()) {
      Queue<Object> queue = work.queue(q);
      List<NewJob<Object>> batch = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        batch.add(new NewJob<>("render", Map.of("n", i), dev.bullpen.JobOptions.DEFAULT));
      }
      List<String> ids = new ArrayList<>();
      for (Job<Object> j : queue.addBulk(batch)) {
        ids.add(j.id());
        progressAt.put(j.id(), new long[STEPS + 1]);
      }
      Probe probe = probe(mode, status, q);
      Samples latency = new Samples();
      Samples staleness = new Samples();
      AtomicLong requests = new AtomicLong();
      AtomicLong outdated = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      Worker<Object> worker = work.worker(q, Object.class, job -> {
        long[] at = progressAt.get(job.id());
        for (int step = 1; step <= STEPS; step++) {
          Thread.sleep(jobMillis / STEPS);
          job.updateProgress(step * 25);
          at[step] = System.nanoTime();
        }
        return "ok";
      }, WorkerOptions.builder().concurrency(10).name("pollbench").build());
      ScheduledExecutorService pool = Executors.newScheduledThreadPool(16);
      Random random = new Random(42);
      // The first seconds are warm-up (every poller's first request, cold reads, the events
      // reader starting); cold reads are measured on their own by --mode cold.
      long warmEnd = System.nanoTime() + WARMUP.toNanos();
      long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
      AtomicLong commandsAtWarm = new AtomicLong(-1);
      dev.bullpen.status.StatusCounters[] countersAtWarm = {null};
      for (int p = 0; p < pollers; p++) {
        int poller = p;
        String id = ids.get(random.nextInt(ids.size()));
        long[] at = progressAt.get(id);
        pool.scheduleAtFixedRate(() -> {
          if (System.nanoTime() > end) {
            return;
          }
          long t0 = System.nanoTime();
          boolean measured = t0 >= warmEnd;
          if (measured && commandsAtWarm.get() < 0
              && commandsAtWarm.compareAndSet(-1, status.commandsSent())) {
            countersAtWarm[0] = probe.counters();
          }
          try {
            Integer seen = probe.poll(poller, id);
            if (!measured) {
              return;
            }
            latency.add((System.nanoTime() - t0) / 1e6);
            if (seen != null && isOutdated(seen, at, t0)) {
              outdated.incrementAndGet();
            }
            if (seen != null) {
              long next = seen < STEPS ? at[seen + 1] : 0;
              staleness.add(next != 0 && next < t0 ? (t0 - next) / 1e6 : 0.0);
            }
          } catch (Exception e) {
            if (measured) {
              errors.incrementAndGet();
            }
          }
          if (measured) {
            requests.incrementAndGet();
          }
        }, random.nextInt(intervalMs), intervalMs, TimeUnit.MILLISECONDS);
      }
      pool.awaitTermination(WARMUP.toSeconds() + seconds, TimeUnit.SECONDS);
      long commands = status.commandsSent() - commandsAtWarm.get();
      dev.bullpen.status.StatusCounters after = probe.counters();
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
      worker.close(Duration.ofSeconds(5));
      probe.close();
      queue.obliterate(true);
      Map<String, Object> r = result(mode, requests.get(), commands, latency);
      r.put("outdated", String.format("%.2f%%", 100.0 * outdated.get()
          / Math.max(1, requests.get())));
      r.put("errors", errors.get());
      Map<String, Object> st = staleness.summary();
      r.put("staleness", String.format("%.0f/%.0f ms", toDouble(st.get("p99")),
          toDouble(st.get("max"))));
      if (after != null && countersAtWarm[0] != null) {
        // What the commands were: job reads (1 or 2 commands each), the rest is XREAD and PING.
        r.put("statusReads", after.redisReads() - countersAtWarm[0].redisReads());
        r.put("eventsApplied", after.eventsApplied() - countersAtWarm[0].eventsApplied());
        r.put("cacheHits", after.hits() - countersAtWarm[0].hits());
      }
      return r;
    }
  }

  /** Whether a request that started at {@code t0} saw less progress than the job had. */
  private static boolean isOutdated(int seenStep, long[] at, long t0) {
    for (int s = STEPS; s > seenStep; s--) {
      if (at[s] != 0 && at[s] + GRACE.toNanos() < t0) {
        return true;
      }
    }
    return false;
  }

  private Map<String, Object> result(String mode, long requests, long commands, Samples lat) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("test", "polling");
    r.put("mode", mode);
    r.put("pollers", pollers);
    r.put("intervalMs", intervalMs);
    r.put("seconds", seconds);
    r.put("requests", requests);
    r.put("redisCommands", commands);
    r.put("commandsPerRequest", requests == 0 ? 0.0 : (double) commands / requests);
    Map<String, Object> s = lat.summary();
    r.put("p50", toDouble(s.get("p50")));
    r.put("p99", toDouble(s.get("p99")));
    r.put("max", toDouble(s.get("max")));
    return r;
  }

  private static double toDouble(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }

  /** How one mode answers a poll: the progress step seen (null when unknown). */
  private interface Probe extends AutoCloseable {
    /** Polls job {@code id} for poller number {@code poller}; the progress step seen. */
    Integer poll(int poller, String id) throws Exception;

    /** The status service's counters, for the modes that have one. */
    default dev.bullpen.status.StatusCounters counters() {
      return null;
    }

    @Override
    default void close() {}
  }

  private Probe probe(String mode, Bullpen status, String q) {
    Queue<Object> queue = status.queue(q);
    Function<String, Integer> direct = id -> queue.getJob(id).map(j -> {
      j.getState();
      return step(j.progressJson());
    }).orElse(null);
    switch (mode) {
      case "none":
        return (poller, id) -> direct.apply(id);
      case "ttl": {
        Cache<String, Integer> ttl = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(30)).build();
        return (poller, id) -> ttl.get(id, direct);
      }
      case "events": {
        JobStatusService svc = JobStatusService.create(status);
        return new Probe() {
          @Override
          public Integer poll(int poller, String id) {
            Optional<JobView> v = svc.get(q, id);
            return v.map(x -> step(x.progressJson())).orElse(null);
          }

          @Override
          public dev.bullpen.status.StatusCounters counters() {
            return svc.counters();
          }

          @Override
          public void close() {
            svc.close();
          }
        };
      }
      case "http": {
        // Open mode on loopback, no rate limits: the bench is every poller from one address.
        BullpenServer server = BullpenServer.start(status, ServerOptions.builder()
            .host("127.0.0.1").port(0).openMode(true).ipRateLimit(0, 0).tokenRateLimit(0, 0)
            .build());
        KeepAliveHttp[] tabs = new KeepAliveHttp[pollers];
        String[] etags = new String[pollers];
        int[] steps = new int[pollers];
        return new Probe() {
          @Override
          public Integer poll(int poller, String id) throws Exception {
            KeepAliveHttp tab = tabs[poller];
            if (tab == null) {
              tab = new KeepAliveHttp("127.0.0.1", server.port());
              tabs[poller] = tab;
            }
            KeepAliveHttp.Response r = tab.get("/api/queues/" + q + "/jobs/" + id,
                etags[poller]);
            if (r.status() == 304) {
              return steps[poller];
            }
            if (r.status() != 200) {
              throw new IllegalStateException("HTTP " + r.status());
            }
            etags[poller] = r.etag();
            steps[poller] = step(r.body().replaceAll(".*\"progress\":(\\d+).*", "$1"));
            return steps[poller];
          }

          @Override
          public dev.bullpen.status.StatusCounters counters() {
            return server.statusService().counters();
          }

          @Override
          public void close() {
            for (KeepAliveHttp t : tabs) {
              if (t != null) {
                t.close();
              }
            }
            server.close();
          }
        };
      }
      default:
        throw new IllegalArgumentException("unknown --mode " + mode);
    }
  }

  private static int step(String progressJson) {
    try {
      return Integer.parseInt(progressJson.trim()) / 25;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * A process that starts cold and reads 1,000 jobs once each: through the status service
   * (HGETALL + state script per job), and as a GET of one prepared JSON key per job, which is
   * what a Redis read-through layer would answer on a hit.
   */
  private Map<String, Object> cold() throws Exception {
    String q = "pollbench-cold-" + UUID.randomUUID().toString().substring(0, 8);
    int n = 1000;
    try (Bullpen work = Bullpen.connect(redisUri)) {
      Queue<Object> queue = work.queue(q);
      List<NewJob<Object>> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        batch.add(new NewJob<>("render", Map.of("n", i), dev.bullpen.JobOptions.DEFAULT));
      }
      List<String> ids = new ArrayList<>();
      queue.addBulk(batch).forEach(j -> ids.add(j.id()));
      Samples viaStatus = new Samples();
      long commands;
      try (Bullpen status = Bullpen.builder().uri(redisUri).checkServer(false).build();
          JobStatusService svc = JobStatusService.create(status)) {
        svc.get(q, ids.get(0)); // follow the queue first, as a warm process would
        long before = status.commandsSent();
        for (String id : ids.subList(1, n)) {
          long t0 = System.nanoTime();
          svc.get(q, id);
          viaStatus.add((System.nanoTime() - t0) / 1e6);
        }
        commands = status.commandsSent() - before;
      }
      Samples viaKey = new Samples();
      io.lettuce.core.RedisClient raw = io.lettuce.core.RedisClient.create(redisUri);
      try (var conn = raw.connect()) {
        var r = conn.sync();
        for (String id : ids) {
          r.set("job_status:{" + q + "}:" + id, "{\"state\":\"waiting\",\"progress\":0,\"id\":\""
              + id + "\",\"etag\":\"0123456789abcdef0123\"}", io.lettuce.core.SetArgs.Builder
              .ex(Duration.ofMinutes(5)));
        }
        for (String id : ids.subList(1, n)) {
          long t0 = System.nanoTime();
          r.get("job_status:{" + q + "}:" + id);
          viaKey.add((System.nanoTime() - t0) / 1e6);
        }
        r.del(ids.stream().map(id -> "job_status:{" + q + "}:" + id).toArray(String[]::new));
      } finally {
        raw.shutdown();
      }
      queue.obliterate(true);
      Map<String, Object> r = result("cold", n - 1, commands, viaStatus);
      Map<String, Object> k = viaKey.summary();
      r.put("outdated", "-");
      r.put("readThroughKey", Map.of("commandsPerRequest", 1.0, "p50", k.get("p50"), "p99",
          k.get("p99")));
      System.out.printf("%-8s %10d %12.4f %9.3f %9.3f %9.3f %10s   <- read-through key GET%n",
          "cold-key", n - 1, 1.0, toDouble(k.get("p50")), toDouble(k.get("p99")),
          toDouble(k.get("max")), "-");
      return r;
    }
  }
}
