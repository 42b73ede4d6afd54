package dev.bullpen.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.NotReplicatedException;
import dev.bullpen.RedisUnavailableException;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.RedisSentinelSet;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Sentinel failover (master SIGKILLed, replica promoted) under load, checked by the job ledger:
 * producers with durable adds ({@code WAIT} for one replica) and a worker follow the new master by
 * themselves, and every acknowledged job completes exactly once or is still to run. Core's
 * {@code SentinelFailoverIT} measures the other cases (lagging replicas without durable adds,
 * which do lose acknowledged jobs, and a frozen master); this test adds the invariant over every
 * job.
 */
class SentinelFailoverLedgerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int CONCURRENCY = 4;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void clientsFollowThePromotedReplicaAndNoAcknowledgedJobIsLost() throws Exception {
    // a hash tag keeps the queue's keys together, as Cluster-ready names do
    String q = "{" + TestNames.uniqueQueue("failover") + "}";
    try (RedisSentinelSet set = RedisSentinelSet.builder()
            .failoverTimeout(Duration.ofSeconds(2)).start();
        Bullpen bp = Bullpen.builder().uri(set.uri()).commandTimeout(Duration.ofSeconds(1))
            .durableAdd(1, Duration.ofMillis(500)).build();
        JobLedger ledger = new JobLedger(bp.queue(q), set.uri());
        Load load = new Load(ledger, List.of(bp.queue(q), bp.queue(q)), 2)) {
      Worker<Object> worker = bp.worker(q, Object.class, load.handler(10),
          WorkerOptions.builder().concurrency(CONCURRENCY).lockDuration(Duration.ofSeconds(2))
              .stalledInterval(Duration.ofMillis(500)).drainDelay(Duration.ofSeconds(1))
              .build());
      load.start();
      await().atMost(WAIT).until(() -> load.added() >= 300 && worker.activeCount() > 0);

      RedisServer old = set.master();
      old.kill();
      long killedAt = System.nanoTime();
      ledger.fault(CONCURRENCY);
      RedisServer promoted = set.awaitFailover(old, WAIT);
      long promotedAt = System.nanoTime();
      long promotedMs = Report.msSince(killedAt);
      // durable adds need a replica to acknowledge them: the old master comes back as one
      set.restart(old);
      await().atMost(WAIT).until(() -> load.acksAfter(killedAt) >= 100
          && load.firstRunAfterMs(promotedAt) >= 0);
      long producerBackMs = load.firstAckAfterMs(killedAt);
      long workerBackMs = load.firstRunAfterMs(promotedAt) + promotedMs;
      load.stop();
      await().atMost(WAIT).ignoreExceptions()
          .until(() -> bp.queue(q).getJobCounts().unfinished() == 0);
      long drainedMs = Report.msSince(killedAt);
      worker.close();

      JobLedger.Outcome outcome = ledger.check();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("failedAdds", load.failures().size());
      extra.put("errorKinds", RedisRestartIT.kinds(load.failures()));
      extra.put("promotedAfterMs", promotedMs);
      extra.put("producerBackAfterKillMs", producerBackMs);
      extra.put("workerBackAfterKillMs", workerBackMs);
      extra.put("drainedAfterKillMs", drainedMs);
      extra.put("dataLossReported", bp.redisDataLost());
      Report.print("sentinel failover (master SIGKILL, durable adds)", outcome, extra);
      outcome.assertHolds();
      assertThat(outcome.completed()).isEqualTo(outcome.accepted());
      assertThat(promoted).isNotSameAs(old);
      assertThat(load.failures()).allSatisfy(f -> assertThat(f.error())
          .isInstanceOfAny(RedisUnavailableException.class, NotReplicatedException.class));
    }
  }
}
