package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults, eager validation and the public surface of the coordinator's option types. */
class CoordinatorOptionsTest {
  @Test
  void defaultsMatchTheIssue() {
    AlertRules r = AlertRules.DEFAULT;
    assertThat(r.maxAverageWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.maxAverageProcessing()).isEqualTo(Duration.ofMinutes(2));
    assertThat(r.maxFailureRate()).isEqualTo(0.10);
    assertThat(r.maxBacklog()).isEqualTo(50);
    assertThat(r.minThroughputPerMinute()).isEqualTo(1.0);
    CoordinatorOptions o = CoordinatorOptions.DEFAULT;
    assertThat(o.historyMinutes()).isEqualTo(1440);
    assertThat(o.completedRetention("any")).isNull();
    assertThat(o.writeMetrics()).isTrue();
  }

  @Test
  void settersRefuseBadValuesNamingTheField() {
    assertThatThrownBy(() -> AlertRules.builder().maxFailureRate(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFailureRate")
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> AlertRules.builder().maxAverageWait(Duration.ZERO))
        .hasMessageContaining("maxAverageWait");
    assertThatThrownBy(() -> AlertRules.builder().criticalFactor(1))
        .hasMessageContaining("criticalFactor");
    assertThatThrownBy(() -> CoordinatorOptions.builder().queues("a", "b:c"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b:c");
    assertThatThrownBy(() -> CoordinatorOptions.builder().leaderLockPeriod(Duration.ofMillis(1)))
        .hasMessageContaining("leaderLockPeriod");
    assertThatThrownBy(() -> CoordinatorOptions.builder().webhook(URI.create("ftp://x/y")))
        .hasMessageContaining("webhook");
    assertThatThrownBy(() -> CoordinatorOptions.builder().instanceId("a|b"))
        .hasMessageContaining("instanceId");
    assertThatThrownBy(() -> CoordinatorOptions.builder().eventsMaxLength(5))
        .hasMessageContaining("eventsMaxLength");
    assertThatThrownBy(() -> CoordinatorOptions.builder().historyMinutes(10))
        .hasMessageContaining("historyMinutes");
    assertThatThrownBy(() -> WorkerPoolOptions.builder().min(5).max(2).build())
        .hasMessageContaining("min (5)");
    assertThatThrownBy(() -> WorkerPoolOptions.builder().initialRatePerWorker(0))
        .hasMessageContaining("initialRatePerWorker");
  }

  @Test
  void toBuilderKeepsEverything() {
    CoordinatorOptions o = CoordinatorOptions.builder().queues("a").instanceId("me")
        .retention("a", Duration.ofDays(1), null).window(Duration.ofMinutes(10)).build();
    CoordinatorOptions copy = o.toBuilder().build();
    assertThat(copy.instanceId()).isEqualTo("me");
    assertThat(copy.queues()).containsExactly("a");
    assertThat(copy.completedRetention("a")).isEqualTo(Duration.ofDays(1));
    assertThat(copy.window()).isEqualTo(Duration.ofMinutes(10));
    AlertRules r = AlertRules.builder().maxBacklog(7).build();
    assertThat(r.toBuilder().build().maxBacklog()).isEqualTo(7);
    WorkerPoolOptions p = WorkerPoolOptions.builder().max(3).instanceId("x").build();
    assertThat(p.toBuilder().build().instanceId()).isEqualTo("x");
  }

  @Test
  void publicSignaturesUseNoLettuceOrInternalTypes() {
    for (Class<?> c : List.of(Coordinator.class, CoordinatorOptions.class,
        CoordinatorOptions.Builder.class, AlertRules.class, AlertRules.Builder.class,
        QueueMetrics.class, TimingStats.class, QueueHealth.class, ThroughputMinute.class,
        MaintenanceRun.class, WorkerPool.class, WorkerPoolOptions.class,
        WorkerPoolOptions.Builder.class)) {
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        assertClean(c, m, m.getGenericReturnType());
        for (Type t : m.getGenericParameterTypes()) {
          assertClean(c, m, t);
        }
      }
    }
  }

  private static void assertClean(Class<?> c, Method m, Type t) {
    assertThat(t.getTypeName()).as(c.getSimpleName() + "." + m.getName())
        .doesNotContain("io.lettuce").doesNotContain("dev.bullpen.internal");
  }
}
