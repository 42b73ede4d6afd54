package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobNotFoundException;
import dev.bullpen.JobOptions;
import dev.bullpen.JobState;
import dev.bullpen.JobStateException;
import dev.bullpen.NewJob;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.testing.MutableClock;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every admin operation against a real redis-server, with real failed jobs from a worker. */
@RedisTest
class AdminIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private final RedisServer redis;
  private final MutableClock clock = MutableClock.at(T0);
  private Bullpen bp;
  private Admin admin;
  private String name;
  private Queue<Object> queue;

  AdminIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.builder().uri(redis.uri()).clock(clock).build();
    admin = Admin.create(bp);
    name = TestNames.uniqueQueue("admin");
    queue = bp.queue(name);
  }

  @AfterEach
  void tearDown() {
    bp.close();
  }

  /** Starts a worker (attempts come from the jobs) that fails every job named "bad*". */
  private Worker<Object> failingWorker() {
    return bp.worker(name, Object.class, j -> {
      j.log("trying " + j.name());
      if (j.name().startsWith("bad")) {
        j.updateProgress(40);
        throw new IllegalStateException("broken " + j.name() + " #" + j.attemptsMade());
      }
      return Map.of("ok", true);
    });
  }

  private static JobOptions attempts(int n) {
    return JobOptions.builder().attempts(n).build();
  }

  private String digest() {
    return redis.command("DEBUG", "DIGEST") + "/" + redis.dbSize();
  }

  @Test
  void queuesAndStatsShowCountsAndThePausedFlag() {
    String other = TestNames.uniqueQueue("admin-other");
    queue.add("a", 1);
    queue.add("b", 2, JobOptions.builder().delay(Duration.ofMinutes(1)).build());
    bp.queue(other).add("c", 3);
    admin.pause(other);

    List<QueueSummary> all = admin.queues();

    assertThat(all).extracting(QueueSummary::name).contains(name, other);
    QueueSummary mine = all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    assertThat(mine.paused()).isFalse();
    assertThat(mine.counts().waiting()).isEqualTo(1);
    assertThat(mine.counts().delayed()).isEqualTo(1);
    QueueSummary paused = admin.stats(other);
    assertThat(paused.paused()).isTrue();
    assertThat(paused.counts().waiting()).isEqualTo(1);
    admin.resume(other);
    assertThat(admin.stats(other).paused()).isFalse();
  }

  @Test
  void queueListSkipsKeysThatNameNoValidQueue() {
    queue.add("a", 1);
    redis.command("SET", "bull:evil\u0007name:id", "1");

    assertThat(admin.queues()).extracting(QueueSummary::name).contains(name)
        .doesNotContain("evil\u0007name");
  }

  @Test
  void timingsAndReportFollowTheJobsTimestamps() {
    // Jobs 1..10 added at T0; the handler moves the clock on by 100 ms x its number, so each
    // job's processing time is known exactly, and each waits for the ones before it.
    for (int k = 1; k <= 10; k++) {
      queue.add(k == 10 ? "bad" : "ok", k);
    }
    clock.advance(Duration.ofSeconds(2));
    bp.worker(name, Integer.class, j -> {
      clock.advance(Duration.ofMillis(100L * j.data()));
      if (j.name().equals("bad")) {
        throw new IllegalStateException("no");
      }
      return null;
    });
    await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 9
        && queue.getJobCounts().failed() == 1);

    List<JobTiming> timings = admin.recentTimings(name, 50);

    assertThat(timings).hasSize(10);
    assertThat(timings.get(0).id()).isEqualTo("10");
    assertThat(timings.get(0).state()).isEqualTo(JobState.FAILED);
    assertThat(timings).extracting(JobTiming::finishedOn).isSortedAccordingTo(
        java.util.Comparator.reverseOrder());
    for (JobTiming t : timings) {
      long k = Long.parseLong(t.id());
      assertThat(t.processingTime()).isEqualTo(Duration.ofMillis(100 * k));
      // Job k starts when jobs 1..k-1 are done: 2 s + 100 ms x (1 + ... + k-1).
      assertThat(t.waitTime()).isEqualTo(Duration.ofMillis(2000 + 50 * k * (k - 1)));
      assertThat(t.totalTime()).isEqualTo(t.waitTime().plus(t.processingTime()));
    }
    assertThat(admin.recentTimings(name, 3)).extracting(JobTiming::id)
        .containsExactly("10", "9", "8");

    TimingReport report = admin.timingReport(name, 50);
    assertThat(report.sampled()).isEqualTo(10);
    assertThat(report.processingTime().count()).isEqualTo(10);
    assertThat(report.processingTime().average()).isEqualTo(Duration.ofMillis(550));
    assertThat(report.processingTime().p50()).isEqualTo(Duration.ofMillis(500));
    assertThat(report.processingTime().p95()).isEqualTo(Duration.ofMillis(1000));
    assertThat(report.processingTime().p99()).isEqualTo(Duration.ofMillis(1000));
    assertThat(report.waitTime().p50()).isEqualTo(Duration.ofMillis(2000 + 50 * 5 * 4));
    assertThat(report.waitTime().p95()).isEqualTo(Duration.ofMillis(2000 + 50 * 10 * 9));
  }

  @Test
  void jobListsPageNewestFirstAndSearchByIdOrName() {
    List<NewJob<Object>> jobs = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      jobs.add(new NewJob<>(i % 3 == 0 ? "send-SMS" : "email", i, JobOptions.DEFAULT));
    }
    queue.addBulk(jobs);
    queue.add("custom", 0, JobOptions.builder().jobId("order-7").build());

    JobPage first = admin.jobs(name, JobState.WAITING, 0, 9, null);
    JobPage third = admin.jobs(name, JobState.WAITING, 20, 29, "  ");

    assertThat(first.total()).isEqualTo(31);
    assertThat(first.jobs()).extracting(Job::id).containsExactly("order-7", "30", "29", "28",
        "27", "26", "25", "24", "23", "22");
    assertThat(third.jobs()).extracting(Job::id).containsExactly("11", "10", "9", "8", "7", "6",
        "5", "4", "3", "2");
    JobPage sms = admin.jobs(name, JobState.WAITING, 0, 49, "sms");
    assertThat(sms.total()).isEqualTo(10);
    assertThat(sms.jobs()).allMatch(j -> j.name().equals("send-SMS"));
    JobPage smsPage = admin.jobs(name, JobState.WAITING, 8, 20, "sms");
    assertThat(smsPage.jobs()).extracting(Job::id).containsExactly("6", "3");
    assertThat(admin.jobs(name, JobState.WAITING, 0, 9, "order-7").jobs())
        .extracting(Job::id).containsExactly("order-7");
    assertThat(admin.jobs(name, JobState.WAITING, 0, 9, "17").jobs()).extracting(Job::id)
        .containsExactly("17");
    assertThat(admin.jobs(name, JobState.DELAYED, 0, 9, "17").total()).isZero();
    assertThat(admin.jobs(name, JobState.WAITING, 0, 9, "nothing-like-it").total()).isZero();
  }

  @Test
  void nameSearchLooksOnlyAtTheNewestJobsButIdsAreFoundAnywhere() {
    Job<Object> old = queue.add("needle", 0);
    List<NewJob<Object>> filler = new ArrayList<>();
    for (int i = 0; i < Admin.SEARCH_SCAN_LIMIT; i++) {
      filler.add(new NewJob<>("hay", i, JobOptions.DEFAULT));
    }
    queue.addBulk(filler);

    assertThat(admin.jobs(name, JobState.WAITING, 0, 9, "needle").total()).isZero();
    assertThat(admin.jobs(name, JobState.WAITING, 0, 9, old.id()).jobs()).extracting(Job::id)
        .containsExactly(old.id());
  }

  @Test
  void jobDetailCarriesEverythingOfAFailedJob() {
    Job<Object> added = queue.add("bad-render", Map.of("file", "a.mp4"), attempts(2));
    failingWorker();
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);

    JobDetail d = admin.job(name, added.id());

    assertThat(d.state()).isEqualTo(JobState.FAILED);
    assertThat(d.job().dataJson()).isEqualTo("{\"file\":\"a.mp4\"}");
    assertThat(d.job().opts().attempts()).isEqualTo(2);
    assertThat(d.job().attemptsMade()).isEqualTo(2);
    assertThat(d.job().failedReason()).isEqualTo("broken bad-render #1");
    assertThat(d.job().stacktrace()).hasSize(2);
    assertThat(d.job().progressJson()).isEqualTo("40");
    assertThat(d.logs()).containsExactly("trying bad-render", "trying bad-render");
    assertThat(d.waitTime()).isNotNull();
    assertThat(d.processingTime()).isEqualTo(Duration.between(d.job().processedOn(),
        d.job().finishedOn()));
  }

  @Test
  void retryPromoteRemoveActOnOneJob() {
    Job<Object> failed = queue.add("bad-one", 1, attempts(1));
    Worker<Object> w = failingWorker();
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);
    w.close();
    Job<Object> delayed = queue.add("later", 2, JobOptions.builder()
        .delay(Duration.ofHours(1)).build());
    Job<Object> waiting = queue.add("now", 3);

    assertThat(admin.retry(name, failed.id())).isEqualTo(JobState.WAITING);
    assertThat(queue.getJob(failed.id()).orElseThrow().attemptsMade()).isEqualTo(1);
    assertThat(admin.promote(name, delayed.id())).isEqualTo(JobState.WAITING);
    admin.remove(name, waiting.id());

    assertThat(queue.getJob(waiting.id())).isEmpty();
    assertThat(queue.getJobCounts().waiting()).isEqualTo(2);
    assertThat(queue.getJobCounts().failed()).isZero();
  }

  @Test
  void retryFailedTakesAgeAndNameFiltersInBatchesWithProgress() {
    Worker<Object> w = failingWorker();
    for (int i = 0; i < 5; i++) {
      queue.add("bad-a", i, attempts(1));
      queue.add("bad-b", i, attempts(1));
    }
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 10);
    clock.advance(Duration.ofHours(1));
    queue.add("bad-a", 99, attempts(1));
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 11);
    w.close();
    List<long[]> calls = new CopyOnWriteArrayList<>();

    long retried = admin.retryFailed(name, JobFilter.ALL.olderThan(Duration.ofMinutes(30))
        .named("bad-a"), 2, (done, total) -> calls.add(new long[] {done, total}));

    assertThat(retried).isEqualTo(5);
    assertThat(queue.getJobCounts().waiting()).isEqualTo(5);
    assertThat(queue.getJobs(JobState.WAITING, 0, -1, true)).allMatch(j ->
        j.name().equals("bad-a") && j.finishedOn() == null);
    assertThat(queue.getJobCounts().failed()).isEqualTo(6);
    assertThat(calls.size()).isGreaterThan(2);
    assertThat(calls).extracting(c -> c[0]).isSorted();
    assertThat(calls.get(calls.size() - 1)).containsExactly(5, 5);
    assertThat(calls.subList(0, calls.size() - 1)).allMatch(c -> c[1] == 11);

    assertThat(admin.retryFailed(name, JobFilter.ALL, 1000, null)).isEqualTo(6);
    assertThat(queue.getJobCounts().failed()).isZero();
  }

  @Test
  void cleanRemovesOldJobsOfOneStateInBatches() {
    List<NewJob<Object>> old = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      old.add(new NewJob<>("old", i, JobOptions.DEFAULT));
    }
    queue.addBulk(old);
    queue.add("delayed-old", 0, JobOptions.builder().delay(Duration.ofDays(1)).build());
    clock.advance(Duration.ofHours(1));
    queue.add("fresh", 0);
    List<Long> progress = new CopyOnWriteArrayList<>();

    long removed = admin.clean(name, JobState.WAITING, Duration.ofMinutes(30), 0, 10,
        (done, total) -> progress.add(done));

    assertThat(removed).isEqualTo(25);
    assertThat(progress).containsExactly(10L, 20L, 25L, 25L);
    assertThat(queue.getJobs(JobState.WAITING, 0, -1, true)).extracting(Job::name)
        .containsExactly("fresh");
    assertThat(queue.getJobCounts().delayed()).isEqualTo(1);
    assertThat(admin.clean(name, JobState.WAITING, Duration.ZERO, 0, 10, null)).isEqualTo(1);
    assertThat(admin.clean(name, JobState.DELAYED, Duration.ZERO, 0, 10, null)).isEqualTo(1);
    assertThat(redis.command("EXISTS", "bull:" + name + ":1")).isEqualTo("0");
  }

  @Test
  void cleanStopsAtTheLimit() {
    for (int i = 0; i < 7; i++) {
      queue.add("x", i);
    }
    assertThat(admin.clean(name, JobState.WAITING, Duration.ZERO, 5, 2, null)).isEqualTo(5);
    assertThat(queue.getJobCounts().waiting()).isEqualTo(2);
  }

  @Test
  void deadLettersAreFailedJobsAfterTheirLastAttemptAndRequeueResetsAttempts() {
    Worker<Object> w = failingWorker();
    Job<Object> a = queue.add("bad-a", Map.of("n", 1), attempts(2));
    Job<Object> b = queue.add("bad-b", Map.of("n", 2), attempts(2));
    Job<Object> c = queue.add("bad-a", Map.of("n", 3), attempts(2));
    queue.add("fine", Map.of("n", 4), attempts(2));
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 3
        && queue.getJobCounts().completed() == 1);
    w.close();

    DeadLetterPage page = admin.deadLetters(name, 0, 49);

    assertThat(page.total()).isEqualTo(3);
    assertThat(page.jobs()).extracting(DeadLetter::id)
        .containsExactlyInAnyOrder(a.id(), b.id(), c.id());
    DeadLetter first = page.jobs().stream().filter(d -> d.id().equals(b.id())).findFirst()
        .orElseThrow();
    assertThat(first.name()).isEqualTo("bad-b");
    assertThat(first.failedReason()).isEqualTo("broken bad-b #1");
    assertThat(first.attemptsMade()).isEqualTo(2);
    assertThat(first.attempts()).isEqualTo(2);
    assertThat(first.stacktrace()).hasSize(2).allMatch(s -> s.contains("IllegalStateException"));
    assertThat(first.finishedOn()).isNotNull();
    assertThat(first.dataJson()).isEqualTo("{\"n\":2}");
    assertThat(admin.deadLetters(name, 1, 1).jobs()).hasSize(1);

    assertThat(admin.requeueDeadLetter(name, b.id())).isEqualTo(JobState.WAITING);
    Job<Object> again = queue.getJob(b.id()).orElseThrow();
    assertThat(again.attemptsMade()).isZero();
    assertThat(again.failedReason()).isNull();
    List<Long> progress = new ArrayList<>();
    assertThat(admin.requeueDeadLetters(name, JobFilter.ALL.named("bad-a"), 1,
        (done, total) -> progress.add(done))).isEqualTo(2);
    assertThat(progress).endsWith(2L);
    assertThat(queue.getJobCounts().failed()).isZero();
    assertThat(queue.getJob(c.id()).orElseThrow().attemptsMade()).isZero();

    // Requeued with attempts reset, each dead letter gets both attempts again.
    failingWorker();
    await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 3);
    assertThat(queue.getJob(a.id()).orElseThrow().attemptsMade()).isEqualTo(2);
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    Job<Object> waiting = queue.add("w", 1);
    Job<Object> delayed = queue.add("d", 2, JobOptions.builder().delay(Duration.ofHours(1))
        .build());
    String unknown = TestNames.uniqueQueue("admin-missing");
    String before = digest();

    List<ThrowingCallable> queueMissing = List.of(
        () -> admin.stats(unknown),
        () -> admin.recentTimings(unknown, 10),
        () -> admin.jobs(unknown, JobState.FAILED, 0, 9, null),
        () -> admin.job(unknown, "1"),
        () -> admin.retry(unknown, "1"),
        () -> admin.promote(unknown, "1"),
        () -> admin.remove(unknown, "1"),
        () -> admin.pause(unknown),
        () -> admin.resume(unknown),
        () -> admin.retryFailed(unknown, JobFilter.ALL, 10, null),
        () -> admin.clean(unknown, JobState.COMPLETED, Duration.ZERO, 0, 10, null),
        () -> admin.deadLetters(unknown, 0, 9),
        () -> admin.requeueDeadLetter(unknown, "1"),
        () -> admin.requeueDeadLetters(unknown, JobFilter.ALL, 10, null));
    for (ThrowingCallable call : queueMissing) {
      assertThatThrownBy(call).isInstanceOf(QueueNotFoundException.class)
          .hasMessageContaining(unknown);
    }

    List<ThrowingCallable> badValues = List.of(
        () -> admin.stats("a:b"),
        () -> admin.stats(""),
        () -> admin.pause("evil\nname"),
        () -> admin.recentTimings(name, 0),
        () -> admin.recentTimings(name, Admin.MAX_TIMINGS + 1),
        () -> admin.jobs(name, JobState.WAITING, -1, 9, null),
        () -> admin.jobs(name, JobState.WAITING, 5, 4, null),
        () -> admin.jobs(name, JobState.WAITING, 0, Long.MAX_VALUE, null),
        () -> admin.jobs(name, JobState.UNKNOWN, 0, 9, null),
        () -> admin.jobs(name, null, 0, 9, null),
        () -> admin.jobs(name, JobState.WAITING, 0, 9, "x".repeat(1025)),
        () -> admin.job(name, ""),
        () -> admin.job(name, "1\r\n"),
        () -> admin.remove(name, "y".repeat(1025)),
        () -> admin.retryFailed(name, JobFilter.ALL, 0, null),
        () -> admin.retryFailed(name, JobFilter.ALL, Admin.MAX_BATCH_SIZE + 1, null),
        () -> admin.retryFailed(name, null, 10, null),
        () -> admin.requeueDeadLetters(name, new JobFilter(Duration.ofSeconds(-1), null), 10,
            null),
        () -> admin.clean(name, JobState.ACTIVE, Duration.ZERO, 0, 10, null),
        () -> admin.clean(name, JobState.WAITING, Duration.ofSeconds(-1), 0, 10, null),
        () -> admin.clean(name, JobState.WAITING, Duration.ZERO, -1, 10, null),
        () -> admin.deadLetters(name, 0, Admin.MAX_PAGE));
    for (int i = 0; i < badValues.size(); i++) {
      assertThatThrownBy(badValues.get(i)).as("bad value #" + i)
          .isInstanceOf(IllegalArgumentException.class);
    }

    // Ids that are no job, including ones naming the queue's own keys.
    for (String id : List.of("999", "meta", "id", "events", waiting.id() + ":logs", "wait")) {
      assertThatThrownBy(() -> admin.job(name, id)).isInstanceOf(JobNotFoundException.class)
          .hasMessageContaining(id);
      assertThatThrownBy(() -> admin.remove(name, id)).isInstanceOf(JobNotFoundException.class);
      assertThatThrownBy(() -> admin.retry(name, id)).isInstanceOf(JobNotFoundException.class);
      assertThatThrownBy(() -> admin.requeueDeadLetter(name, id))
          .isInstanceOf(JobNotFoundException.class);
    }

    // Wrong state for the action.
    assertThatThrownBy(() -> admin.retry(name, waiting.id()))
        .isInstanceOf(JobStateException.class).hasMessageContaining("waiting");
    assertThatThrownBy(() -> admin.promote(name, waiting.id()))
        .isInstanceOf(JobStateException.class).hasMessageContaining("not delayed");
    assertThatThrownBy(() -> admin.requeueDeadLetter(name, delayed.id()))
        .isInstanceOf(JobStateException.class).hasMessageContaining("delayed");

    assertThat(digest()).isEqualTo(before);
    assertThat(redis.command("EXISTS", "bull:" + unknown + ":meta")).isEqualTo("0");
  }

  @Test
  void removeRefusesAJobAWorkerHolds() throws Exception {
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Job<Object> job = queue.add("slow", 1);
    bp.worker(name, Object.class, j -> {
      running.countDown();
      release.await();
      return null;
    });
    assertThat(running.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    try {
      assertThatThrownBy(() -> admin.remove(name, job.id()))
          .isInstanceOf(JobStateException.class).hasMessageContaining("holds");
      assertThat(queue.getState(job.id())).isEqualTo(JobState.ACTIVE);
    } finally {
      release.countDown();
    }
  }
}
