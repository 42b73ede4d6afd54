package dev.bullpen.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Queue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * T2 process and T5 memory (BENCH.md §4): a pre-filled queue drained by P worker JVMs at
 * concurrency C each, timed from the first to the last completion event over all workers.
 * {@code memory} is the same run at 1×100 keep, labelled {@code memory}, as in the Node
 * harness.
 */
final class ProcessBench {
  private ProcessBench() {}

  static Map<String, Object> run(Harness h, boolean memoryOnly) throws InterruptedException {
    BenchArgs a = h.args;
    int n = a.jobsOrDefault();
    int conc = a.concurrency != null ? a.concurrency : memoryOnly ? 100 : 1;
    int procs = memoryOnly ? 1 : a.procs;
    boolean remove = !memoryOnly && Boolean.TRUE.equals(a.remove);
    h.warmScripts();
    Harness.Memory m0 = h.usedMemory();
    try (Bullpen bullpen = h.connect()) {
      Queue<Object> queue = bullpen.queue(a.queue);
      double prefillRate = Harness.prefill(queue, n, 1000);
      Harness.Memory m1 = h.usedMemory();
      Object sampleJobBytes = null;
      try {
        sampleJobBytes = h.admin.call("MEMORY", "USAGE",
            "bull:" + a.queue + ":" + (n / 2), "SAMPLES", "0");
      } catch (RuntimeException e) {
        // informative only
      }

      List<Map<String, Object>> childOpts = new ArrayList<>();
      for (int i = 0; i < procs; i++) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("redisUri", h.redisUri());
        o.put("queue", a.queue);
        o.put("concurrency", conc);
        o.put("remove", remove);
        o.put("mode", "process");
        childOpts.add(o);
      }
      try (WorkerProcesses kids = WorkerProcesses.spawn(childOpts)) {
        kids.awaitReady(60_000);
        CostWindow.Snapshot s0 = CostWindow.snapshot(h.admin);
        h.admin.resetStats();
        kids.go();
        boolean ok = Harness.waitUntil(() -> kids.count() >= n, a.timeout * 1000L, 10);
        CostWindow.End end = CostWindow.end(h.admin);
        String clients = h.admin.info("clients").get("connected_clients");
        List<JsonNode> stats = kids.finish(30_000);
        kids.waitExit(8000);
        Harness.Memory m2 = h.usedMemory();
        long completedKept = remove ? 0 : queue.getJobCounts().completed();

        long done = 0;
        double first = Double.POSITIVE_INFINITY;
        double last = Double.NEGATIVE_INFINITY;
        double clientCpu = 0;
        long cmds = 0;
        for (JsonNode s : stats) {
          done += s.path("count").asLong();
          if (s.path("first").asDouble() > 0) {
            first = Math.min(first, s.path("first").asDouble());
          }
          last = Math.max(last, s.path("last").asDouble());
          clientCpu += s.path("cpuMs").asDouble();
          cmds += s.path("cmds").asLong();
        }
        Map<String, Object> r = h.result(memoryOnly ? "memory" : "process");
        r.put("jobs", n);
        r.put("concurrency", conc);
        r.put("procs", procs);
        r.put("removeOnComplete", remove);
        r.put("status", ok ? "ok" : "timeout done=" + done);
        r.put("jobsPerSec", CostWindow.round(done / ((last - first) / 1000)));
        r.put("firstToLastMs", CostWindow.round(last - first));
        r.put("prefillJobsPerSec", Math.round(prefillRate));
        r.putAll(CostWindow.cpuSummary(s0, end.snapshot(), done, clientCpu));
        r.putAll(CostWindow.cmdSummary(end.commandStats(), done));
        r.putAll(CostWindow.clientCmdSummary(cmds, done));
        r.put("memWaitingBytesPerJob", Math.round((double) (m1.used() - m0.used()) / n));
        r.put("memAfterBytesPerJob", Math.round((double) (m2.used() - m0.used()) / n));
        r.put("memWaitingDatasetBytesPerJob",
            Math.round((double) (m1.dataset() - m0.dataset()) / n));
        r.put("memAfterDatasetBytesPerJob",
            Math.round((double) (m2.dataset() - m0.dataset()) / n));
        r.put("memBaseline", m0.used());
        r.put("memWaiting", m1.used());
        r.put("memAfter", m2.used());
        r.put("sampleJobHashBytes", sampleJobBytes);
        r.put("completedKept", completedKept);
        r.put("redisClientsAtWindowEnd", clients == null ? null : Long.parseLong(clients));
        r.put("versions", ResultLine.versions());
        return r;
      }
    }
  }
}
