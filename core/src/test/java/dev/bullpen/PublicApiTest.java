package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the public surface small: no Lettuce or internal type in a public signature. */
class PublicApiTest {
  private static final List<Class<?>> PUBLIC = List.of(Bullpen.class, Bullpen.Builder.class,
      Queue.class, Worker.class, QueueEvents.class, Job.class, JobOptions.class,
      JobOptions.Builder.class, WorkerOptions.class, WorkerOptions.Builder.class, Backoff.class,
      KeepJobs.class, JobCounts.class, JobState.class, NewJob.class, JobHandler.class,
      WorkerListener.class, BackoffStrategy.class, JacksonJobCodec.class,
      dev.bullpen.event.QueueEvent.class, dev.bullpen.event.QueueEventListener.class,
      dev.bullpen.spi.JobCodec.class, NotReplicatedException.class,
      RedisUnavailableException.class);

  @Test
  void publicSignaturesUseNoLettuceOrInternalTypes() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : PUBLIC) {
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers())) {
          check(leaks, c, m.getName(), m.getGenericReturnType());
          for (Type t : m.getGenericParameterTypes()) {
            check(leaks, c, m.getName(), t);
          }
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (Modifier.isPublic(k.getModifiers())) {
          for (Type t : k.getGenericParameterTypes()) {
            check(leaks, c, "<init>", t);
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isPublic(f.getModifiers())) {
          check(leaks, c, f.getName(), f.getGenericType());
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void implementationClassesAreNotPublic() {
    for (Class<?> c : List.of(QueueContext.class, JobRunner.class, Fetched.class, JobIds.class,
        OptsJson.class, ServerCheck.class)) {
      assertThat(Modifier.isPublic(c.getModifiers())).as(c.getName()).isFalse();
    }
  }

  private static void check(List<String> leaks, Class<?> owner, String member, Type t) {
    String name = t.getTypeName();
    if (name.contains("io.lettuce") || name.contains("io.netty")
        || name.contains("dev.bullpen.internal")) {
      leaks.add(owner.getSimpleName() + "." + member + ": " + name);
    }
  }
}
