package dev.bullpen.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status package's public surface: small, and free of Lettuce, Caffeine and internals. */
class StatusApiTest {
  @Test
  void publicSignaturesShowNoImplementationTypes() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : List.of(JobStatusService.class, JobView.class, JobView.Builder.class,
        StatusOptions.class, StatusOptions.Builder.class, StatusCounters.class,
        CircuitState.class, JobLogs.class, JobStatusListener.class, Subscription.class,
        StatusUnavailableException.class)) {
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers())) {
          List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
          types.add(m.getGenericReturnType());
          for (Type t : types) {
            String n = t.getTypeName();
            if (n.contains("io.lettuce") || n.contains("benmanes") || n.contains(".internal.")
                || n.contains("JobSlot") || n.contains("JobSource") || n.contains("Watcher")) {
              leaks.add(c.getSimpleName() + "." + m.getName() + ": " + n);
            }
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void implementationClassesAreNotPublic() {
    for (Class<?> c : List.of(JobSlot.class, JobSource.class, BullpenSource.class,
        CircuitBreaker.class, QueueFeeds.class, Watcher.class, JobKey.class)) {
      assertThat(Modifier.isPublic(c.getModifiers())).as(c.getName()).isFalse();
    }
  }

  @Test
  void etagCoversWhatTheViewShowsButNotWhenItWasRead() {
    java.time.Instant t = java.time.Instant.parse("2025-01-01T00:00:00Z");
    JobView a = JobView.builder("q", "1").state(dev.bullpen.JobState.ACTIVE).progressJson("5")
        .build(t);
    JobView same = a.toBuilder().build(t.plusSeconds(9));
    assertThat(same.etag()).isEqualTo(a.etag());
    assertThat(a.withProgress("6", t).etag()).isNotEqualTo(a.etag());
    assertThat(a.toBuilder().failedReason("x").build(t).etag()).isNotEqualTo(a.etag());
    assertThat(a.asStale(t.plusSeconds(3)).age()).hasSeconds(3);
    assertThat(a.asStale(t.plusSeconds(3)).etag()).isEqualTo(a.etag());
  }
}
