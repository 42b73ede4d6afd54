package dev.bullpen.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.JobHandler;
import dev.bullpen.JobOptions;
import dev.bullpen.LockLostException;
import dev.bullpen.Queue;
import dev.bullpen.RedisUnavailableException;
import dev.bullpen.Worker;
import dev.bullpen.WorkerListener;
import dev.bullpen.WorkerOptions;
import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.JobView;
import dev.bullpen.status.StatusOptions;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TcpProxy;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The network between one client (a worker, a producer and a status service) and Redis is cut
 * for 4 s by a {@link TcpProxy}, while another worker and producer keep their direct connection.
 * The cut-off side's calls fail within their timeout, its status answers turn stale, the other
 * worker re-runs the cut-off worker's jobs after their locks expire, the cut-off worker's late
 * completions are rejected, and after the network returns the cut-off side works again.
 */
@RedisTest
class NetworkCutIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final long MARGIN_MS = 1500;
  private static final long CUT_MS = 4000;
  private static final int CONCURRENCY = 4;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aWorkerCutOffFromRedisIsReplacedAndRecovers(RedisServer redis) throws Exception {
    String q = TestNames.uniqueQueue("netcut");
    try (TcpProxy proxy = TcpProxy.start(redis.host(), redis.port());
        Bullpen cutOff = Bullpen.builder().uri(proxy.uri()).commandTimeout(TIMEOUT).build();
        Bullpen direct = Bullpen.builder().uri(redis.uri()).commandTimeout(TIMEOUT).build();
        JobStatusService status = JobStatusService.create(cutOff, StatusOptions.builder()
            .readTimeout(TIMEOUT).build());
        JobLedger ledger = new JobLedger(direct.queue(q), redis.uri());
        Load load = new Load(ledger, List.of(cutOff.queue(q), direct.queue(q)), 3)) {
      Queue<Object> viaProxy = cutOff.queue(q);
      String watched = viaProxy.add("watched", Map.of("n", -1),
          JobOptions.builder().delay(Duration.ofHours(1)).build()).id();
      assertThat(status.get(q, watched).orElseThrow().stale()).isFalse();

      JobHandler<Object, Object> handler = load.handler(20);
      ConcurrentLinkedQueue<Long> cutOffRuns = new ConcurrentLinkedQueue<>();
      AtomicInteger rejected = new AtomicInteger();
      WorkerOptions opts = WorkerOptions.builder().concurrency(CONCURRENCY)
          .lockDuration(Duration.ofSeconds(2)).stalledInterval(Duration.ofMillis(500))
          .drainDelay(Duration.ofSeconds(1)).build();
      Worker<Object> a = cutOff.worker(q, Object.class, job -> {
        Object r = handler.handle(job);
        cutOffRuns.add(System.nanoTime());
        return r;
      }, opts);
      a.addListener(new WorkerListener<>() {
        @Override
        public void onError(Throwable error) {
          if (error instanceof LockLostException) {
            rejected.incrementAndGet();
          }
        }
      });
      Worker<Object> b = direct.worker(q, Object.class, handler,
          opts.toBuilder().concurrency(2).build());
      load.start();
      await().atMost(WAIT).until(() -> load.added() >= 200 && a.activeCount() > 0);

      proxy.cut();
      long cutAt = System.nanoTime();
      ledger.fault(CONCURRENCY);
      long t0 = System.nanoTime();
      assertThatThrownBy(viaProxy::getJobCounts).isInstanceOf(RedisUnavailableException.class);
      long failedCallMs = Report.msSince(t0);
      long[] slowestStatusMs = {0};
      await().atMost(Duration.ofMillis(CUT_MS - 500)).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            long s0 = System.nanoTime();
            JobView v = status.get(q, watched).orElseThrow();
            slowestStatusMs[0] = Math.max(slowestStatusMs[0], Report.msSince(s0));
            return v.stale();
          });
      long staleAfterMs = Report.msSince(cutAt);
      long directAcksBefore = load.acksAfter(cutAt);
      Thread.sleep(Math.max(0, CUT_MS - Report.msSince(cutAt)));
      long directAcksDuringCut = load.acksAfter(cutAt) - directAcksBefore;
      proxy.restore();
      long restoredAt = System.nanoTime();

      await().atMost(WAIT).until(() -> cutOffRuns.stream().anyMatch(t -> t > restoredAt));
      long workerBackMs = cutOffRuns.stream().filter(t -> t > restoredAt)
          .mapToLong(t -> (t - restoredAt) / 1_000_000).min().orElseThrow();
      await().atMost(WAIT).ignoreExceptions().until(() -> viaProxy.getJobCounts() != null);
      long producerBackMs = Report.msSince(restoredAt);
      await().atMost(WAIT).ignoreExceptions()
          .until(() -> !status.get(q, watched).orElseThrow().stale());
      long statusFreshMs = Report.msSince(restoredAt);
      load.stop();
      await().atMost(WAIT).until(() -> direct.queue(q).getJobCounts().unfinished() == 1);
      a.close();
      b.close();

      long longestFailedAdd = load.longestFailureAfterMs(cutAt - TIMEOUT.toNanos() * 4);
      JobLedger.Outcome outcome = ledger.check();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("cutMs", CUT_MS);
      extra.put("commandTimeoutMs", TIMEOUT.toMillis());
      extra.put("failedCallMs", failedCallMs);
      extra.put("longestFailedAddMs", longestFailedAdd);
      extra.put("failedAdds", load.failures().size());
      extra.put("directAddsDuringCut", directAcksDuringCut);
      extra.put("statusStaleAfterMs", staleAfterMs);
      extra.put("slowestStatusAnswerMs", slowestStatusMs[0]);
      extra.put("lockErrorsReported", rejected.get());
      extra.put("cutOffWorkerBackMs", workerBackMs);
      extra.put("cutOffCallsBackMs", producerBackMs);
      extra.put("statusFreshAfterMs", statusFreshMs);
      Report.print("network cut worker<->redis (TcpProxy)", outcome, extra);

      outcome.assertHolds();
      assertThat(outcome.completed()).isEqualTo(outcome.accepted());
      assertThat(failedCallMs).isLessThan(TIMEOUT.toMillis() + MARGIN_MS);
      assertThat(longestFailedAdd).isLessThan(TIMEOUT.toMillis() + MARGIN_MS);
      assertThat(slowestStatusMs[0]).isLessThan(TIMEOUT.toMillis() + MARGIN_MS);
      assertThat(directAcksDuringCut).as("the direct producer is not affected").isPositive();
      assertThat(load.failures()).isNotEmpty().allSatisfy(f ->
          assertThat(f.error()).isInstanceOf(RedisUnavailableException.class));
    }
  }
}
