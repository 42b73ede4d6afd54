package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The kept list of queue names: when it scans again, and that scans never overlap. */
class QueueNameIndexTest {
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-25T10:00:00Z"));
  private final AtomicInteger scans = new AtomicInteger();
  private volatile List<String> names = List.of("a", "b");

  private QueueNameIndex index(Duration ttl) {
    return new QueueNameIndex(() -> {
      scans.incrementAndGet();
      return names;
    }, clock, ttl);
  }

  @Test
  void keepsTheListForTheTtlThenScansAgain() {
    QueueNameIndex index = index(Duration.ofSeconds(10));
    assertThat(index.names()).containsExactly("a", "b");
    names = List.of("a", "b", "c");
    clock.advance(Duration.ofMillis(9_999));
    assertThat(index.names()).containsExactly("a", "b");
    assertThat(scans).hasValue(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(index.names()).containsExactly("a", "b", "c");
    assertThat(scans).hasValue(2);
  }

  @Test
  void aClockThatWentBackMakesTheListStale() {
    QueueNameIndex index = index(Duration.ofSeconds(10));
    index.names();
    clock.advance(Duration.ofSeconds(-1));
    index.names();
    assertThat(scans).hasValue(2);
  }

  @Test
  void aZeroTtlScansEveryTime() {
    QueueNameIndex index = index(Duration.ZERO);
    index.names();
    index.names();
    assertThat(scans).hasValue(2);
  }

  @Test
  void aFailedScanIsNotKept() {
    AtomicInteger calls = new AtomicInteger();
    QueueNameIndex index = new QueueNameIndex(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("redis down");
      }
      return List.of("a");
    }, clock, Duration.ofSeconds(10));
    assertThatThrownBy(index::names).hasMessage("redis down");
    assertThat(index.names()).containsExactly("a");
    assertThat(calls).hasValue(2);
  }

  @Test
  void callersArrivingDuringAScanWaitForItAndShareItsResult() throws Exception {
    CountDownLatch inScan = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    QueueNameIndex index = new QueueNameIndex(() -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      scans.incrementAndGet();
      inScan.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
      return List.of("x");
    }, clock, Duration.ofSeconds(10));

    List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(6, r -> {
      Thread t = new Thread(r);
      threads.add(t);
      return t;
    });
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      results.add(pool.submit(index::names));
      assertThat(inScan.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 5; i++) {
        results.add(pool.submit(index::names));
      }
      // The five wait at the lock for the running scan, none starts its own.
      await().atMost(Duration.ofSeconds(10)).until(() -> threads.stream()
          .filter(t -> t.getState() == Thread.State.BLOCKED).count() == 5);
      release.countDown();
      for (Future<List<String>> r : results) {
        assertThat(r.get(10, TimeUnit.SECONDS)).containsExactly("x");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(scans).hasValue(1);
    assertThat(most).hasValue(1);
  }
}
