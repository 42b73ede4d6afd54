package dev.bullpen.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.Queue;
import dev.bullpen.RedisUnavailableException;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redis restarts under load (a producer adding, a worker processing). Without persistence the
 * restart wipes Redis: producers get clear errors while it is down, the client reports the loss
 * of Redis data ({@code Bullpen.redisDataLost()}), and producers and workers carry on by
 * themselves afterwards. With AOF, redis-server is SIGKILLed: every accepted job survives and no
 * loss is reported.
 * Each test starts its own server, since it kills it.
 */
class RedisRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int CONCURRENCY = 4;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void withoutPersistenceClientsGetClearErrorsAndRecoverByThemselves() throws Exception {
    String q = TestNames.uniqueQueue("restart");
    try (RedisServer redis = RedisServer.start();
        Bullpen bp = Bullpen.builder().uri(redis.uri()).commandTimeout(Duration.ofSeconds(1))
            .dataLossCheckInterval(Duration.ofMillis(500)).build();
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri());
        Load load = new Load(ledger, List.of(bp.queue(q)), 2)) {
      Queue<Object> queue = bp.queue(q);
      Worker<Object> worker = bp.worker(q, Object.class, load.handler(5), options());
      load.start();
      await().atMost(WAIT).until(() -> load.added() >= 200);

      redis.stop();
      long downAt = System.nanoTime();
      ledger.redisDataLost();
      await().atMost(WAIT).until(() -> load.failures().stream()
          .anyMatch(f -> f.startNanos() > downAt));
      Thread.sleep(1000);
      redis.restart();
      long upAt = System.nanoTime();
      ledger.raiseEventsCap();
      await().atMost(WAIT).until(() -> load.acksAfter(upAt) >= 200);
      long producerBackMs = load.firstAckAfterMs(upAt);
      await().atMost(WAIT).until(() -> load.firstRunAfterMs(upAt) >= 0);
      long workerBackMs = load.firstRunAfterMs(upAt);
      load.stop();
      await().atMost(WAIT).until(() -> queue.getJobCounts().unfinished() == 0);
      worker.close();

      await().atMost(WAIT).until(bp::redisDataLost);
      List<Load.FailedAdd> failures = load.failures();
      assertThat(failures).isNotEmpty().allSatisfy(f -> {
        assertThat(f.error()).isInstanceOf(RedisUnavailableException.class);
        assertThat(f.error().getMessage()).containsIgnoringCase("redis");
      });
      JobLedger.Outcome outcome = ledger.check();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("failedAdds", failures.size());
      extra.put("errorKinds", kinds(failures));
      extra.put("longestFailedAddMs", load.longestFailureAfterMs(downAt));
      extra.put("dataLossReported", bp.redisDataLost());
      extra.put("producerBackAfterRestartMs", producerBackMs);
      extra.put("workerBackAfterRestartMs", workerBackMs);
      Report.print("redis restart without persistence", outcome, extra);
      outcome.assertHolds();
      assertThat(outcome.goneWithRedisData()).isPositive();
      assertThat(outcome.completed()).isEqualTo(outcome.accepted());
    }
  }

  @ParameterizedTest(name = "appendfsync {0}")
  @ValueSource(strings = {"everysec", "always"})
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void withAofEveryAcceptedJobSurvivesASigkill(String fsync) throws Exception {
    String q = TestNames.uniqueQueue("aof-" + fsync);
    try (RedisServer redis = RedisServer.builder()
            .arg("--appendonly", "yes", "--appendfsync", fsync).start();
        Bullpen bp = Bullpen.builder().uri(redis.uri()).commandTimeout(Duration.ofSeconds(1))
            .dataLossCheckInterval(Duration.ofMillis(500)).build();
        JobLedger ledger = new JobLedger(bp.queue(q), redis.uri());
        Load load = new Load(ledger, List.of(bp.queue(q), bp.queue(q)), 1)) {
      Queue<Object> queue = bp.queue(q);
      Worker<Object> worker = bp.worker(q, Object.class, load.handler(20), options());
      load.start();
      await().atMost(WAIT).until(() -> load.added() >= 500 && worker.activeCount() > 0);

      redis.kill();
      long killedAt = System.nanoTime();
      ledger.fault(CONCURRENCY);
      long acceptedAtKill = load.added();
      redis.restart();
      long upAt = System.nanoTime();
      await().atMost(WAIT).until(() -> load.acksAfter(upAt) >= 100
          && load.firstRunAfterMs(upAt) >= 0);
      long producerBackMs = load.firstAckAfterMs(killedAt);
      long workerBackMs = load.firstRunAfterMs(upAt);
      load.stop();
      await().atMost(WAIT).until(() -> queue.getJobCounts().unfinished() == 0);
      long drainedMs = Report.msSince(killedAt);
      worker.close();

      JobLedger.Outcome outcome = ledger.check();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("acceptedBeforeKill", acceptedAtKill);
      extra.put("failedAdds", load.failures().size());
      extra.put("errorKinds", kinds(load.failures()));
      extra.put("producerBackAfterKillMs", producerBackMs);
      extra.put("workerBackAfterRestartMs", workerBackMs);
      extra.put("drainedAfterKillMs", drainedMs);
      extra.put("dataLossReported", bp.redisDataLost());
      Report.print("redis SIGKILL with AOF appendfsync " + fsync, outcome, extra);
      outcome.assertHolds();
      assertThat(bp.redisDataLost()).as("AOF kept the data: no loss to report").isFalse();
      assertThat(outcome.completed()).isEqualTo(outcome.accepted());
      assertThat(outcome.accepted()).isGreaterThanOrEqualTo(acceptedAtKill);
    }
  }

  static WorkerOptions options() {
    return WorkerOptions.builder().concurrency(CONCURRENCY).lockDuration(Duration.ofSeconds(2))
        .stalledInterval(Duration.ofMillis(500)).drainDelay(Duration.ofSeconds(1)).build();
  }

  /** Error classes and how often each occurred, e.g. {RedisUnavailableException=12}. */
  static Map<String, Long> kinds(List<Load.FailedAdd> failures) {
    return failures.stream().collect(Collectors.groupingBy(
        f -> f.error().getClass().getSimpleName(), Collectors.counting()));
  }
}
