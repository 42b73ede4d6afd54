package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's hand-off of fetched jobs to processor threads, without Redis. */
class HandoffTest {
  private final ExecutorService pool = Worker.newProcessorPool("handoff-test", 8);

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void everyItemOfEveryProducerRunsExactlyOnce() throws Exception {
    int producers = 4;
    int each = 20_000;
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger twice = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(producers * each);
    Handoff<Integer> h = new Handoff<>(pool, i -> {
      if (!seen.add(i)) {
        twice.incrementAndGet();
      }
      done.countDown();
    }, i -> { });
    Thread[] threads = new Thread[producers];
    for (int p = 0; p < producers; p++) {
      int base = p * each;
      threads[p] = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          h.offer(base + i);
          if (i % 1000 == 0) {
            Thread.yield();
          }
        }
      });
      threads[p].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(done.await(20, TimeUnit.SECONDS)).as("all items ran").isTrue();
    assertThat(seen).hasSize(producers * each);
    assertThat(twice.get()).isZero();
    assertThat(h.queued()).isZero();
  }

  @Test
  void itemsNeverWaitBehindOneThatIsStillRunning() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch quickOnes = new CountDownLatch(20);
    // Tasks submitted before open() start only then: every item is queued before any thread
    // looks, so only a thread that takes an item can start the others' threads.
    List<Runnable> held = new CopyOnWriteArrayList<>();
    AtomicInteger open = new AtomicInteger();
    java.util.concurrent.Executor gated = r -> {
      if (open.get() == 0) {
        held.add(r);
      } else {
        pool.execute(r);
      }
    };
    Handoff<String> h = new Handoff<>(gated, s -> {
      if (s.equals("slow")) {
        await(release);
      } else if (s.startsWith("busy")) {
        // Each holds its thread until every quick item has run: they must run elsewhere.
        await(quickOnes);
      } else {
        quickOnes.countDown();
      }
    }, s -> { });
    h.offer("slow");
    for (int i = 0; i < 3; i++) {
      h.offer("busy" + i);
    }
    for (int i = 0; i < 20; i++) {
      h.offer("quick" + i);
    }
    assertThat(held).hasSize(1);
    open.set(1);
    held.forEach(pool::execute);
    assertThat(quickOnes.await(10, TimeUnit.SECONDS)).as("quick items ran beside blocked ones")
        .isTrue();
    release.countDown();
  }

  @Test
  void itemsQueuedWhenTheExecutorRefusesGoToRejected() {
    ExecutorService closed = Executors.newSingleThreadExecutor();
    closed.shutdown();
    List<String> rejected = new CopyOnWriteArrayList<>();
    List<String> ran = new CopyOnWriteArrayList<>();
    Handoff<String> h = new Handoff<>(closed, ran::add, rejected::add);
    h.offer("a");
    h.offer("b");
    assertThat(ran).isEmpty();
    assertThat(rejected).containsExactly("a", "b");
    assertThat(h.queued()).isZero();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
