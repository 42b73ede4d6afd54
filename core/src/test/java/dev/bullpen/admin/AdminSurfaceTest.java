package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin package shows no Lettuce or internal type in a public signature. */
class AdminSurfaceTest {
  @Test
  void publicSignaturesUseOnlyPublicApiTypes() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : List.of(Admin.class, QueueSummary.class, JobTiming.class,
        TimingReport.class, TimingReport.Summary.class, JobPage.class, JobDetail.class,
        DeadLetter.class, DeadLetterPage.class, JobFilter.class, ProgressListener.class, QueuePage.class,
        QueueNotFoundException.class)) {
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
        types.add(m.getGenericReturnType());
        for (Type t : types) {
          String n = t.getTypeName();
          if (n.contains("io.lettuce") || n.contains("dev.bullpen.internal")) {
            leaks.add(c.getSimpleName() + "." + m.getName() + ": " + n);
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }
}
