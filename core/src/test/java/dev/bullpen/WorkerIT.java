package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Worker behaviour: ordering, results, failures, retention, concurrency and limits. */
@RedisTest
class WorkerIT {
  static final Duration WAIT = Duration.ofSeconds(20);
  private final RedisServer redis;
  private Bullpen bp;
  private String name;
  private Queue<Object> queue;

  WorkerIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.connect(redis.uri());
    name = TestNames.uniqueQueue("w");
    queue = bp.queue(name);
  }

  @AfterEach
  void tearDown() {
    bp.close();
  }

  private String key(String suffix) {
    return "bull:" + name + ":" + suffix;
  }

  private List<String> processOrder(int jobs) {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    bp.worker(name, Object.class, j -> order.add(j.name()));
    await().atMost(WAIT).until(() -> order.size() == jobs);
    return order;
  }

  /**
   * Fetched jobs come back from Redis as one packed (msgpack) reply per call; every byte of a
   * job's name and data must survive it, whatever the characters and sizes, in the first fetch
   * and in the fetches that ride on batched completions.
   */
  @Test
  void fetchedJobsKeepTheirNameAndDataExactly() {
    String[] texts = {"", "plain", "déjà vu ✓ 日本語 \uD83D\uDE80", "\u0000\u00ff\u0080 \\ \"q\"",
        "x".repeat(40), "y".repeat(300), "z".repeat(70_000)};
    Map<String, String> expected = new ConcurrentHashMap<>();
    List<NewJob<Object>> jobs = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String text = texts[i % texts.length] + i;
      String jobName = "n-" + texts[(i + 3) % texts.length].substring(0,
          Math.min(20, texts[(i + 3) % texts.length].length())) + i;
      jobs.add(NewJob.of(jobName, Map.of("text", text)));
      expected.put(jobName, text);
    }
    queue.addBulk(jobs);
    Map<String, String> seen = new ConcurrentHashMap<>();
    bp.worker(name, Object.class, j -> {
      seen.put(j.name(), (String) ((Map<?, ?>) j.data()).get("text"));
      return null;
    }, WorkerOptions.builder().concurrency(20).build());
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 400);
    assertThat(seen).isEqualTo(expected);
  }

  /**
   * Completion listeners are user code and may block. Batched completions tell them on the
   * finisher's thread, after the jobs fetched with those completions have been started and the
   * next batch sent from the connection's thread: a listener blocking there holds up neither the
   * other jobs nor the client's Redis traffic.
   */
  @Test
  void aListenerBlockingTheFinisherThreadHoldsUpNoOtherJob() throws Exception {
    List<NewJob<Object>> jobs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      jobs.add(NewJob.of("j", i));
    }
    queue.addBulk(jobs);
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger told = new AtomicInteger();
    AtomicBoolean blockOnce = new AtomicBoolean(true);
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Worker<Object> worker = bp.worker(name, Object.class, j -> ran.incrementAndGet(),
        WorkerOptions.builder().concurrency(10).autorun(false).build());
    worker.addListener(new WorkerListener<>() {
      @Override
      public void onCompleted(Job<Object> job, Object result) {
        told.incrementAndGet();
        if (Thread.currentThread().getName().startsWith("bullpen-finish-")
            && blockOnce.compareAndSet(true, false)) {
          blocked.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    });
    worker.start();
    try {
      assertThat(blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      await().atMost(WAIT).until(() -> ran.get() == 300);
      assertThat(queue.getJobCounts().waiting()).isZero();
      assertThat(told.get()).isLessThan(300);
    } finally {
      release.countDown();
    }
    await().atMost(WAIT).until(() -> told.get() == 300);
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 300);
  }

  @Test
  void processesFifoByDefault() {
    for (int i = 0; i < 5; i++) {
      queue.add("j" + i, i);
    }
    assertThat(processOrder(5)).containsExactly("j0", "j1", "j2", "j3", "j4");
  }

  @Test
  void lifoJobsJumpTheLine() {
    queue.add("a", 1);
    queue.add("b", 2);
    queue.add("c", 3, JobOptions.builder().lifo(true).build());
    assertThat(processOrder(3)).containsExactly("c", "a", "b");
  }

  @Test
  void plainJobsBeforePrioritizedAndLowerPriorityNumbersFirst() {
    queue.add("p3", 1, JobOptions.builder().priority(3).build());
    queue.add("p1a", 1, JobOptions.builder().priority(1).build());
    queue.add("p1b", 1, JobOptions.builder().priority(1).build());
    queue.add("plain", 1);
    assertThat(processOrder(4)).containsExactly("plain", "p1a", "p1b", "p3");
  }

  @Test
  void delayedJobsRunWhenDueInDueOrder() {
    queue.add("late", 1, JobOptions.builder().delay(Duration.ofMillis(900)).build());
    queue.add("early", 1, JobOptions.builder().delay(Duration.ofMillis(300)).build());
    queue.add("now", 1);
    List<String> order = processOrder(3);
    assertThat(order).containsExactly("now", "early", "late");
    Job<Object> late = queue.getJob("1").orElseThrow();
    assertThat(late.processedOn().toEpochMilli() - late.timestamp().toEpochMilli())
        .isGreaterThanOrEqualTo(900);
  }

  @Test
  void completionStoresResultAndBullmqFields() {
    queue.add("sum", Map.of("a", 2, "b", 3));
    bp.worker(name, Map.class, j -> ((Integer) j.data().get("a")) + (Integer) j.data().get("b"),
        WorkerOptions.builder().name("w1").build());
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1);
    Job<Object> job = queue.getJob("1").orElseThrow();
    assertThat(job.returnValueJson()).isEqualTo("5");
    assertThat(job.attemptsMade()).isEqualTo(1);
    assertThat(job.attemptsStarted()).isEqualTo(1);
    assertThat(job.processedBy()).isEqualTo("w1");
    assertThat(job.finishedOn()).isNotNull();
    assertThat(job.getState()).isEqualTo(JobState.COMPLETED);
    assertThat(redis.command("ZSCORE", key("completed"), "1"))
        .isEqualTo(Long.toString(job.finishedOn().toEpochMilli()));
    assertThat(redis.command("EXISTS", key("1:lock"))).isEqualTo("0");
    assertThat(redis.command("LLEN", key("active"))).isEqualTo("0");
  }

  @Test
  void everyJsonKindOfReturnValueIsStored() {
    List<Object> values = List.of(Map.of("k", List.of(1, 2)), List.of("a"), "text", 1.5, true);
    for (int i = 0; i < values.size(); i++) {
      queue.add("r", i);
    }
    bp.worker(name, Integer.class, j -> values.get(j.data()));
    queue.add("null", 99);
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() + queue.getJobCounts()
        .failed() == values.size() + 1);
    assertThat(queue.getJob("1").orElseThrow().returnValueJson()).isEqualTo("{\"k\":[1,2]}");
    assertThat(queue.getJob("2").orElseThrow().returnValueJson()).isEqualTo("[\"a\"]");
    assertThat(queue.getJob("3").orElseThrow().returnValueJson()).isEqualTo("\"text\"");
    assertThat(queue.getJob("4").orElseThrow().returnValueJson()).isEqualTo("1.5");
    assertThat(queue.getJob("5").orElseThrow().returnValueJson()).isEqualTo("true");
  }

  @Test
  void unrecoverableFailureSkipsRemainingAttempts() {
    queue.add("bad", 1, JobOptions.builder().attempts(5).build());
    AtomicInteger runs = new AtomicInteger();
    bp.worker(name, Object.class, j -> {
      runs.incrementAndGet();
      throw new UnrecoverableJobException("no way");
    });
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);
    Job<Object> job = queue.getJob("1").orElseThrow();
    assertThat(runs.get()).isEqualTo(1);
    assertThat(job.failedReason()).isEqualTo("no way");
    assertThat(job.attemptsMade()).isEqualTo(1);
    assertThat(job.stacktrace()).hasSize(1);
  }

  @Test
  void immediateRetriesThenFinalFailureEmitsRetriesExhausted() {
    queue.add("flaky", 1, JobOptions.builder().attempts(3).build());
    bp.worker(name, Object.class, j -> {
      throw new IllegalStateException("boom " + j.attemptsMade());
    });
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);
    Job<Object> job = queue.getJob("1").orElseThrow();
    assertThat(job.attemptsMade()).isEqualTo(3);
    assertThat(job.attemptsStarted()).isEqualTo(3);
    assertThat(job.failedReason()).isEqualTo("boom 2");
    assertThat(job.stacktrace()).hasSize(3);
    String events = redis.command("XRANGE", key("events"), "-", "+");
    assertThat(events).contains("retries-exhausted").contains("attemptsMade\n3");
  }

  @Test
  void succeedsOnALaterAttempt() {
    queue.add("flaky", 1, JobOptions.builder().attempts(3)
        .backoff(Backoff.fixed(Duration.ofMillis(50))).build());
    bp.worker(name, Object.class, j -> {
      if (j.attemptsMade() < 2) {
        throw new IllegalStateException("not yet");
      }
      return "done";
    });
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1);
    Job<Object> job = queue.getJob("1").orElseThrow();
    assertThat(job.attemptsMade()).isEqualTo(3);
    assertThat(job.returnValueJson()).isEqualTo("\"done\"");
    assertThat(job.failedReason()).isEqualTo("not yet");
  }

  @Test
  void customBackoffStrategyCanStopRetrying() {
    queue.add("c", 1, JobOptions.builder().attempts(10)
        .backoff(Backoff.custom("mine", Duration.ofMillis(10))).build());
    AtomicInteger runs = new AtomicInteger();
    bp.worker(name, Object.class, j -> {
      runs.incrementAndGet();
      throw new IllegalStateException("x");
    }, WorkerOptions.builder().backoffStrategy((made, type, err, job) -> made >= 2 ? -1 : 5)
        .build());
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void deferredFailureFailsWithoutRunningTheHandler() {
    queue.add("stalled-too-often", 1);
    redis.command("HSET", key("1"), "defa", "job stalled more than allowable limit");
    AtomicInteger runs = new AtomicInteger();
    bp.worker(name, Object.class, j -> runs.incrementAndGet());
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);
    Job<Object> job = queue.getJob("1").orElseThrow();
    assertThat(runs.get()).isZero();
    assertThat(job.failedReason()).isEqualTo("job stalled more than allowable limit");
    assertThat(job.fields()).doesNotContainKey("defa");
  }

  @Test
  void retentionByCountDeletesOlderJobs() {
    for (int i = 0; i < 6; i++) {
      queue.add("r", i, i == 5 ? JobOptions.builder().removeOnComplete(KeepJobs.NONE).build()
          : JobOptions.DEFAULT);
    }
    bp.worker(name, Object.class, j -> null,
        WorkerOptions.builder().removeOnComplete(KeepJobs.last(2)).build());
    await().atMost(WAIT).until(() -> redis.command("EXISTS", key("6")).equals("0")
        && queue.getJobCounts().unfinished() == 0);
    assertThat(queue.getJobs(JobState.COMPLETED, 0, -1, true)).extracting(Job::id)
        .containsExactly("4", "5");
    assertThat(redis.command("EXISTS", key("1"))).isEqualTo("0");
    assertThat(redis.command("EXISTS", key("6:logs"))).isEqualTo("0");
  }

  @Test
  void retentionByAgeDeletesJobsFinishedLongerAgo() {
    queue.add("old", 1);
    bp.worker(name, Object.class, j -> null, WorkerOptions.builder()
        .removeOnComplete(KeepJobs.maxAge(Duration.ofSeconds(1))).build());
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1);
    // Make job 1 look finished an hour ago; the next completion sweeps it.
    redis.command("ZADD", key("completed"), "1000", "1");
    queue.add("new", 2);
    await().atMost(WAIT).until(() -> redis.command("EXISTS", key("1")).equals("0"));
    assertThat(queue.getJobs(JobState.COMPLETED, 0, -1, true)).extracting(Job::id)
        .containsExactly("2");
  }

  @Test
  void concurrencyRunsJobsInParallelAndFetchesInBatches() throws Exception {
    int n = 20;
    CountDownLatch allIn = new CountDownLatch(10);
    for (int i = 0; i < n; i++) {
      queue.add("p", i);
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    bp.worker(name, Object.class, j -> {
      int now = running.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      allIn.countDown();
      allIn.await(5, TimeUnit.SECONDS);
      running.decrementAndGet();
      return null;
    }, WorkerOptions.builder().concurrency(10).build());
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == n);
    assertThat(peak.get()).isEqualTo(10);
  }

  @Test
  void busyWorkersRecordCompletionsInBatches() {
    int n = 2000;
    List<NewJob<Object>> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(NewJob.of("b", i));
    }
    queue.addBulk(jobs);
    AtomicInteger completed = new AtomicInteger();
    long before = bp.commandsSent();
    bp.worker(name, Object.class, j -> null, WorkerOptions.builder().concurrency(50).build())
        .addListener(new WorkerListener<>() {
          @Override
          public void onCompleted(Job<Object> job, Object result) {
            completed.incrementAndGet();
          }
        });
    await().atMost(WAIT).until(() -> completed.get() == n);
    long calls = bp.commandsSent() - before;
    // One call per job would be 2000; group commit records many completions per call.
    assertThat(calls).isLessThan(n / 2);
    JobCounts counts = queue.getJobCounts();
    assertThat(counts.completed()).isEqualTo(n);
    assertThat(counts.unfinished()).isZero();
    Job<Object> any = queue.getJob("1234").orElseThrow();
    assertThat(any.attemptsMade()).isEqualTo(1);
    assertThat(any.attemptsStarted()).isEqualTo(1);
    assertThat(any.returnValueJson()).isEqualTo("null");
    assertThat(any.finishedOn()).isNotNull();
  }

  @Test
  void globalConcurrencyCapsActiveJobsAcrossWorkers() {
    queue.setGlobalConcurrency(2);
    for (int i = 0; i < 12; i++) {
      queue.add("g", i);
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    JobHandler<Object, Object> h = j -> {
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      Thread.sleep(50);
      running.decrementAndGet();
      return null;
    };
    WorkerOptions o = WorkerOptions.builder().concurrency(5).drainDelay(Duration.ofMillis(200))
        .build();
    bp.worker(name, Object.class, h, o);
    bp.worker(name, Object.class, h, o);
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 12);
    assertThat(peak.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void workerRateLimiterSpacesJobStarts() {
    for (int i = 0; i < 9; i++) {
      queue.add("r", i);
    }
    Map<String, Long> started = new ConcurrentHashMap<>();
    bp.worker(name, Object.class, j -> started.put(j.id(), System.nanoTime()),
        WorkerOptions.builder().concurrency(5).limiter(3, Duration.ofMillis(700)).build());
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 9);
    List<Long> times = new ArrayList<>(started.values());
    Collections.sort(times);
    // 9 jobs at 3 per window need at least three windows: two full windows must pass.
    assertThat(TimeUnit.NANOSECONDS.toMillis(times.get(8) - times.get(0)))
        .isGreaterThanOrEqualTo(1300);
    assertThat(queue.getJobCounts().delayed()).isZero();
  }

  @Test
  void globalRateLimitFromMetaAppliesToEveryWorker() {
    queue.setGlobalRateLimit(2, Duration.ofMillis(600));
    for (int i = 0; i < 6; i++) {
      queue.add("r", i);
    }
    Map<String, Long> started = new ConcurrentHashMap<>();
    bp.worker(name, Object.class, j -> started.put(j.id(), System.nanoTime()),
        WorkerOptions.builder().concurrency(4).build());
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 6);
    List<Long> times = new ArrayList<>(started.values());
    Collections.sort(times);
    assertThat(TimeUnit.NANOSECONDS.toMillis(times.get(5) - times.get(0)))
        .isGreaterThanOrEqualTo(1100);
  }

  @Test
  void pausedQueueStartsNothingUntilResumed() throws Exception {
    queue.pause();
    queue.add("a", 1);
    AtomicInteger runs = new AtomicInteger();
    bp.worker(name, Object.class, j -> runs.incrementAndGet(),
        WorkerOptions.builder().drainDelay(Duration.ofMillis(100)).build());
    Thread.sleep(500);
    assertThat(runs.get()).isZero();
    assertThat(queue.getJobCounts().waiting()).isEqualTo(1);
    queue.resume();
    await().atMost(WAIT).until(() -> runs.get() == 1);
  }

  @Test
  void handlerCanDelayItsJobWithoutSpendingAnAttempt() {
    queue.add("step", 1);
    AtomicInteger runs = new AtomicInteger();
    bp.worker(name, Object.class, j -> {
      if (runs.incrementAndGet() == 1) {
        throw new DelayJobException(Duration.ofMillis(200));
      }
      return "second";
    });
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1);
    assertThat(queue.getJob("1").orElseThrow().attemptsMade()).isEqualTo(1);
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void retryAndRetryJobsRunFailedJobsAgain() {
    AtomicInteger runs = new AtomicInteger();
    queue.add("f", 1);
    queue.add("f", 2);
    bp.worker(name, Object.class, j -> {
      if (runs.incrementAndGet() <= 2) {
        throw new IllegalStateException("first time fails");
      }
      return "ok";
    });
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 2);
    queue.getJob("1").orElseThrow().retry();
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1);
    assertThat(queue.retryJobs()).isEqualTo(1);
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 2);
    Job<Object> job = queue.getJob("2").orElseThrow();
    assertThat(job.failedReason()).isNull();
    assertThat(job.returnValueJson()).isEqualTo("\"ok\"");
  }

  @Test
  void idleWorkerBlocksInsteadOfPolling() throws Exception {
    bp.worker(name, Object.class, j -> null,
        WorkerOptions.builder().drainDelay(Duration.ofSeconds(30)).build());
    Thread.sleep(500);
    redis.command("CONFIG", "RESETSTAT");
    Thread.sleep(2000);
    String stats = redis.info("commandstats");
    long total = 0;
    for (String line : stats.split("\r?\n")) {
      int i = line.indexOf("calls=");
      if (i > 0) {
        total += Long.parseLong(line.substring(i + 6, line.indexOf(',', i)));
      }
    }
    // No busy polling: over 2 s an idle worker sends nothing (it sits in BZPOPMIN).
    assertThat(total).isLessThanOrEqualTo(1);
    queue.add("wake", 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> queue.getJobCounts().completed() == 1);
  }

  private long calls(String command) {
    for (String line : redis.info("commandstats").split("\\r?\\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        int i = line.indexOf("calls=");
        return Long.parseLong(line.substring(i + 6, line.indexOf(',', i)));
      }
    }
    return 0;
  }

  @Test
  void aJobArrivingAloneCostsOneFetchCall() throws Exception {
    AtomicInteger done = new AtomicInteger();
    bp.worker(name, Object.class, j -> done.incrementAndGet(), WorkerOptions.builder()
        .concurrency(10).stalledInterval(Duration.ofSeconds(60)).build());
    // A first job loads every script into Redis, so no NOSCRIPT fallback is counted below.
    queue.add("warm", 0);
    await().atMost(WAIT).until(() -> done.get() == 1);
    Thread.sleep(300);
    redis.command("CONFIG", "RESETSTAT");
    for (int i = 2; i <= 11; i++) {
      queue.add("alone", i);
      int n = i;
      await().atMost(WAIT).until(() -> done.get() == n);
    }
    Thread.sleep(300);
    // Per job: the add, one moveToActive (it takes the last ready job, so the worker blocks on
    // the marker next instead of fetching again) and the completion. Fetching again after each
    // job would make it 40.
    assertThat(calls("evalsha") + calls("eval")).isEqualTo(30);
    assertThat(calls("bzpopmin")).isBetween(10L, 11L);
    assertThat(queue.getJobCounts().completed()).isEqualTo(11);
  }

  @Test
  void aDelayedJobFallingDueWhileAnotherRunsStartsOnTime() throws Exception {
    AtomicInteger done = new AtomicInteger();
    bp.worker(name, Object.class, j -> done.incrementAndGet(), WorkerOptions.builder()
        .drainDelay(Duration.ofSeconds(60)).stalledInterval(Duration.ofSeconds(60)).build());
    Thread.sleep(500);
    queue.add("later", 1, JobOptions.builder().delay(Duration.ofMillis(1000)).build());
    Thread.sleep(200);
    // Taking this one empties the wait list; the worker must still wake when "later" is due
    // (the fetch tells it when), not at the end of its 60 s block.
    queue.add("now", 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 2);
    Job<Object> later = queue.getJob("1").orElseThrow();
    assertThat(later.processedOn().toEpochMilli() - later.timestamp().toEpochMilli())
        .isBetween(1000L, 5000L);
  }

  @Test
  void anIdleWorkerRenewsItsBlockWithoutFetching() throws Exception {
    bp.worker(name, Object.class, j -> null, WorkerOptions.builder()
        .drainDelay(Duration.ofMillis(300)).stalledInterval(Duration.ofSeconds(60)).build());
    Thread.sleep(500);
    redis.command("CONFIG", "RESETSTAT");
    Thread.sleep(2000);
    // Blocks of 300 ms end with nothing popped: each is renewed, and no script runs (the
    // stalled check, due in a minute, is what would set a missing marker).
    assertThat(calls("bzpopmin")).isGreaterThanOrEqualTo(4);
    assertThat(calls("evalsha") + calls("eval")).isZero();
    queue.add("wake", 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> queue.getJobCounts().completed() == 1);
  }

  @Test
  void theStalledCheckWakesAnIdleWorkerForJobsLeftWithoutAMarker() throws Exception {
    queue.pause();
    AtomicInteger done = new AtomicInteger();
    bp.worker(name, Object.class, j -> done.incrementAndGet(), WorkerOptions.builder()
        .drainDelay(Duration.ofSeconds(60)).stalledInterval(Duration.ofMillis(500)).build());
    Thread.sleep(500);
    queue.add("left", 1);
    // Unpaused behind the worker's back: the job is ready, but no marker says so.
    redis.command("HDEL", key("meta"), "paused");
    assertThat(redis.command("EXISTS", key("marker"))).isEqualTo("0");
    await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 1);
  }
}
