package dev.bullpen.bench;

import dev.bullpen.Bullpen;
import dev.bullpen.NewJob;
import dev.bullpen.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * T1a enqueue-bulk and T1b enqueue-single (BENCH.md §4): one producer in this process, no
 * worker, payloads built inside the timed loop.
 *
 * <p>"Issue 100 adds without awaiting, then await all 100" is {@code Queue.addAsync} from one
 * thread, then joining the window's futures; the adds are pipelined on the client's one
 * multiplexed connection, as ioredis pipelines BullMQ's.
 */
final class EnqueueBench {
  private EnqueueBench() {}

  static Map<String, Object> run(Harness h, boolean bulk) throws InterruptedException {
    BenchArgs a = h.args;
    int n = a.jobsOrDefault();
    int win = bulk ? a.batch : a.singleWindow();
    h.warmScripts();
    try (Bullpen bullpen = h.connect()) {
      Queue<Object> queue = bullpen.queue(a.queue);
      CostWindow.Snapshot s0 = CostWindow.snapshot(h.admin);
      h.admin.resetStats();
      long cmds0 = bullpen.commandsSent();
      double cpu0 = Host.processCpuMs();
      double t0 = Host.nowMs();
      for (int i = 0; i < n; i += win) {
        int end = Math.min(n, i + win);
        if (bulk) {
          List<NewJob<Object>> jobs = new ArrayList<>(end - i);
          for (int j = i; j < end; j++) {
            jobs.add(NewJob.of("bench", Payload.of(j)));
          }
          queue.addBulk(jobs);
        } else {
          List<CompletableFuture<?>> adds = new ArrayList<>(end - i);
          for (int j = i; j < end; j++) {
            adds.add(queue.addAsync("bench", Payload.of(j)));
          }
          for (CompletableFuture<?> f : adds) {
            await(f);
          }
        }
        if (Host.nowMs() - t0 > a.timeout * 1000.0) {
          break;
        }
      }
      double t1 = Host.nowMs();
      double clientCpu = Host.processCpuMs() - cpu0;
      long cmds = bullpen.commandsSent() - cmds0;
      CostWindow.End end = CostWindow.end(h.admin);
      long waiting = queue.getJobCounts().waiting();

      Map<String, Object> r = h.result(bulk ? "enqueue-bulk" : "enqueue-single");
      r.put("jobs", n);
      r.put("window", win);
      r.put("status", waiting == n ? "ok" : "waiting=" + waiting);
      r.put("jobsPerSec", Math.round(n / ((t1 - t0) / 1000)));
      r.put("elapsedMs", Math.round(t1 - t0));
      r.putAll(CostWindow.cpuSummary(s0, end.snapshot(), n, clientCpu));
      r.putAll(CostWindow.cmdSummary(end.commandStats(), n));
      r.putAll(CostWindow.clientCmdSummary(cmds, n));
      r.put("versions", ResultLine.versions());
      return r;
    }
  }

  private static void await(Future<?> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
    }
  }
}
