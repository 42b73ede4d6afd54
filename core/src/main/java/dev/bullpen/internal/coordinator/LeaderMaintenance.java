package dev.bullpen.internal.coordinator;

import dev.bullpen.Bullpen;
import dev.bullpen.JobState;
import dev.bullpen.admin.CoordinatorOptions;
import dev.bullpen.admin.MaintenanceRun;
import dev.bullpen.internal.RedisGateway;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What only the leader does: the per-minute metrics rollup, event-stream trimming and retention
 * cleanup. Every step checks the lease first and passes the fencing token to Redis, which refuses
 * it once a newer leader has written to the queue; every step is recorded as a
 * {@link MaintenanceRun}. Called under the coordinator's monitor only.
 */
final class LeaderMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderMaintenance.class);
  private static final int MAX_RUNS = 200;

  private final Bullpen client;
  private final RedisGateway redis;
  private final CoordinatorOptions opts;
  private final LeaderElection election;
  private final ArrayDeque<MaintenanceRun> runs = new ArrayDeque<>();

  LeaderMaintenance(Bullpen client, RedisGateway redis, CoordinatorOptions opts,
      LeaderElection election) {
    this.client = client;
    this.redis = redis;
    this.opts = opts;
    this.election = election;
  }

  /** Sends every queue's finishes not yet counted to BullMQ's per-minute metrics. */
  void rollup(Collection<QueueMonitor> monitors) {
    if (!opts.writeMetrics()) {
      return;
    }
    for (QueueMonitor m : monitors) {
      while (election.holds()) {
        List<QueueMonitor.Rolled> batch = m.rollupBacklog(500);
        if (batch.isEmpty()) {
          break;
        }
        long token = election.token();
        long start = System.nanoTime();
        Instant startedAt = client.clock().instant();
        String[] args = new String[2 + batch.size() * 4];
        args[0] = Long.toString(token);
        args[1] = Integer.toString(opts.historyMinutes());
        int i = 2;
        for (QueueMonitor.Rolled r : batch) {
          args[i++] = Long.toString(r.streamMs());
          args[i++] = Long.toString(r.streamSeq());
          args[i++] = Long.toString(r.finishedAt());
          args[i++] = r.failed() ? "f" : "c";
        }
        String[] keys = {m.keys.key("bullpen:fence"), m.keys.key("bullpen:metrics-cursor"),
          m.keys.key("metrics:completed"), m.keys.key("metrics:completed:data"),
          m.keys.key("metrics:failed"), m.keys.key("metrics:failed:data")};
        long counted = LeaderElection.toLong(redis.eval(CoordinatorScripts.get().fencedMetrics,
            keys, args));
        record("metrics-rollup", m.queue, token, startedAt, start, counted);
        if (counted < 0) {
          LOG.warn("coordinator {}: queue {} refused metrics from token {} (a newer leader"
              + " wrote)", opts.instanceId(), m.queue, token);
          return;
        }
        m.rolledUp(batch.size());
      }
    }
  }

  /** Trims events streams and removes finished jobs past their retention, while leading. */
  void maintain(Collection<QueueMonitor> monitors) {
    for (QueueMonitor m : monitors) {
      if (opts.eventsMaxLength() > 0 && election.holds()) {
        long token = election.token();
        long start = System.nanoTime();
        Instant startedAt = client.clock().instant();
        long removed = LeaderElection.toLong(redis.eval(CoordinatorScripts.get().fencedTrim,
            new String[] {m.keys.key("bullpen:fence"), m.keys.key("events")},
            Long.toString(token), Long.toString(opts.eventsMaxLength())));
        record("trim-events", m.queue, token, startedAt, start, removed);
      }
      clean(m, JobState.COMPLETED, opts.completedRetention(m.queue));
      clean(m, JobState.FAILED, opts.failedRetention(m.queue));
    }
  }

  private void clean(QueueMonitor m, JobState state, java.time.Duration age) {
    if (age == null || !election.holds()) {
      return;
    }
    long token = election.token();
    long start = System.nanoTime();
    Instant startedAt = client.clock().instant();
    long ok = LeaderElection.toLong(redis.eval(CoordinatorScripts.get().fenceCheck,
        new String[] {m.keys.key("bullpen:fence")}, Long.toString(token)));
    long removed = -1;
    if (ok == 1) {
      try (dev.bullpen.Queue<Object> q = client.queue(m.queue)) {
        removed = q.clean(age, 10_000, state).size();
      }
    }
    record("retention", m.queue, token, startedAt, start, removed);
  }

  private void record(String task, String queue, long token, Instant startedAt, long start,
      long affected) {
    MaintenanceRun run = new MaintenanceRun(task, queue, token, startedAt,
        client.clock().instant(), start, System.nanoTime(), affected);
    synchronized (runs) {
      runs.addLast(run);
      while (runs.size() > MAX_RUNS) {
        runs.pollFirst();
      }
    }
  }

  List<MaintenanceRun> runs() {
    synchronized (runs) {
      return new ArrayList<>(runs);
    }
  }
}
