package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.bullpen.Bullpen;
import dev.bullpen.JobOptions;
import dev.bullpen.Queue;
import dev.bullpen.testing.MutableClock;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every alert rule fires (at the level its value earns) and clears, with the default thresholds. */
@RedisTest
class CoordinatorHealthIT {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final RedisServer redis;
  private final MutableClock clock = MutableClock.at(T0);
  private final List<String> hooks = new CopyOnWriteArrayList<>();
  private Bullpen bp;
  private Coordinator coordinator;
  private SimpleMeterRegistry registry;
  private HttpServer receiver;
  private String name;
  private Queue<Object> queue;

  CoordinatorHealthIT(RedisServer redis) {
    this.redis = redis;
  }

  @BeforeEach
  void setUp() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      hooks.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
    bp = Bullpen.builder().uri(redis.uri()).clock(clock).build();
    name = TestNames.uniqueQueue("health");
    queue = bp.queue(name);
    registry = new SimpleMeterRegistry();
    coordinator = Coordinator.start(bp, CoordinatorOptions.builder().queues(name)
        .refreshInterval(Duration.ofHours(1)).maintenanceInterval(Duration.ofHours(1))
        .webhook(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))
        .build(), registry);
  }

  @AfterEach
  void tearDown() {
    coordinator.close();
    bp.close();
    receiver.stop(0);
  }

  private void refreshUntilFinished(long n) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      coordinator.refresh();
      QueueMetrics m = coordinator.metrics(name);
      return m.completed() + m.failed() >= n;
    });
  }

  private Alert only(String rule) {
    QueueHealth h = coordinator.health(name);
    assertThat(h.alerts()).extracting(Alert::rule).containsExactly(rule);
    assertThat(coordinator.alerts()).containsExactlyElementsOf(h.alerts());
    Alert a = h.alerts().get(0);
    assertThat(h.level()).isEqualTo(a.level());
    assertThat(a.subject()).isEqualTo(name);
    assertThat(registry.get("bullpen.alerts").tags("queue", name, "rule", rule).gauge().value())
        .isEqualTo(a.level().ordinal());
    return a;
  }

  private void assertCleared(String rule) {
    QueueHealth h = coordinator.health(name);
    assertThat(h.level()).isEqualTo(HealthLevel.EXCELLENT);
    assertThat(h.alerts()).isEmpty();
    assertThat(coordinator.alerts()).isEmpty();
    assertThat(registry.get("bullpen.alerts").tags("queue", name, "rule", rule).gauge().value())
        .isZero();
    assertThat(registry.get("bullpen.queue.health").tags("queue", name).gauge().value())
        .isZero();
  }

  @Test
  void waitTimeFiresAsWarningAndClearsWhenTheJobsLeaveTheWindow() {
    queue.add("slow-start", Map.of());
    clock.advance(Duration.ofSeconds(40));
    bp.worker(name, Object.class, j -> null);
    refreshUntilFinished(1);
    Alert a = only(AlertRules.WAIT_TIME);
    assertThat(a.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(a.value()).isEqualTo(40_000.0);
    assertThat(a.threshold()).isEqualTo(30_000.0);
    assertThat(a.since()).isEqualTo(T0.plusSeconds(40));
    assertThat(registry.get("bullpen.alerts.started").tags("queue", name, "rule", "wait-time")
        .counter().count()).isEqualTo(1.0);

    clock.advance(Duration.ofMinutes(6));
    coordinator.refresh();
    assertCleared(AlertRules.WAIT_TIME);
  }

  @Test
  void waitTimeTwiceTheThresholdIsCritical() {
    queue.add("very-slow-start", Map.of());
    clock.advance(Duration.ofSeconds(61));
    bp.worker(name, Object.class, j -> null);
    refreshUntilFinished(1);
    assertThat(only(AlertRules.WAIT_TIME).level()).isEqualTo(HealthLevel.CRITICAL);
  }

  @Test
  void processingTimeFiresAndClears() {
    queue.add("long", Map.of());
    bp.worker(name, Object.class, j -> {
      clock.advance(Duration.ofMinutes(3));
      return null;
    });
    refreshUntilFinished(1);
    Alert a = only(AlertRules.PROCESSING_TIME);
    assertThat(a.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(a.value()).isEqualTo(180_000.0);
    assertThat(a.threshold()).isEqualTo(120_000.0);

    clock.advance(Duration.ofMinutes(6));
    coordinator.refresh();
    assertCleared(AlertRules.PROCESSING_TIME);
  }

  @Test
  void failureRateFiresOnceEnoughJobsFinishedAndClears() {
    for (int i = 0; i < 10; i++) {
      queue.add("j", Map.of("fail", i < 2), JobOptions.builder().attempts(1).build());
    }
    bp.worker(name, Map.class, j -> {
      if (Boolean.TRUE.equals(j.data().get("fail"))) {
        throw new IllegalStateException("boom");
      }
      return null;
    });
    refreshUntilFinished(10);
    Alert a = only(AlertRules.FAILURE_RATE);
    assertThat(a.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(a.value()).isEqualTo(0.2);
    assertThat(a.threshold()).isEqualTo(0.1);

    clock.advance(Duration.ofMinutes(6));
    coordinator.refresh();
    assertCleared(AlertRules.FAILURE_RATE);
  }

  @Test
  void backlogFiresGrowsCriticalClearsAndCallsTheWebhook() {
    for (int i = 0; i < 51; i++) {
      queue.add("j", Map.of());
    }
    coordinator.refresh();
    Alert warning = only(AlertRules.BACKLOG);
    assertThat(warning.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(warning.value()).isEqualTo(51.0);

    for (int i = 0; i < 50; i++) {
      queue.add("j", Map.of());
    }
    clock.advance(Duration.ofSeconds(5));
    coordinator.refresh();
    Alert critical = only(AlertRules.BACKLOG);
    assertThat(critical.level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(critical.since()).as("an alert keeps its start").isEqualTo(warning.since());

    queue.drain(false);
    coordinator.refresh();
    assertCleared(AlertRules.BACKLOG);

    await().atMost(Duration.ofSeconds(10)).until(() -> hooks.size() == 2);
    assertThat(hooks.get(0)).contains("\"type\":\"started\"", "\"rule\":\"backlog\"",
        "\"subject\":\"" + name + "\"", "\"level\":\"warning\"");
    assertThat(hooks.get(1)).contains("\"type\":\"cleared\"", "\"rule\":\"backlog\"");
  }

  @Test
  void throughputFiresWhenJobsWaitAndNothingFinishesAndClearsWhenWorkersRun() {
    queue.add("stuck", Map.of());
    coordinator.refresh();
    assertThat(coordinator.health(name).level())
        .as("not judged before a minute of watching").isEqualTo(HealthLevel.EXCELLENT);
    clock.advance(Duration.ofSeconds(61));
    coordinator.refresh();
    Alert a = only(AlertRules.THROUGHPUT);
    assertThat(a.level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(a.value()).isZero();
    assertThat(a.threshold()).isEqualTo(1.0);

    bp.worker(name, Object.class, j -> null);
    refreshUntilFinished(1);
    // The stuck job waited 61 s, which the wait rule now reports instead.
    assertThat(coordinator.health(name).alerts()).extracting(Alert::rule)
        .containsExactly(AlertRules.WAIT_TIME);
    assertThat(registry.get("bullpen.alerts").tags("queue", name, "rule", "throughput").gauge()
        .value()).isZero();
  }

  @Test
  void thresholdsAreConfigurable() {
    coordinator.close();
    coordinator = Coordinator.start(bp, CoordinatorOptions.builder().queues(name)
        .refreshInterval(Duration.ofHours(1))
        .alertRules(AlertRules.builder().maxBacklog(2).build()).build(), registry);
    for (int i = 0; i < 3; i++) {
      queue.add("j", Map.of());
    }
    coordinator.refresh();
    assertThat(only(AlertRules.BACKLOG).threshold()).isEqualTo(2.0);
  }
}
