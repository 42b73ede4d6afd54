package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@RedisTest
class SmokeIT {
  @Test
  void addsAndProcessesOneJob(RedisServer redis) {
    String q = TestNames.uniqueQueue("smoke");
    try (Bullpen bp = Bullpen.connect(redis.uri())) {
      Queue<Object> queue = bp.queue(q);
      Job<Object> job = queue.add("hello", Map.of("a", 1));
      assertThat(job.id()).isEqualTo("1");
      bp.worker(q, Object.class, j -> Map.of("ok", true), WorkerOptions.builder().build());
      await().atMost(Duration.ofSeconds(10))
          .until(() -> queue.getJobCounts().completed() == 1);
      Job<Object> done = queue.getJob("1").orElseThrow();
      System.out.println(done.fields());
      assertThat(done.returnValueJson()).isEqualTo("{\"ok\":true}");
    }
  }
}
