package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An add whose reply is lost is reported as unknown; retrying with its custom id is safe. */
@RedisTest
class AddOutcomeIT {
  private final RedisServer redis;
  private Bullpen bp;
  private String name;
  private Queue<Object> queue;

  AddOutcomeIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.builder().uri(redis.uri()).commandTimeout(Duration.ofMillis(1000)).build();
    name = TestNames.uniqueQueue("outcome");
    queue = bp.queue(name);
  }

  @AfterEach
  void tearDown() {
    redis.resume();
    bp.close();
  }

  private List<String> events() {
    List<String> lines = Arrays.asList(redis.command("XRANGE", "bull:" + name + ":events", "-",
        "+").split("\n"));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).equals("event")) {
        names.add(lines.get(i + 1));
      }
    }
    return names;
  }

  @Test
  void addWhoseReplyIsLostIsUnknownAndRetryingWithItsIdAddsItOnce() throws Exception {
    queue.add("warm-up", Map.of());
    CompletableFuture<String> sleep = CompletableFuture.supplyAsync(
        () -> redis.command(Duration.ofSeconds(10), "DEBUG", "SLEEP", "3"));
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      try {
        redis.command(Duration.ofMillis(100), "PING");
        return false;
      } catch (RuntimeException busy) {
        return true;
      }
    });
    JobOptions opts = JobOptions.builder().jobId("order-7").build();

    AddOutcomeUnknownException e = catchThrowableOfType(
        () -> queue.add("charge", Map.of("eur", 12), opts), AddOutcomeUnknownException.class);

    assertThat(e).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("queue " + name).hasMessageContaining("job 'order-7'")
        .hasMessageContaining("may or may not have been stored")
        .hasMessageContaining("1000 ms")
        .hasMessageContaining("same custom jobId is safe");
    assertThat(e.jobIds()).containsExactly("order-7");
    sleep.get();
    // the server ran the add after all: the outcome really was unknown
    await().atMost(Duration.ofSeconds(5)).until(() -> queue.getJob("order-7").isPresent());
    assertThat(queue.add("charge", Map.of("eur", 12), opts).id()).isEqualTo("order-7");
    assertThat(queue.getJobCounts().waiting()).isEqualTo(2);
    assertThat(events()).containsExactly("added", "waiting", "added", "waiting", "duplicated");
  }

  @Test
  void addToAFrozenServerIsUnknownAndWarnsThatAutomaticIdsMayDuplicate() {
    redis.pause();
    AddOutcomeUnknownException e = catchThrowableOfType(() -> queue.add("auto", Map.of()),
        AddOutcomeUnknownException.class);
    redis.resume();
    assertThat(e).hasMessageContaining("a job (automatic id)")
        .hasMessageContaining("without a custom id may be added twice");
    assertThat(e.jobIds()).containsExactly((String) null);
  }

  @Test
  void asyncAddToAFrozenServerCompletesWithAnUnknownOutcome() throws Exception {
    queue.addAsync("warm-up", Map.of()).get();
    redis.pause();
    CompletableFuture<Job<Object>> f = queue.addAsync("charge", Map.of("eur", 3),
        JobOptions.builder().jobId("order-9").build());
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(
        () -> f.get(10, java.util.concurrent.TimeUnit.SECONDS));
    redis.resume();
    assertThat(t).hasCauseInstanceOf(AddOutcomeUnknownException.class);
    assertThat(((AddOutcomeUnknownException) t.getCause()).jobIds()).containsExactly("order-9");
    assertThat(t.getCause()).hasMessageContaining("queue " + name)
        .hasMessageContaining("same custom jobId is safe");
  }

  @Test
  void refusedAddIsNotUnknown() {
    redis.command("ACL", "SETUSER", "nowrite-" + name, "on", ">pw", "~*", "+@all", "-evalsha",
        "-eval");
    try (Bullpen limited = Bullpen.builder().uri("redis://nowrite-" + name + ":pw@127.0.0.1:"
        + redis.port()).checkServer(false).build()) {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(
          () -> limited.queue(name).add("x", Map.of()));
      assertThat(t).isInstanceOf(BullpenException.class)
          .isNotInstanceOf(AddOutcomeUnknownException.class).hasMessageContaining("NOPERM");
    } finally {
      redis.command("ACL", "DELUSER", "nowrite-" + name);
    }
  }

  @Test
  void fiftyConcurrentAddsOfOneIdMakeOneJobAndOneAddedEvent() throws Exception {
    bp.close();
    bp = Bullpen.connect(redis.uri());
    queue = bp.queue(name);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        ids.add(pool.submit(() -> {
          go.await();
          return queue.add("pay", Map.of("thread", n), JobOptions.builder().jobId("pay-1")
              .build()).id();
        }));
      }
      go.countDown();
      List<String> got = new ArrayList<>();
      for (Future<String> f : ids) {
        got.add(f.get());
      }
      assertThat(got).hasSize(50).containsOnly("pay-1");
    } finally {
      pool.shutdownNow();
    }
    assertThat(queue.getJobCounts().waiting()).isEqualTo(1);
    assertThat(redis.command("LRANGE", "bull:" + name + ":wait", "0", "-1")).isEqualTo("pay-1");
    List<String> ev = events();
    assertThat(Collections.frequency(ev, "added")).isEqualTo(1);
    assertThat(Collections.frequency(ev, "duplicated")).isEqualTo(49);
    assertThat(redis.command("KEYS", "bull:" + name + ":*")).doesNotContain(":2");
  }
}
