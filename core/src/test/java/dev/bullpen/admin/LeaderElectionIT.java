package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.Queue;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two coordinators on one key prefix: exactly one leads, only the leader's maintenance runs, runs
 * of different processes never overlap in time and their fencing tokens only grow; when the
 * leader closes or dies the other takes over.
 */
@RedisTest
class LeaderElectionIT {
  private static final Duration PERIOD = Duration.ofMillis(1500);
  private final RedisServer redis;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String prefix;
  private String queue;
  private final AtomicBoolean bothLed = new AtomicBoolean();
  private volatile boolean watching = true;

  LeaderElectionIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() {
    prefix = TestNames.uniqueQueue("p");
    queue = TestNames.uniqueQueue("maint");
  }

  @AfterEach
  void tearDown() throws Exception {
    watching = false;
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Bullpen client() {
    Bullpen bp = Bullpen.builder().uri(redis.uri()).prefix(prefix).build();
    closeables.add(bp);
    return bp;
  }

  private Coordinator coordinator(Bullpen bp, String id) {
    Coordinator c = Coordinator.start(bp, CoordinatorOptions.builder().queues(queue)
        .instanceId(id).leaderLockPeriod(PERIOD).refreshInterval(Duration.ofMillis(100))
        .maintenanceInterval(Duration.ofMillis(50)).eventsMaxLength(100).build());
    closeables.add(c);
    return c;
  }

  /** Polls both coordinators as fast as it can and remembers if both ever claimed to lead. */
  private void watch(Coordinator a, Coordinator b) {
    Thread t = new Thread(() -> {
      while (watching) {
        if (a.isLeader() && b.isLeader()) {
          bothLed.set(true);
        }
        Thread.onSpinWait();
      }
    });
    t.setDaemon(true);
    t.start();
  }

  private void load(Bullpen bp, int jobs) {
    try (Queue<Object> q = bp.queue(queue)) {
      for (int i = 0; i < jobs; i++) {
        q.add("j", Map.of("i", i));
      }
    }
  }

  private static void assertNeverOverlapped(List<MaintenanceRun> a, List<MaintenanceRun> b) {
    List<MaintenanceRun> all = new ArrayList<>(a);
    all.addAll(b);
    all.sort(Comparator.comparingLong(MaintenanceRun::startNanos));
    for (int i = 1; i < all.size(); i++) {
      MaintenanceRun prev = all.get(i - 1);
      MaintenanceRun next = all.get(i);
      assertThat(next.startNanos()).as("%s starts after %s ends", next, prev)
          .isGreaterThanOrEqualTo(prev.endNanos());
      assertThat(next.fencingToken()).as("tokens only grow").isGreaterThanOrEqualTo(
          prev.fencingToken());
    }
    for (MaintenanceRun r : all) {
      assertThat(r.affected()).as("no run was refused as stale: %s", r).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void oneLeaderActsAndTheOtherTakesOverWhenItCloses() {
    Bullpen bp1 = client();
    Bullpen bp2 = client();
    Coordinator c1 = coordinator(bp1, "one");
    Coordinator c2 = coordinator(bp2, "two");
    watch(c1, c2);
    bp1.worker(queue, Object.class, j -> null);
    load(bp1, 300);

    await().atMost(Duration.ofSeconds(10)).until(() -> c1.isLeader() || c2.isLeader());
    Coordinator leader = c1.isLeader() ? c1 : c2;
    Coordinator follower = leader == c1 ? c2 : c1;
    assertThat(leader.leaderId()).isEqualTo(leader.instanceId());
    long firstToken = leader.fencingToken();
    await().atMost(Duration.ofSeconds(10)).until(() -> leader.maintenanceRuns().size() >= 10);
    assertThat(follower.maintenanceRuns()).isEmpty();
    assertThat(follower.runMaintenance()).as("a follower refuses to maintain").isFalse();
    assertThat(leader.maintenanceRuns()).extracting(MaintenanceRun::task)
        .contains("trim-events", "metrics-rollup");

    long closedAt = System.nanoTime();
    leader.close();
    await().atMost(PERIOD).until(follower::isLeader);
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(PERIOD);
    assertThat(follower.fencingToken()).isGreaterThan(firstToken);
    load(bp2, 100);
    int before = follower.maintenanceRuns().size();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> follower.maintenanceRuns().size() >= before + 10);

    assertNeverOverlapped(leader.maintenanceRuns(), follower.maintenanceRuns());
    assertThat(bothLed).as("both claimed to lead at once").isFalse();
    // The history was written once per finish, whoever wrote it.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      follower.refresh();
      return "400".equals(redis.command("HGET", prefix + ":" + queue + ":metrics:completed",
          "count"));
    });
  }

  @Test
  void aLeaderThatCanNoLongerReachRedisStopsActingAndIsReplacedAfterItsLockExpires() {
    Bullpen bp1 = client();
    Bullpen bp2 = client();
    Coordinator c1 = coordinator(bp1, "first");
    await().atMost(Duration.ofSeconds(10)).until(c1::isLeader);
    Coordinator c2 = coordinator(bp2, "second");
    watch(c1, c2);
    bp2.worker(queue, Object.class, j -> null);
    load(bp2, 200);
    await().atMost(Duration.ofSeconds(10)).until(() -> c1.maintenanceRuns().size() >= 10);
    assertThat(c2.isLeader()).isFalse();

    // "Crash": c1's connection goes away; it keeps running but can neither renew nor release.
    long crashedAt = System.nanoTime();
    bp1.close();
    await().atMost(PERIOD.multipliedBy(3)).until(c2::isLeader);
    assertThat(c1.isLeader()).isFalse();
    // The lock expires at most one period after the last renewal, and the follower tries every
    // third of a period.
    assertThat(Duration.ofNanos(System.nanoTime() - crashedAt))
        .isLessThan(PERIOD.multipliedBy(2));
    assertThat(c2.leaderId()).isEqualTo("second");
    load(bp2, 50);
    AtomicInteger runs = new AtomicInteger();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      runs.set(c2.maintenanceRuns().size());
      return runs.get() >= 10;
    });
    assertNeverOverlapped(c1.maintenanceRuns(), c2.maintenanceRuns());
    assertThat(c2.maintenanceRuns().get(0).fencingToken())
        .isGreaterThan(c1.maintenanceRuns().get(0).fencingToken());
    assertThat(bothLed).as("both claimed to lead at once").isFalse();
  }

  @Test
  void coordinatorsSharingOptionsWithoutAnIdGetTheirOwnAndOnlyOneLeads() {
    Bullpen bp = client();
    CoordinatorOptions shared = CoordinatorOptions.builder().queues(queue)
        .leaderLockPeriod(PERIOD).build();
    Coordinator a = Coordinator.start(bp, shared);
    closeables.add(a);
    Coordinator b = Coordinator.start(bp, shared);
    closeables.add(b);
    assertThat(a.instanceId()).isNotEqualTo(b.instanceId());
    await().atMost(Duration.ofSeconds(10)).until(() -> a.isLeader() || b.isLeader());
    // Over several election rounds the follower never takes the held lock.
    await().during(PERIOD).atMost(PERIOD.multipliedBy(3))
        .until(() -> a.isLeader() != b.isLeader());
  }

  @Test
  void leaderTrimsEventsAndRemovesFinishedJobsPastTheirRetention() {
    Bullpen bp = client();
    Coordinator c = Coordinator.start(bp, CoordinatorOptions.builder().queues(queue)
        .leaderLockPeriod(PERIOD).refreshInterval(Duration.ofHours(1))
        .maintenanceInterval(Duration.ofHours(1)).eventsMaxLength(100)
        .retention(queue, Duration.ofMillis(1), null).build());
    closeables.add(c);
    bp.worker(queue, Object.class, j -> null);
    load(bp, 500);
    try (Queue<Object> q = bp.queue(queue)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> q.getJobCounts().completed() == 500);
      await().atMost(Duration.ofSeconds(10)).until(c::isLeader);
      long before = Long.parseLong(redis.command("XLEN", prefix + ":" + queue + ":events"));
      assertThat(before).isGreaterThan(1000);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        c.runMaintenance();
        return q.getJobCounts().completed() == 0;
      });
      long after = Long.parseLong(redis.command("XLEN", prefix + ":" + queue + ":events"));
      // Approximate trimming keeps whole radix-tree nodes (up to 100 entries each) plus the
      // cleaner's own events.
      assertThat(after).isLessThan(before / 2);
      assertThat(c.maintenanceRuns()).extracting(MaintenanceRun::task)
          .contains("trim-events", "retention");
      assertThat(c.maintenanceRuns().stream().filter(r -> r.task().equals("retention"))
          .mapToLong(MaintenanceRun::affected).sum()).isEqualTo(500);
    }
  }
}
