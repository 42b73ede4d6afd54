package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.QueueEvents;
import dev.bullpen.RedisUnavailableException;
import dev.bullpen.internal.InfoText;
import dev.bullpen.status.CircuitState;
import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.StatusOptions;
import dev.bullpen.testing.MutableClock;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.nio.file.Files;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The monitor's figures and alerts against real redis-servers configured to trip each rule. */
class RedisMonitorIT {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private RedisServer server(String... args) {
    RedisServer s = RedisServer.builder().arg(args).start();
    toClose.add(s);
    return s;
  }

  private Bullpen connect(String uri, Duration timeout) {
    // tolerated so that the tests can show what the monitor says about evicting servers
    Bullpen b = Bullpen.builder().uri(uri).commandTimeout(timeout).tolerateEvictionPolicy(true)
        .build();
    toClose.add(b);
    return b;
  }

  private static List<String> rules(RedisReport r) {
    return r.alerts().stream().map(Alert::rule).toList();
  }

  private static long infoCalls(RedisServer redis) {
    String stat = InfoText.parse(redis.info("commandstats")).get("cmdstat_info");
    return stat == null ? 0 : Long.parseLong(InfoText.part(stat, "calls"));
  }

  @Test
  void evictionsUnderASmallMaxmemoryRaiseTheEvictionAlerts() {
    RedisServer redis = server("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru");
    for (int i = 0; i < 40; i++) {
      redis.command("SET", "fill:" + i, "x".repeat(100_000));
    }
    assertThat(InfoText.longField(InfoText.parse(redis.info("stats")), "evicted_keys", 0))
        .isPositive();
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    RedisReport report = RedisMonitor.create(bp).report();

    assertThat(report.server().evictedKeys()).isPositive();
    assertThat(report.server().maxmemoryBytes()).isEqualTo(2 * 1024 * 1024);
    assertThat(rules(report)).contains("redis-evictions", "redis-eviction-policy");
    Alert evictions = report.alerts().stream().filter(a -> a.rule().equals("redis-evictions"))
        .findFirst().orElseThrow();
    assertThat(evictions.level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(evictions.subject()).isEqualTo("redis");
    assertThat(evictions.value()).isEqualTo(report.server().evictedKeys());
    assertThat(report.health()).isEqualTo(HealthLevel.CRITICAL);
  }

  @Test
  void allkeysLruAloneRaisesOnlyThePolicyAlert() {
    RedisServer redis = server("--maxmemory-policy", "allkeys-lru");
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    RedisReport report = RedisMonitor.create(bp).report();
    assertThat(rules(report)).containsExactly("redis-eviction-policy");
    assertThat(report.alerts().get(0).level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(report.server().maxmemoryPolicy()).isEqualTo("allkeys-lru");
  }

  @Test
  void aDefaultServerRaisesNoAlert() {
    RedisServer redis = server();
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    RedisReport report = RedisMonitor.create(bp).report();
    assertThat(report.alerts()).isEmpty();
    assertThat(report.serverError()).isNull();
    assertThat(report.server().role()).isEqualTo("master");
    assertThat(report.server().version()).isNotBlank();
    assertThat(report.client().commands()).isPositive();
    assertThat(report.client().connections()).isBetween(1, 3);
  }

  @Test
  void debugSleepShowsAsASlowCommandAndItsAlert() throws Exception {
    RedisServer redis = server();
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(5));
    RedisMonitor monitor = RedisMonitor.create(bp);
    assertThat(monitor.client().slowLastMinute()).isZero();
    CompletableFuture<String> sleep = CompletableFuture.supplyAsync(
        () -> redis.command(Duration.ofSeconds(10), "DEBUG", "SLEEP", "1"));
    // Pings follow each other closely, so one lands during the sleep and waits for most of it.
    while (!sleep.isDone()) {
      bp.ping();
    }
    assertThat(sleep.get()).isEqualTo("OK");
    RedisClientFigures c = monitor.client();
    assertThat(c.slowLastMinute()).isPositive();
    assertThat(c.slowestLastMinute()).isGreaterThan(Duration.ofMillis(500));
    // The slow ping waited for most of the 1 s sleep: it is counted above 500 ms (just under or
    // just over 1 s, depending on when it was sent).
    assertThat(c.latency().stream()
        .filter(b -> b.upTo() == null || b.upTo().compareTo(Duration.ofMillis(500)) > 0)
        .mapToLong(RedisClientFigures.LatencyBucket::count).sum()).isPositive();
    assertThat(rules(monitor.report())).containsExactly("redis-slow-commands");
  }

  @Test
  void aPausedServerCountsTimeoutsAndRaisesTheTimeoutAlert() {
    RedisServer redis = server();
    Bullpen bp = connect(redis.uri(), Duration.ofMillis(100));
    RedisMonitor monitor = RedisMonitor.builder(bp).refreshInterval(Duration.ofMillis(100))
        .build();
    assertThat(monitor.report().alerts()).isEmpty();
    redis.pause();
    for (int i = 0; i < 6; i++) {
      assertThatThrownBy(bp::ping).isInstanceOf(RedisUnavailableException.class);
    }
    RedisClientFigures c = monitor.client();
    assertThat(c.timeoutsLastMinute()).isGreaterThanOrEqualTo(6);
    assertThat(c.errorsLastMinute()).isGreaterThanOrEqualTo(6);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      RedisReport r = monitor.report();
      assertThat(rules(r)).contains("redis-timeouts", "redis-unreachable");
      assertThat(r.serverError()).contains("did not answer");
      assertThat(r.server()).as("last known figures stay").isNotNull();
    });
    redis.resume();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(monitor.report().serverError()).isNull());
  }

  @Test
  void failingPersistenceIsCritical() throws Exception {
    RedisServer redis = server("--enable-protected-configs", "local");
    // A directory where the dump file should be: the save's final rename fails, even as root.
    Files.createDirectory(redis.dir().resolve("broken.rdb"));
    redis.command("CONFIG", "SET", "dbfilename", "broken.rdb");
    redis.command("SET", "k", "v");
    redis.command("BGSAVE");
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Map<String, String> p = InfoText.parse(redis.info("persistence"));
      return "0".equals(p.get("rdb_bgsave_in_progress"))
          && "err".equals(p.get("rdb_last_bgsave_status"));
    });
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    RedisMonitor monitor = RedisMonitor.create(bp);
    RedisReport report = monitor.report();
    assertThat(report.server().persistenceOk()).isFalse();
    assertThat(rules(report)).containsExactly("redis-persistence");
    assertThat(report.alerts().get(0).level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(report.findings()).filteredOn(f -> f.check().equals("persistence"))
        .extracting(Finding::severity).containsExactly(HealthLevel.CRITICAL);
  }

  @Test
  void moreThanTenConnectionsRaiseTheConnectionAlert() {
    RedisServer redis = server();
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    RedisMonitor monitor = RedisMonitor.create(bp);
    for (int i = 0; i < 11; i++) {
      QueueEvents events = bp.queueEvents(TestNames.uniqueQueue("conn"));
      toClose.add(events);
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(monitor.client().connections()).isGreaterThan(10);
      assertThat(rules(monitor.report())).containsExactly("redis-connections");
    });
  }

  @Test
  void queueFiguresEstimateMemoryAndEventsWithABoundedSample() {
    RedisServer redis = server();
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    String big = TestNames.uniqueQueue("big");
    String small = TestNames.uniqueQueue("small");
    for (int i = 0; i < 200; i++) {
      bp.queue(big).add("j", Map.of("payload", "x".repeat(1000)));
    }
    bp.queue(small).add("j", Map.of("n", 1));
    RedisMonitor monitor = RedisMonitor.builder(bp).jobSample(5).build();
    List<QueueRedisFigures> qs = monitor.queues();
    QueueRedisFigures b = qs.stream().filter(q -> q.queue().equals(big)).findFirst()
        .orElseThrow();
    QueueRedisFigures s = qs.stream().filter(q -> q.queue().equals(small)).findFirst()
        .orElseThrow();
    assertThat(b.jobs()).isEqualTo(200);
    assertThat(b.sampledJobs()).isEqualTo(5);
    assertThat(b.eventsLength()).as("an added and a waiting event per job").isEqualTo(400);
    // 200 jobs of at least 1000 bytes of data each
    assertThat(b.memoryBytes()).isGreaterThan(200_000).isLessThan(2_000_000);
    assertThat(s.jobs()).isEqualTo(1);
    assertThat(s.memoryBytes()).isLessThan(b.memoryBytes() / 20);
  }

  @Test
  void manyConcurrentReadersCostOneInfoPerInterval() throws Exception {
    RedisServer redis = server();
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    MutableClock clock = MutableClock.now();
    RedisMonitor monitor = RedisMonitor.builder(bp).clock(clock)
        .refreshInterval(Duration.ofSeconds(10)).build();
    long before = infoCalls(redis);
    int intervals = 4;
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int k = 0; k < intervals; k++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> readers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          readers.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < 50; i++) {
              assertThat(monitor.report().server()).isNotNull();
              monitor.snapshot();
              monitor.alerts();
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : readers) {
          f.get(30, TimeUnit.SECONDS);
        }
        clock.advance(Duration.ofSeconds(10));
      }
    } finally {
      pool.shutdownNow();
    }
    long after = infoCalls(redis);
    // 16 x 50 x 3 = 2400 reads per interval; the INFO commandstats read before counts once.
    assertThat(monitor.infoCommandsSent()).isEqualTo(intervals);
    assertThat(after - before - 1).isEqualTo(intervals);
  }

  @Test
  void aLowStatusCacheHitRateRaisesItsAlertUntilTheCacheWarms() {
    RedisServer redis = server();
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    JobStatusService status = JobStatusService.create(bp);
    toClose.add(status);
    MutableClock clock = MutableClock.now();
    RedisMonitor monitor = RedisMonitor.builder(bp).statusService(status).clock(clock).build();
    String queue = TestNames.uniqueQueue("status");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      ids.add(bp.queue(queue).add("j", Map.of("i", i)).id());
    }
    for (String id : ids) {
      assertThat(status.get(queue, id)).isPresent();
    }
    RedisReport cold = monitor.report();
    assertThat(cold.client().statusRequests()).isEqualTo(25);
    assertThat(cold.client().statusHitRate()).isLessThan(0.5);
    assertThat(cold.client().circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(rules(cold)).containsExactly("redis-cache-hit-rate");

    for (int round = 0; round < 4; round++) {
      for (String id : ids) {
        assertThat(status.get(queue, id)).isPresent();
      }
    }
    clock.advance(Duration.ofSeconds(10));
    RedisReport warm = monitor.report();
    assertThat(warm.client().statusRequests()).isEqualTo(100);
    assertThat(warm.client().statusHitRate()).isGreaterThan(0.5);
    assertThat(warm.alerts()).isEmpty();
  }

  @Test
  void aSlowStatusReadRaisesTheStatusDurationAlert() throws Exception {
    RedisServer redis = server();
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(5));
    JobStatusService status = JobStatusService.create(bp, StatusOptions.builder()
        .readTimeout(Duration.ofSeconds(5)).build());
    toClose.add(status);
    MutableClock clock = MutableClock.now();
    RedisMonitor monitor = RedisMonitor.builder(bp).statusService(status).clock(clock).build();
    String queue = TestNames.uniqueQueue("slow-status");
    String id = bp.queue(queue).add("j", Map.of()).id();
    assertThat(monitor.report().alerts()).isEmpty(); // the window starts here

    CompletableFuture<String> sleep = CompletableFuture.supplyAsync(
        () -> redis.command(Duration.ofSeconds(10), "DEBUG", "SLEEP", "1.5"));
    // Redis is asleep once a PING gets no answer within 50 ms.
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
      try {
        redis.command(Duration.ofMillis(50), "PING");
        return false;
      } catch (java.io.UncheckedIOException busy) {
        return true;
      }
    });
    assertThat(status.get(queue, id)).isPresent();
    assertThat(sleep.get(10, TimeUnit.SECONDS)).isEqualTo("OK");

    clock.advance(Duration.ofSeconds(10));
    RedisReport r = monitor.report();
    assertThat(r.client().statusLoadTime()).isGreaterThan(Duration.ofMillis(500));
    assertThat(rules(r)).contains("redis-status-duration", "redis-slow-commands");
  }

  @Test
  void bindToRegistersTheRedisMeters() {
    RedisServer redis = server("--maxmemory-policy", "allkeys-lru");
    Bullpen bp = connect(redis.uri(), Duration.ofSeconds(2));
    String queue = TestNames.uniqueQueue("meters");
    bp.queue(queue).add("j", Map.of());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisMonitor monitor = RedisMonitor.create(bp);
    monitor.bindTo(registry);
    assertThat(registry.get("bullpen.redis.memory.used").gauge().value()).isPositive();
    assertThat(registry.get("bullpen.redis.clients.connected").gauge().value()).isPositive();
    assertThat(registry.get("bullpen.redis.up").gauge().value()).isEqualTo(1);
    assertThat(registry.get("bullpen.redis.health").gauge().value()).isEqualTo(3);
    assertThat(registry.get("bullpen.redis.alerts").gauge().value()).isEqualTo(1);
    assertThat(registry.get("bullpen.redis.keys.evicted").functionCounter().count()).isZero();
    assertThat(registry.get("bullpen.redis.client.connections").gauge().value()).isPositive();
    assertThat(registry.get("bullpen.redis.client.commands").functionCounter().count())
        .isPositive();
    assertThat(registry.get("bullpen.redis.client.command.latency").tag("le", "+Inf")
        .functionCounter().count()).isEqualTo(
            registry.get("bullpen.redis.client.commands").functionCounter().count());
    assertThat(registry.get("bullpen.redis.queues.estimated").gauge().value()).isPositive();
    assertThat(registry.get("bullpen.redis.queue.memory").tag("queue", queue).gauge().value())
        .isPositive();
    // no tag besides le (a bucket bound) and queue (bounded by maxQueues)
    registry.getMeters().forEach(m -> assertThat(m.getId().getTags())
        .allMatch(t -> t.getKey().equals("le") || t.getKey().equals("queue")));
    long infos = monitor.infoCommandsSent();
    for (int i = 0; i < 20; i++) {
      registry.getMeters().forEach(m -> m.measure().forEach(x -> x.getValue()));
    }
    assertThat(monitor.infoCommandsSent()).as("scrapes read the cache").isEqualTo(infos);
  }
}
