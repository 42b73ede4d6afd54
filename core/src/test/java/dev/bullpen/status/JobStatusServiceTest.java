package dev.bullpen.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.JobState;
import dev.bullpen.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status cache's rules, against a fake Redis and a fake clock. */
class JobStatusServiceTest {
  private static final String Q = "renders";
  private final MutableClock clock = MutableClock.at(Instant.parse("2025-01-01T00:00:00Z"));
  private final FakeSource redis = new FakeSource(clock);
  private JobStatusService status = service(StatusOptions.builder());

  private JobStatusService service(StatusOptions.Builder b) {
    return new JobStatusService(redis, b.clock(clock).build());
  }

  @AfterEach
  void close() {
    status.close();
  }

  /** Reads one job so that the queue's events are followed; returns reads made. */
  private int follow() {
    redis.put(Q, "warmup", JobState.COMPLETED, "100");
    status.get(Q, "warmup");
    assertThat(redis.followers).containsKey(Q);
    return redis.reads.getAndSet(0);
  }

  @Test
  void firstJobOfAQueueStartsItsEventsReaderAndIsReadAgainAfterIt() {
    assertThat(follow()).as("read, follow, read again").isEqualTo(2);
    redis.put(Q, "1", JobState.WAITING, "0");
    status.get(Q, "1");
    assertThat(redis.reads.get()).isEqualTo(1);
  }

  @Test
  void repeatedReadsAreAnsweredFromTheCache() {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "10");
    for (int i = 0; i < 1000; i++) {
      assertThat(status.get(Q, "1")).get().extracting(JobView::state).isEqualTo(JobState.ACTIVE);
    }
    assertThat(redis.reads.get()).isEqualTo(1);
    assertThat(status.counters().hits()).isGreaterThanOrEqualTo(999);
  }

  @Test
  void concurrentMissesOfOneJobShareOneRead() throws Exception {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "10");
    redis.gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<Optional<JobView>>> answers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        answers.add(pool.submit(() -> status.get(Q, "1")));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> redis.reads.get() == 1);
      Thread.sleep(100); // the other callers arrive and join the read under way
      redis.gate.countDown();
      for (Future<Optional<JobView>> a : answers) {
        assertThat(a.get(5, TimeUnit.SECONDS)).isPresent();
      }
      assertThat(redis.reads.get()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void stateEventMakesTheNextReadGoToRedis() {
    follow();
    redis.put(Q, "1", JobState.WAITING, "0");
    status.get(Q, "1");
    redis.put(Q, "1", JobState.ACTIVE, "0");
    assertThat(status.get(Q, "1").orElseThrow().state()).as("no event yet: cached")
        .isEqualTo(JobState.WAITING);
    redis.emit(Q, "active", "1", "prev", "waiting");
    assertThat(status.get(Q, "1").orElseThrow().state()).isEqualTo(JobState.ACTIVE);
    assertThat(redis.reads.get()).isEqualTo(2);
  }

  @Test
  void eventsThatSayTheStateLetTheNextReadSkipTheStateScript() {
    follow();
    redis.hints.clear();
    redis.put(Q, "1", JobState.WAITING, "0");
    status.get(Q, "1");
    redis.emit(Q, "active", "1", "prev", "waiting");
    status.get(Q, "1");
    redis.emit(Q, "completed", "1", "returnvalue", "1", "prev", "active");
    status.get(Q, "1");
    redis.emit(Q, "waiting", "1", "prev", "completed"); // waiting may mean prioritized
    status.get(Q, "1");
    assertThat(redis.hints).containsExactly("none", "active", "completed", "none");
  }

  @Test
  void progressEventIsAppliedWithoutReadingRedis() {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "0");
    String before = status.get(Q, "1").orElseThrow().etag();
    redis.emit(Q, "progress", "1", "data", "{\"stage\":\"TRANSCODING\",\"percent\":40}");
    JobView v = status.get(Q, "1").orElseThrow();
    assertThat(v.progressJson()).isEqualTo("{\"stage\":\"TRANSCODING\",\"percent\":40}");
    assertThat(v.etag()).isNotEqualTo(before);
    assertThat(redis.reads.get()).isEqualTo(1);
  }

  @Test
  void readOverlappingAStateEventCannotMakeTheOldViewFresh() throws Exception {
    follow();
    redis.put(Q, "1", JobState.WAITING, "0");
    redis.gate = new CountDownLatch(1);
    redis.readStarted = new CountDownLatch(1);
    CompletableFuture<Optional<JobView>> early = CompletableFuture.supplyAsync(
        () -> status.get(Q, "1"));
    assertThat(redis.readStarted.await(5, TimeUnit.SECONDS)).isTrue();
    // The job moves on and its event is delivered while the first read is still under way.
    redis.put(Q, "1", JobState.ACTIVE, "0");
    redis.emit(Q, "active", "1", "prev", "waiting");
    redis.gate.countDown();
    assertThat(early.get(5, TimeUnit.SECONDS).orElseThrow().state())
        .as("answers the caller that was already waiting").isEqualTo(JobState.WAITING);
    redis.gate = null;
    assertThat(status.get(Q, "1").orElseThrow().state()).isEqualTo(JobState.ACTIVE);
    assertThat(redis.reads.get()).isEqualTo(2);
  }

  @Test
  void callerArrivingAfterAnEventDoesNotJoinTheOlderRead() throws Exception {
    follow();
    redis.put(Q, "1", JobState.WAITING, "0");
    redis.gate = new CountDownLatch(1);
    redis.readStarted = new CountDownLatch(1);
    CompletableFuture<Optional<JobView>> early = CompletableFuture.supplyAsync(
        () -> status.get(Q, "1"));
    assertThat(redis.readStarted.await(5, TimeUnit.SECONDS)).isTrue();
    redis.put(Q, "1", JobState.ACTIVE, "0");
    redis.emit(Q, "active", "1", "prev", "waiting");
    CompletableFuture<Optional<JobView>> late = CompletableFuture.supplyAsync(
        () -> status.get(Q, "1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> redis.reads.get() == 2);
    redis.gate.countDown();
    assertThat(early.get(5, TimeUnit.SECONDS).orElseThrow().state()).isEqualTo(JobState.WAITING);
    assertThat(late.get(5, TimeUnit.SECONDS).orElseThrow().state()).isEqualTo(JobState.ACTIVE);
  }

  @Test
  void progressEventDuringAReadIsPatchedIntoItsResult() throws Exception {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "10");
    redis.gate = new CountDownLatch(1);
    redis.readStarted = new CountDownLatch(1);
    CompletableFuture<Optional<JobView>> first = CompletableFuture.supplyAsync(
        () -> status.get(Q, "1"));
    assertThat(redis.readStarted.await(5, TimeUnit.SECONDS)).isTrue();
    redis.emit(Q, "progress", "1", "data", "60");
    redis.gate.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS).orElseThrow().progressJson()).isEqualTo("60");
    assertThat(status.get(Q, "1").orElseThrow().progressJson()).isEqualTo("60");
    assertThat(redis.reads.get()).isEqualTo(1);
  }

  @Test
  void removedEventAnswersEmptyWithoutReading() {
    follow();
    redis.put(Q, "1", JobState.COMPLETED, "100");
    status.get(Q, "1");
    redis.jobs.remove(Q + "/1");
    redis.emit(Q, "removed", "1", "prev", "completed");
    assertThat(status.get(Q, "1")).isEmpty();
    assertThat(redis.reads.get()).isEqualTo(1);
  }

  @Test
  void missingJobIsCachedUntilItIsAdded() {
    follow();
    assertThat(status.get(Q, "7")).isEmpty();
    assertThat(status.get(Q, "7")).isEmpty();
    assertThat(redis.reads.get()).isEqualTo(1);
    redis.put(Q, "7", JobState.WAITING, "0");
    redis.emit(Q, "added", "7", "name", "render");
    assertThat(status.get(Q, "7")).isPresent();
  }

  @Test
  void cleanedEventOutdatesEveryViewOfTheQueue() {
    follow();
    redis.put(Q, "1", JobState.COMPLETED, "100");
    status.get(Q, "1");
    redis.jobs.remove(Q + "/1");
    redis.emit(Q, "cleaned", null, "count", "1");
    assertThat(status.get(Q, "1")).isEmpty();
  }

  @Test
  void ttlIsOnlyASafetyNetForLostEvents() {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "0");
    redis.put(Q, "2", JobState.COMPLETED, "100");
    status.get(Q, "1");
    status.get(Q, "2");
    redis.put(Q, "1", JobState.COMPLETED, "100"); // changed, but its event was lost
    clock.advance(Duration.ofSeconds(29));
    assertThat(status.get(Q, "1").orElseThrow().state()).isEqualTo(JobState.ACTIVE);
    clock.advance(Duration.ofSeconds(2));
    assertThat(status.get(Q, "1").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(redis.reads.get()).isEqualTo(3);
    status.get(Q, "2");
    assertThat(redis.reads.get()).as("finished jobs stay cached past the active TTL")
        .isEqualTo(3);
    clock.advance(Duration.ofMinutes(5));
    status.get(Q, "2");
    assertThat(redis.reads.get()).isEqualTo(4);
  }

  @Test
  void failingRedisGivesTheLastKnownViewMarkedStaleWithItsAge() {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "30");
    status.get(Q, "1");
    redis.emit(Q, "progress", "1", "data", "40");
    redis.emit(Q, "completed", "1", "returnvalue", "\"ok\"", "prev", "active");
    redis.down = true;
    clock.advance(Duration.ofSeconds(3));
    JobView v = status.get(Q, "1").orElseThrow();
    assertThat(v.stale()).isTrue();
    assertThat(v.age()).isEqualTo(Duration.ofSeconds(3));
    assertThat(v.progressJson()).isEqualTo("40");
    assertThat(status.counters().staleAnswers()).isEqualTo(1);
    assertThatThrownBy(() -> status.get(Q, "never-seen"))
        .isInstanceOf(StatusUnavailableException.class)
        .hasMessageContaining("never-seen").hasMessageContaining(Q);
  }

  @Test
  void aSlowRedisCannotHoldACallerLongerThanTheReadTimeout() {
    status.close();
    status = service(StatusOptions.builder().readTimeout(Duration.ofMillis(150)));
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "0");
    status.get(Q, "1");
    redis.emit(Q, "completed", "1", "prev", "active");
    redis.delayMillis = 3000;
    long t0 = System.nanoTime();
    assertThat(status.get(Q, "1").orElseThrow().stale()).isTrue();
    assertThatThrownBy(() -> status.get(Q, "other")).isInstanceOf(
        StatusUnavailableException.class).hasMessageContaining("150 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void breakerOpensAfterRepeatedFailuresAndATrialReadClosesIt() {
    status.close();
    status = service(StatusOptions.builder().failureThreshold(3)
        .openDuration(Duration.ofSeconds(5)));
    follow();
    redis.down = true;
    for (int i = 0; i < 3; i++) {
      String id = "j" + i;
      assertThatThrownBy(() -> status.get(Q, id)).isInstanceOf(StatusUnavailableException.class);
    }
    assertThat(status.circuitState()).isEqualTo(CircuitState.OPEN);
    int reads = redis.reads.get();
    assertThatThrownBy(() -> status.get(Q, "j9")).hasMessageContaining("circuit breaker");
    assertThat(redis.reads.get()).as("no read while open").isEqualTo(reads);
    redis.down = false;
    redis.put(Q, "j9", JobState.WAITING, "0");
    clock.advance(Duration.ofSeconds(5));
    assertThat(status.circuitState()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(status.get(Q, "j9")).isPresent();
    assertThat(status.circuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void cachedAnswersAreFlaggedStaleOnceAPingFails() {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "0");
    status.get(Q, "1");
    redis.down = true;
    clock.advance(Duration.ofSeconds(2));
    status.get(Q, "1"); // a hit, which sends a ping in the background
    await().atMost(Duration.ofSeconds(5)).until(status::redisFailing);
    assertThat(status.get(Q, "1").orElseThrow().stale()).isTrue();
    redis.down = false;
    clock.advance(Duration.ofSeconds(2));
    status.get(Q, "1");
    await().atMost(Duration.ofSeconds(5)).until(() -> !status.redisFailing());
    assertThat(status.get(Q, "1").orElseThrow().stale()).isFalse();
  }

  @Test
  void watchersGetEveryChangeOnceAndNothingAfterClose() {
    follow();
    redis.put(Q, "1", JobState.WAITING, "0");
    List<String> seen = new CopyOnWriteArrayList<>();
    Subscription sub = status.watch(Q, "1", v -> seen.add(v.state().wireName() + " "
        + v.progressJson()));
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
    redis.put(Q, "1", JobState.ACTIVE, "0");
    redis.emit(Q, "active", "1");
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
    redis.emit(Q, "progress", "1", "data", "50");
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
    assertThat(seen).containsExactly("waiting 0", "active 0", "active 50");
    assertThat(redis.reads.get()).as("one read per state change, none for progress")
        .isEqualTo(2);
    sub.close();
    redis.emit(Q, "progress", "1", "data", "60");
    assertThat(status.get(Q, "1").orElseThrow().progressJson()).isEqualTo("60");
    assertThat(seen).hasSize(3);
  }

  @Test
  void awaitChangeCompletesOnChangeOrWithTheSameViewAtTheDeadline() throws Exception {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "0");
    String etag = status.get(Q, "1").orElseThrow().etag();
    CompletableFuture<Optional<JobView>> same = status.awaitChange(Q, "1", etag,
        Duration.ofMillis(200));
    assertThat(same.get(5, TimeUnit.SECONDS).orElseThrow().etag()).isEqualTo(etag);
    CompletableFuture<Optional<JobView>> changed = status.awaitChange(Q, "1", etag,
        Duration.ofSeconds(30));
    Thread.sleep(100);
    assertThat(changed).isNotDone();
    redis.emit(Q, "progress", "1", "data", "5");
    assertThat(changed.get(5, TimeUnit.SECONDS).orElseThrow().progressJson()).isEqualTo("5");
  }

  @Test
  void logsOfAnActiveJobAreReadAgainAfterAFewSecondsOrWhenTheJobChanges() {
    follow();
    redis.put(Q, "1", JobState.ACTIVE, "0");
    status.get(Q, "1");
    assertThat(status.logs(Q, "1").rows()).containsExactly("row 1");
    assertThat(status.logs(Q, "1").rows()).containsExactly("row 1");
    redis.emit(Q, "progress", "1", "data", "9");
    assertThat(status.logs(Q, "1").rows()).containsExactly("row 2");
    clock.advance(Duration.ofSeconds(6));
    assertThat(status.logs(Q, "1").rows()).containsExactly("row 3");
    redis.down = true;
    clock.advance(Duration.ofSeconds(6));
    assertThat(status.logs(Q, "1")).isEqualTo(new JobLogs(List.of("row 3"), true));
  }

  @Test
  void theCacheStaysWithinItsSizeBound() {
    status.close();
    status = service(StatusOptions.builder().maximumSize(20));
    follow();
    for (int i = 0; i < 200; i++) {
      redis.put(Q, "j" + i, JobState.COMPLETED, "100");
      status.get(Q, "j" + i);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> status.counters().size() <= 20);
    assertThat(status.counters().evictions()).isPositive();
    assertThat(status.counters().redisReads()).isEqualTo(200 + 2);
  }

  @Test
  void malformedNamesAreRefusedBeforeAnyRead() {
    assertThatThrownBy(() -> status.get("a:b", "1")).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> status.get(Q, "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jobId");
    assertThat(redis.reads.get()).isZero();
  }
}
