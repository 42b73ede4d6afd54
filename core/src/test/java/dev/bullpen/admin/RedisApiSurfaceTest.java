package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Redis monitoring types show no Lettuce or internal type in a public signature. */
class RedisApiSurfaceTest {
  private static final List<Class<?>> PUBLIC = List.of(RedisMonitor.class,
      RedisMonitor.Builder.class, RedisSnapshot.class, RedisClientFigures.class,
      RedisClientFigures.LatencyBucket.class, QueueRedisFigures.class, RedisReport.class,
      RedisDoctor.class, Finding.class, RedisAlertRules.class, RedisAlertRules.Builder.class);

  @Test
  void publicSignaturesUseNoLettuceOrInternalTypes() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : PUBLIC) {
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
        types.add(m.getGenericReturnType());
        for (Type t : types) {
          String name = t.getTypeName();
          if (name.contains("io.lettuce") || name.contains("io.netty")
              || name.contains("dev.bullpen.internal")) {
            leaks.add(c.getSimpleName() + "." + m.getName() + ": " + name);
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void helpersStayPackagePrivate() {
    assertThat(Modifier.isPublic(RedisMeters.class.getModifiers())).isFalse();
  }
}
