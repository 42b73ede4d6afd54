package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bullpen.testing.MutableClock;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Producer-side behaviour against a real redis-server, checked against BullMQ's layout. */
@RedisTest
class QueueIT {
  private final RedisServer redis;
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-25T10:00:00Z"));
  private Bullpen bp;
  private String name;
  private Queue<Object> queue;

  QueueIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.builder().uri(redis.uri()).clock(clock).build();
    name = TestNames.uniqueQueue("q");
    queue = bp.queue(name);
  }

  @AfterEach
  void tearDown() {
    bp.close();
  }

  private String key(String suffix) {
    return "bull:" + name + ":" + suffix;
  }

  private List<String> events() {
    String raw = redis.command("XRANGE", key("events"), "-", "+");
    List<String> names = new ArrayList<>();
    List<String> lines = Arrays.asList(raw.split("\n"));
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).equals("event")) {
        names.add(lines.get(i + 1));
      }
    }
    return names;
  }

  @Test
  void addStoresBullmqJobHashAndWakesWorkers() {
    Job<Object> job = queue.add("std", Map.of("a", 1));
    assertThat(job.id()).isEqualTo("1");
    Map<String, String> hash = queue.getJob("1").orElseThrow().fields();
    assertThat(hash).containsOnlyKeys("name", "data", "opts", "timestamp", "delay", "priority");
    assertThat(hash).containsEntry("name", "std").containsEntry("data", "{\"a\":1}")
        .containsEntry("opts", "{\"attempts\":0}").containsEntry("delay", "0")
        .containsEntry("priority", "0")
        .containsEntry("timestamp", Long.toString(clock.millis()));
    assertThat(redis.command("LRANGE", key("wait"), "0", "-1")).isEqualTo("1");
    assertThat(redis.command("ZSCORE", key("marker"), "0")).isEqualTo("0");
    assertThat(events()).containsExactly("added", "waiting");
    assertThat(redis.command("HGET", key("meta"), "opts.maxLenEvents")).isEqualTo("10000");
  }

  @Test
  void customIdMakesAddIdempotent() {
    JobOptions opts = JobOptions.builder().jobId("order-7").build();
    queue.add("first", Map.of("v", 1), opts);
    Job<Object> again = queue.add("second", Map.of("v", 2), opts);
    assertThat(again.id()).isEqualTo("order-7");
    Job<Object> stored = queue.getJob("order-7").orElseThrow();
    assertThat(stored.name()).isEqualTo("first");
    assertThat(stored.dataJson()).isEqualTo("{\"v\":1}");
    assertThat(queue.getJobCounts().waiting()).isEqualTo(1);
    assertThat(events()).containsExactly("added", "waiting", "duplicated");
    assertThat(redis.command("GET", key("id"))).isEqualTo("2");
  }

  @Test
  void delayedJobsAreScoredByDueTimeTimesFourThousandNinetySix() {
    queue.add("d1", 1, JobOptions.builder().delay(Duration.ofSeconds(60)).build());
    queue.add("d2", 2, JobOptions.builder().delay(Duration.ofSeconds(60)).build());
    long due = clock.millis() + 60_000;
    assertThat(redis.command("ZSCORE", key("delayed"), "1")).isEqualTo(Long.toString(due * 4096));
    assertThat(redis.command("ZSCORE", key("delayed"), "2"))
        .isEqualTo(Long.toString(due * 4096 + 1));
    assertThat(redis.command("ZSCORE", key("marker"), "1")).isEqualTo(Long.toString(due));
    assertThat(queue.getJob("1").orElseThrow().optsJson()).isEqualTo(
        "{\"delay\":60000,\"attempts\":0}");
    assertThat(queue.getState("1")).isEqualTo(JobState.DELAYED);
    String raw = redis.command("XRANGE", key("events"), "-", "+");
    assertThat(raw).contains("delay\n" + due);
  }

  @Test
  void prioritizedJobsAreScoredByPriorityAndCounter() {
    queue.add("p", 1, JobOptions.builder().priority(5).build());
    queue.add("p", 2, JobOptions.builder().priority(5).build());
    assertThat(redis.command("ZSCORE", key("prioritized"), "1")).isEqualTo("21474836481");
    assertThat(redis.command("ZSCORE", key("prioritized"), "2")).isEqualTo("21474836482");
    assertThat(redis.command("GET", key("pc"))).isEqualTo("2");
    assertThat(queue.getState("2")).isEqualTo(JobState.PRIORITIZED);
    assertThat(queue.getJobCounts().prioritized()).isEqualTo(2);
  }

  @Test
  void idsPastThreeHundredMillionStayDecimal() {
    redis.command("SET", key("id"), "299999999");
    assertThat(queue.add("a", 1).id()).isEqualTo("300000000");
    assertThat(queue.add("b", 1, JobOptions.builder().priority(3).build()).id())
        .isEqualTo("300000001");
    assertThat(queue.add("c", 1, JobOptions.builder().delay(Duration.ofSeconds(5)).build()).id())
        .isEqualTo("300000002");
    assertThat(redis.command("EXISTS", key("300000002"))).isEqualTo("1");
  }

  @Test
  void addBulkSendsOneScriptCallPerThousandJobs() {
    List<NewJob<Object>> jobs = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      jobs.add(NewJob.of("bulk", Map.of("seq", i)));
    }
    long before = bp.gateway().calls();
    List<Job<Object>> added = queue.addBulk(jobs);
    assertThat(bp.gateway().calls() - before).isEqualTo(3);
    assertThat(added).hasSize(2500);
    assertThat(added.get(2499).id()).isEqualTo("2500");
    assertThat(queue.getJobCounts().waiting()).isEqualTo(2500);
    List<Job<Object>> oldest = queue.getJobs(JobState.WAITING, 0, 2, true);
    assertThat(oldest).extracting(Job::id).containsExactly("1", "2", "3");
    List<Job<Object>> newest = queue.getJobs(JobState.WAITING, 0, 1, false);
    assertThat(newest).extracting(Job::id).containsExactly("2500", "2499");
  }

  @Test
  void badInputFailsClearlyAndWritesNothing() {
    long keys = redis.dbSize();
    assertThatThrownBy(() -> bp.queue("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queue name");
    assertThatThrownBy(() -> bp.queue("a:b")).hasMessageContaining("':'");
    for (String id : List.of("0", "42", "-3", "a:b", "0:x", "active", "meta", "stalled-check",
        "wait", "events", "", "bad\nid")) {
      assertThatThrownBy(() -> JobOptions.builder().jobId(id))
          .as("id '%s'", id).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("jobId");
    }
    assertThatThrownBy(() -> JobOptions.builder().delay(Duration.ofMillis(-1)))
        .hasMessageContaining("delay");
    assertThatThrownBy(() -> JobOptions.builder().priority(2_097_152))
        .hasMessageContaining("priority");
    assertThatThrownBy(() -> JobOptions.builder().priority(-1)).hasMessageContaining("priority");
    assertThatThrownBy(() -> JobOptions.builder().attempts(0)).hasMessageContaining("attempts");
    assertThatThrownBy(() -> Backoff.fixed(Duration.ofSeconds(1)).withJitter(2))
        .hasMessageContaining("jitter");
    Object unserializable = new Object() {
      @SuppressWarnings("unused")
      public Object getSelf() {
        return this;
      }
    };
    assertThatThrownBy(() -> queue.add("x", unserializable))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data");
    String big = "x".repeat(Bullpen.DEFAULT_MAX_DATA_BYTES);
    assertThatThrownBy(() -> queue.add("x", big)).hasMessageContaining("over the limit");
    // A bad job in a bulk add stops the whole batch before anything is sent.
    assertThatThrownBy(() -> queue.addBulk(List.of(NewJob.of("ok", 1),
        NewJob.of("bad", unserializable)))).hasMessageContaining("jobs[1].data");
    assertThat(redis.dbSize()).isEqualTo(keys);
  }

  @Test
  void pauseKeepsJobsWaitingAndResumeRestoresTheMarker() {
    queue.pause();
    assertThat(queue.isPaused()).isTrue();
    queue.add("a", 1);
    assertThat(redis.command("EXISTS", key("marker"))).isEqualTo("0");
    assertThat(queue.getJobCounts().waiting()).isEqualTo(1);
    queue.resume();
    assertThat(queue.isPaused()).isFalse();
    assertThat(redis.command("ZSCORE", key("marker"), "0")).isEqualTo("0");
    assertThat(events()).containsSubsequence("paused", "resumed");
  }

  @Test
  void resumeMigratesALegacyPausedList() {
    for (int i = 1; i <= 3; i++) {
      redis.command("HSET", key("l" + i), "name", "legacy", "data", "{}", "opts", "{}");
      redis.command("LPUSH", key("paused"), "l" + i);
    }
    queue.pause();
    queue.resume();
    assertThat(redis.command("EXISTS", key("paused"))).isEqualTo("0");
    assertThat(queue.getJobs(JobState.WAITING, 0, -1, true)).extracting(Job::id)
        .containsExactly("l1", "l2", "l3");
  }

  @Test
  void progressAndLogsAreStoredAndAnnounced() {
    Job<Object> job = queue.add("p", 1, JobOptions.builder().keepLogs(2).build());
    job.updateProgress(42);
    assertThat(queue.getJob(job.id()).orElseThrow().progressJson()).isEqualTo("42");
    job.updateProgress(Map.of("step", 2));
    assertThat(queue.getJob(job.id()).orElseThrow().progress()).isEqualTo(Map.of("step", 2));
    assertThat(job.log("one")).isEqualTo(1);
    job.log("two");
    assertThat(job.log("three")).isEqualTo(2);
    assertThat(queue.getJobLogs(job.id(), 0, -1)).containsExactly("two", "three");
    assertThat(events()).containsSubsequence("progress", "progress");
    assertThatThrownBy(() -> queue.getJob(job.id()).orElseThrow().updateProgress(new Object() {
      @SuppressWarnings("unused")
      public Object getSelf() {
        return this;
      }
    })).isInstanceOf(IllegalArgumentException.class);
    redis.command("DEL", key(job.id()));
    assertThatThrownBy(() -> job.updateProgress(1)).isInstanceOf(JobNotFoundException.class);
  }

  @Test
  void removePromoteDrainAndClean() {
    queue.add("a", 1);
    queue.add("b", 2, JobOptions.builder().delay(Duration.ofHours(1)).build());
    queue.add("c", 3, JobOptions.builder().priority(1).build());
    assertThat(queue.remove("1")).isTrue();
    assertThat(queue.remove("1")).isFalse();
    assertThat(redis.command("EXISTS", key("1"))).isEqualTo("0");
    assertThat(events()).contains("removed");
    queue.getJob("2").orElseThrow().promote();
    assertThat(queue.getState("2")).isEqualTo(JobState.WAITING);
    assertThat(redis.command("HGET", key("2"), "delay")).isEqualTo("0");
    assertThatThrownBy(() -> queue.getJob("2").orElseThrow().promote())
        .isInstanceOf(JobStateException.class);
    queue.add("d", 4, JobOptions.builder().delay(Duration.ofHours(1)).build());
    assertThat(queue.drain(false)).isEqualTo(2);
    assertThat(queue.getJobCounts().delayed()).isEqualTo(1);
    assertThat(queue.drain(true)).isEqualTo(1);
    assertThat(queue.getJobCounts().unfinished()).isZero();

    queue.add("old", 1);
    clock.advance(Duration.ofMinutes(10));
    queue.add("new", 2);
    List<String> cleaned = queue.clean(Duration.ofMinutes(5), 0, JobState.WAITING);
    assertThat(cleaned).containsExactly("5");
    assertThat(queue.getJobs(JobState.WAITING, 0, -1, true)).extracting(Job::id)
        .containsExactly("6");
    assertThat(events()).contains("cleaned");
  }

  @Test
  void promoteJobsMakesEveryDelayedJobReady() {
    queue.add("a", 1, JobOptions.builder().delay(Duration.ofHours(1)).build());
    queue.add("b", 2, JobOptions.builder().delay(Duration.ofHours(2)).priority(4).build());
    assertThat(queue.promoteJobs()).isEqualTo(2);
    JobCounts c = queue.getJobCounts();
    assertThat(c.delayed()).isZero();
    assertThat(c.waiting()).isEqualTo(1);
    assertThat(c.prioritized()).isEqualTo(1);
    assertThat(redis.command("HGET", key("1"), "delay")).isEqualTo("0");
  }

  @Test
  void cleanRemovesFinishedJobsOlderThanTheGrace() {
    for (int i = 1; i <= 3; i++) {
      queue.add("f", i);
      redis.command("RPOP", key("wait"));
      redis.command("ZADD", key("failed"), Long.toString(clock.millis() - i * 60_000L),
          Integer.toString(i));
    }
    List<String> removed = queue.clean(Duration.ofSeconds(90), 0, JobState.FAILED);
    assertThat(removed).containsExactlyInAnyOrder("2", "3");
    assertThat(redis.command("EXISTS", key("2"))).isEqualTo("0");
    assertThat(queue.getJobCounts().failed()).isEqualTo(1);
    assertThat(queue.clean(Duration.ZERO, 1, JobState.FAILED)).containsExactly("1");
  }

  @Test
  void obliterateRemovesEveryKeyOfThePausedQueue() {
    for (int i = 0; i < 2500; i++) {
      queue.add("j", i, i % 3 == 0 ? JobOptions.builder().delay(Duration.ofHours(1)).build()
          : JobOptions.DEFAULT);
    }
    queue.getJob("2").orElseThrow().log("row");
    queue.obliterate(false);
    String keys = redis.command("KEYS", "bull:" + name + ":*");
    assertThat(keys == null ? "" : keys).isEmpty();
  }

  @Test
  void obliterateRefusesActiveJobsUnlessForced() {
    queue.add("a", 1);
    redis.command("RPOPLPUSH", key("wait"), key("active"));
    assertThatThrownBy(() -> queue.obliterate(false)).isInstanceOf(JobStateException.class)
        .hasMessageContaining("active");
    queue.obliterate(true);
    assertThat(redis.command("EXISTS", key("1"))).isEqualTo("0");
  }

  @Test
  void globalConcurrencyAndRateLimitLiveInMeta() {
    queue.setGlobalConcurrency(3);
    queue.setGlobalRateLimit(10, Duration.ofSeconds(2));
    assertThat(redis.command("HMGET", key("meta"), "concurrency", "max", "duration"))
        .isEqualTo("3\n10\n2000");
    queue.removeGlobalConcurrency();
    queue.removeGlobalRateLimit();
    assertThat(redis.command("HLEN", key("meta"))).isEqualTo("0");
    assertThatThrownBy(() -> queue.setGlobalConcurrency(0)).hasMessageContaining("concurrency");
  }

  @Test
  void addAsyncKeepsManyAddsInFlightFromOneThreadAndStoresWhatAddStores() throws Exception {
    Job<Object> sync = queue.add("render", Map.of("n", 0), JobOptions.builder().attempts(3)
        .build());
    List<java.util.concurrent.CompletableFuture<Job<Object>>> futures = new ArrayList<>();
    for (int i = 1; i <= 500; i++) {
      futures.add(queue.addAsync("render", Map.of("n", i), JobOptions.builder().attempts(3)
          .build()));
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (var f : futures) {
      ids.add(f.get(10, java.util.concurrent.TimeUnit.SECONDS).id());
    }
    assertThat(ids).hasSize(500).doesNotContain(sync.id());
    assertThat(queue.getJobCounts().waiting()).isEqualTo(501);
    Job<Object> async = futures.get(0).get();
    Map<String, String> a = bp.queue(name).getJob(async.id()).orElseThrow().fields();
    Map<String, String> b = bp.queue(name).getJob(sync.id()).orElseThrow().fields();
    assertThat(a.keySet()).isEqualTo(b.keySet());
    assertThat(a.get("opts")).isEqualTo(b.get("opts"));
    assertThat(events().stream().filter("added"::equals).count()).isEqualTo(501);
  }

  @Test
  void addAsyncRejectsBadInputAtOnceAndWritesNothing() {
    long before = redis.dbSize();
    assertThatThrownBy(() -> queue.addAsync("x".repeat(2000), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    assertThatThrownBy(() -> queue.addAsync(null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(redis.dbSize()).isEqualTo(before);
  }

  @Test
  void addAsyncFailsWithRedisUnavailableWhenRedisIsGone() throws Exception {
    try (RedisServer own = RedisServer.start();
        Bullpen b = Bullpen.builder().uri(own.uri()).commandTimeout(Duration.ofMillis(500))
            .build()) {
      Queue<Object> q = b.queue(name);
      q.addAsync("ok", 1).get(5, java.util.concurrent.TimeUnit.SECONDS);
      own.kill();
      var failed = q.addAsync("lost", 2);
      assertThatThrownBy(() -> failed.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .hasCauseInstanceOf(RedisUnavailableException.class);
    }
  }

  /**
   * Adds made while one is in flight share script calls (group commit), and one thread's adds
   * get increasing ids in call order.
   */
  @Test
  void concurrentAsyncAddsShareScriptCallsAndKeepCallOrder() throws Exception {
    try (RedisServer own = RedisServer.start(); Bullpen b = Bullpen.connect(own.uri())) {
      Queue<Object> q = b.queue(name);
      q.add("warm", 0); // scripts loaded, connection up
      long before = evalCalls(own);
      List<java.util.concurrent.CompletableFuture<Job<Object>>> futures = new ArrayList<>();
      for (int i = 1; i <= 1000; i++) {
        futures.add(q.addAsync("n", Map.of("n", i)));
      }
      List<Long> ids = new ArrayList<>();
      for (var f : futures) {
        ids.add(Long.parseLong(f.get(10, java.util.concurrent.TimeUnit.SECONDS).id()));
      }
      long calls = evalCalls(own) - before;
      assertThat(ids).isSorted().doesNotHaveDuplicates().hasSize(1000);
      assertThat(q.getJobCounts().waiting()).isEqualTo(1001);
      // One call per add would be 1,000.
      assertThat(calls).isLessThan(100);
      Job<Object> last = q.getJob(String.valueOf(ids.get(999))).orElseThrow();
      assertThat(last.dataJson()).isEqualTo("{\"n\":1000}");
    }
  }

  private static long evalCalls(RedisServer redis) {
    long n = 0;
    for (String line : redis.info("commandstats").split("\\r?\\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        String calls = line.substring(line.indexOf("calls=") + 6);
        n += Long.parseLong(calls.substring(0, calls.indexOf(',')));
      }
    }
    return n;
  }
}
