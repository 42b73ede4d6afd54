package dev.bullpen.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Queue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * T3 latency at a steady arrival rate (BENCH.md §4): one worker JVM (concurrency 50, remove on
 * complete), an open-loop producer in this process.
 *
 * <p>Open loop as in the Node harness: a 1 ms ticker sends every job that is due with
 * {@code Queue.addAsync}, never waiting for earlier adds; the adds in flight are pipelined on
 * the client's one connection. {@code t0} is read immediately before {@code addAsync()}.
 */
final class LatencyBench {
  private LatencyBench() {}

  static Map<String, Object> run(Harness h) throws InterruptedException {
    BenchArgs a = h.args;
    int rate = a.rate;
    int total = rate * a.duration;
    long warmupSeq = (long) rate * a.warmup;
    int conc = a.concurrency != null ? a.concurrency : 50;
    boolean remove = a.remove == null || a.remove;
    h.warmScripts();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("redisUri", h.redisUri());
    o.put("queue", a.queue);
    o.put("concurrency", conc);
    o.put("remove", remove);
    o.put("mode", "latency");
    o.put("warmupSeq", warmupSeq);
    try (WorkerProcesses kids = WorkerProcesses.spawn(List.of(o));
        Bullpen bullpen = h.connect()) {
      kids.awaitReady(60_000);
      Queue<Object> queue = bullpen.queue(a.queue);
      Host.sleep(1000);
      CostWindow.Snapshot s0 = CostWindow.snapshot(h.admin);
      h.admin.resetStats();
      long cmds0 = bullpen.commandsSent();
      kids.go();
      Host.sleep(200);
      double cpu0 = Host.processCpuMs();
      Samples lag = new Samples();
      AtomicInteger errors = new AtomicInteger();
      java.util.concurrent.atomic.AtomicReference<String> firstError =
          new java.util.concurrent.atomic.AtomicReference<>();
      int sent = 0;
      double start = Host.nowMs();
      while (sent < total) {
        double now = Host.nowMs();
        int due = (int) Math.min(total, Math.floor((now - start) / 1000 * rate));
        while (sent < due) {
          int seq = sent++;
          double scheduled = start + (double) seq / rate * 1000;
          double t0 = Host.nowMs();
          if (seq >= warmupSeq) {
            lag.add(t0 - scheduled);
          }
          try {
            queue.addAsync("bench", Payload.of(seq, t0)).whenComplete((j, e) -> {
              if (e != null) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, String.valueOf(e.getCause() != null
                    ? e.getCause().getMessage() : e.getMessage()));
              }
            });
          } catch (RuntimeException e) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, e.toString());
          }
        }
        if (sent < total) {
          Thread.sleep(1);
        }
      }
      double sendEnd = Host.nowMs();
      boolean ok = Harness.waitUntil(() -> kids.count() >= total, 30_000, 10);
      double prodCpu = Host.processCpuMs() - cpu0;
      long prodCmds = bullpen.commandsSent() - cmds0;
      CostWindow.End end = CostWindow.end(h.admin);
      JsonNode st = kids.finish(30_000).get(0);
      kids.waitExit(8000);

      long completed = st.path("count").asLong();
      double workerCpu = st.path("cpuMs").asDouble();
      Map<String, Object> r = h.result("latency");
      r.put("rate", rate);
      r.put("durationS", a.duration);
      r.put("concurrency", conc);
      r.put("removeOnComplete", remove);
      r.put("jobs", total);
      r.put("completed", completed);
      r.put("errors", errors.get());
      if (firstError.get() != null) {
        r.put("firstError", firstError.get());
      }
      r.put("status", ok ? "ok" : "drain-timeout");
      r.put("achievedRate", CostWindow.round(sent / ((sendEnd - start) / 1000)));
      r.put("producerLagMs", lag.summary());
      JsonNode lat = st.path("lat");
      for (String k : List.of("pickupMs", "doneMs", "bullProcessedMinusTimestampMs",
          "bullFinishedMinusTimestampMs")) {
        r.put(k, ResultLine.JSON.convertValue(lat.path(k), Map.class));
      }
      r.put("workerCpuMs", Math.round(workerCpu));
      r.put("producerCpuMs", Math.round(prodCpu));
      r.putAll(CostWindow.cpuSummary(s0, end.snapshot(), completed, workerCpu + prodCpu));
      r.putAll(CostWindow.cmdSummary(end.commandStats(), completed));
      r.putAll(CostWindow.clientCmdSummary(st.path("cmds").asLong() + prodCmds, completed));
      r.put("versions", ResultLine.versions());
      return r;
    }
  }
}
