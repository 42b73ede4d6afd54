package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bullpen.Bullpen;
import dev.bullpen.testing.MutableClock;
import dev.bullpen.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #6: the queue list with 1,200 queues is paged and searched, and its keyspace scans are
 * shared between reads. Runs on a private redis-server so that {@code INFO commandstats}
 * counts only this class's SCANs.
 */
class AdminQueuePagingIT {
  private static final int QUEUES = 1200;
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Pattern SCAN_CALLS = Pattern.compile("cmdstat_scan:calls=(\\d+)");

  private static RedisServer redis;

  private final MutableClock clock = MutableClock.at(T0);
  private Bullpen bp;
  private Admin admin;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    // Each queue as BullMQ leaves it after its first add: a meta hash (written in one script
    // here, as 1,200 adds would only slow the test down).
    redis.command("EVAL", "for i = 0, tonumber(ARGV[1]) - 1 do"
        + " redis.call('HSET', 'bull:page-' .. string.format('%04d', i) .. ':meta',"
        + " 'opts.maxLenEvents', '10000') end", "0", String.valueOf(QUEUES));
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void setUp() {
    bp = Bullpen.builder().uri(redis.uri()).clock(clock).build();
    admin = Admin.create(bp);
  }

  @AfterEach
  void tearDown() {
    bp.close();
    redis.command("DEL", "bull:page-late:meta", "bull:page-late:id");
  }

  private static String name(int i) {
    return String.format("page-%04d", i);
  }

  private static long scans() {
    Matcher m = SCAN_CALLS.matcher(redis.info("commandstats"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static List<String> names(QueuePage page) {
    return page.queues().stream().map(QueueSummary::name).toList();
  }

  @Test
  void pagesReturnTheirSliceOfTheSortedListWithTheTotal() {
    QueuePage first = admin.queues(0, 49, null);
    assertThat(first.total()).isEqualTo(QUEUES);
    assertThat(first.start()).isZero();
    assertThat(first.end()).isEqualTo(49);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add(name(i));
    }
    assertThat(names(first)).containsExactlyElementsOf(expected);

    assertThat(names(admin.queues(600, 602, ""))).containsExactly(name(600), name(601),
        name(602));
    QueuePage last = admin.queues(1190, 1209, null);
    assertThat(last.total()).isEqualTo(QUEUES);
    assertThat(names(last)).hasSize(10).startsWith(name(1190)).endsWith(name(1199));
    assertThat(admin.queues(5000, 5010, null).queues()).isEmpty();
    assertThat(admin.queues(0, Admin.MAX_QUEUE_PAGE - 1, null).queues())
        .hasSize(Admin.MAX_QUEUE_PAGE);
  }

  @Test
  void theOldListIsTheFirstPageAndCarriesCountsAndThePausedFlag() {
    bp.queue(name(3)).add("a", 1);
    admin.pause(name(3));

    List<QueueSummary> old = admin.queues();

    assertThat(old).hasSize(Admin.MAX_QUEUES_LISTED);
    assertThat(old.get(0).name()).isEqualTo(name(0));
    assertThat(old.get(3).paused()).isTrue();
    assertThat(old.get(3).counts().paused() + old.get(3).counts().waiting()).isEqualTo(1);
    assertThat(old.get(4).paused()).isFalse();
    admin.resume(name(3));
    redis.command("DEL", "bull:" + name(3) + ":paused", "bull:" + name(3) + ":wait",
        "bull:" + name(3) + ":1", "bull:" + name(3) + ":id", "bull:" + name(3) + ":events");
  }

  @Test
  void searchMatchesPartOfTheNameIgnoringCaseAndPagesTheMatches() {
    QueuePage hits = admin.queues(0, 49, "  PAGE-011 ");
    assertThat(hits.total()).isEqualTo(10);
    assertThat(names(hits)).containsExactly(name(110), name(111), name(112), name(113),
        name(114), name(115), name(116), name(117), name(118), name(119));

    assertThat(names(admin.queues(2, 3, "page-011"))).containsExactly(name(112), name(113));
    QueuePage none = admin.queues(0, 49, "no-such-queue");
    assertThat(none.total()).isZero();
    assertThat(none.queues()).isEmpty();
    // 0099, 0199 … 1199 and 0990 … 0999 (0999 once)
    assertThat(admin.queues(0, 0, "99").total()).isEqualTo(21);
  }

  @Test
  void manyReadsWithinTheTtlShareOneScanAndANewQueueShowsAfterIt() {
    long before = scans();
    admin.queues(0, 24, null);
    long onePass = scans() - before;
    assertThat(onePass).as("the first read scans the keyspace").isPositive();

    for (int i = 0; i < 50; i++) {
      admin.queues(i * 24 % QUEUES, i * 24 % QUEUES + 24, i % 2 == 0 ? null : "page-1");
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(scans() - before).as("50 reads within the TTL cost one pass").isEqualTo(onePass);

    redis.command("HSET", "bull:page-late:meta", "opts.maxLenEvents", "10000");
    assertThat(admin.queues(0, 9, "late").total()).as("not seen until the list is re-read")
        .isZero();
    clock.set(T0.plus(Admin.DEFAULT_QUEUE_LIST_TTL).plusSeconds(1));

    QueuePage late = admin.queues(0, 9, "late");
    assertThat(names(late)).containsExactly("page-late");
    assertThat(admin.queues(0, 0, null).total()).isEqualTo(QUEUES + 1);
    assertThat(scans() - before).as("one more pass after the TTL").isEqualTo(2 * onePass);
  }

  @Test
  void concurrentReadsOfAStaleListRunOneScan() throws Exception {
    long before = scans();
    Admin.create(bp).queues(0, 0, null);
    long onePass = scans() - before;

    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<QueuePage>> pages = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        pages.add(pool.submit(() -> {
          go.await();
          return admin.queues(0, 4, null);
        }));
      }
      long start = scans();
      go.countDown();
      for (Future<QueuePage> p : pages) {
        assertThat(p.get(30, TimeUnit.SECONDS).total()).isEqualTo(QUEUES);
      }
      assertThat(scans() - start).as("eight readers at once, one scan").isEqualTo(onePass);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aZeroTtlScansOnEveryRead() {
    Admin uncached = Admin.create(bp, Duration.ZERO);
    long before = scans();
    uncached.queues(0, 0, null);
    long onePass = scans() - before;
    uncached.queues(0, 0, null);
    assertThat(scans() - before).isEqualTo(2 * onePass);
  }

  @Test
  void badPagesAndSearchesAreRefusedBeforeRedis() {
    String digest = redis.command("DEBUG", "DIGEST");
    long before = scans();

    assertRefused(() -> admin.queues(-1, 10, null), "start");
    assertRefused(() -> admin.queues(10, 9, null), "end");
    assertRefused(() -> admin.queues(0, Admin.MAX_QUEUE_PAGE, null), "at most");
    assertRefused(() -> admin.queues(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, "a\u0007b"),
        "search");
    assertRefused(() -> admin.queues(0, 1, "x".repeat(1025)), "search");
    assertThatThrownBy(() -> Admin.create(bp, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueListTtl");
    assertThatThrownBy(() -> Admin.create(bp, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueListTtl");

    assertThat(scans()).isEqualTo(before);
    assertThat(redis.command("DEBUG", "DIGEST")).isEqualTo(digest);
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      String field) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field);
  }
}
