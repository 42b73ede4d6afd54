package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.admin.Alert;
import dev.bullpen.admin.HealthLevel;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A loss of Redis data under running clients is noticed and reported; a persisted restart is not. */
class DataLossIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration CHECK = Duration.ofMillis(100);

  private static Bullpen client(RedisServer r) {
    return Bullpen.builder().uri(r.uri()).dataLossCheckInterval(CHECK).build();
  }

  @Test
  void restartWithoutPersistenceIsReportedByEveryClient() {
    try (RedisServer r = RedisServer.start(); Bullpen a = client(r); Bullpen b = client(r)) {
      Queue<Object> q = a.queue(TestNames.uniqueQueue("loss"));
      q.add("accepted", Map.of());
      assertThat(a.redisDataLost()).isFalse();
      assertThat(r.command("GET", "bull:bullpen-epoch")).isNotNull();

      r.restart();

      // one client finds the marker gone, the other finds the epoch the first wrote anew
      await().atMost(WAIT).until(() -> a.redisDataLost() && b.redisDataLost());
      assertThat(a.redisDataLosses()).isEqualTo(1);
      assertThat(b.redisDataLosses()).isEqualTo(1);
      assertThat(q.getJobCounts().waiting()).isZero();
      Alert alert = a.redisAlerts().get(0);
      assertThat(alert.rule()).isEqualTo("redis-data-lost");
      assertThat(alert.level()).isEqualTo(HealthLevel.CRITICAL);
      assertThat(alert.message()).contains("127.0.0.1:" + r.port()).contains("appendonly yes");

      // the marker is back, so the next loss is noticed too
      await().atMost(WAIT).until(() -> r.command("GET", "bull:bullpen-epoch") != null);
      r.command("FLUSHALL");
      await().atMost(WAIT).until(() -> a.redisDataLosses() == 2 && b.redisDataLosses() == 2);
    }
  }

  /** The periodic check can be rare: a restart shows as a reconnect, which triggers a check. */
  @Test
  void restartIsNoticedAtTheReconnectWithoutWaitingForTheNextTick() {
    try (RedisServer r = RedisServer.start();
        Bullpen bp = Bullpen.builder().uri(r.uri()).dataLossCheckInterval(Duration.ofHours(1))
            .build()) {
      bp.queue(TestNames.uniqueQueue("reconnect")).add("accepted", Map.of());

      r.restart();

      await().atMost(WAIT).until(bp::redisDataLost);
      assertThat(bp.redisDataLosses()).isEqualTo(1);
    }
  }

  @Test
  void restartWithAppendOnlyFileIsNoFalseAlarm() {
    try (RedisServer r = RedisServer.builder().arg("--appendonly", "yes", "--appendfsync",
        "always").start(); Bullpen bp = client(r)) {
      Queue<Object> q = bp.queue(TestNames.uniqueQueue("aof"));
      q.add("accepted", Map.of());

      r.restart();

      await().atMost(WAIT).ignoreExceptions().until(() -> q.getJobCounts().waiting() == 1);
      // many check intervals pass with the marker loaded back from the AOF
      await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !bp.redisDataLost());
      assertThat(bp.redisAlerts()).isEmpty();

      // control: the detector was running all along
      r.command("DEL", "bull:bullpen-epoch");
      await().atMost(WAIT).until(bp::redisDataLost);
    }
  }

  @Test
  void checkIsOffWhenServerChecksAreOff() {
    try (RedisServer r = RedisServer.start();
        Bullpen bp = Bullpen.builder().uri(r.uri()).checkServer(false).build()) {
      bp.queue(TestNames.uniqueQueue("off")).add("x", Map.of());
      assertThat(r.command("EXISTS", "bull:bullpen-epoch")).isEqualTo("0");
      assertThat(bp.redisDataLost()).isFalse();
    }
  }
}
