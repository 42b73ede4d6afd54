package dev.bullpen.bench;

import dev.bullpen.Bullpen;
import dev.bullpen.bench.RedisAdmin.CommandStat;
import java.util.Map;

/**
 * T6 idle cost (BENCH.md §4): one object with default settings on an empty, never-used queue
 * in this process (a Worker, a QueueEvents, or nothing: the JVM and Redis alone), 5 s to
 * settle, then a window of {@code --window} seconds (default 60).
 */
final class IdleBench {
  private IdleBench() {}

  static Map<String, Object> run(Harness h, String kind) {
    int windowS = h.args.idleWindowSeconds();
    h.freshRedis();
    Bullpen bullpen = kind.equals("none") ? null : h.connect();
    AutoCloseable obj = null;
    try {
      if (kind.equals("worker")) {
        obj = bullpen.worker(h.args.queue, Object.class, job -> null);
      } else if (kind.equals("events")) {
        obj = bullpen.queueEvents(h.args.queue);
      }
      Host.sleep(5000);
      CostWindow.Snapshot s0 = CostWindow.snapshot(h.admin);
      h.admin.resetStats();
      long cmds0 = bullpen == null ? 0 : bullpen.commandsSent();
      double cpu0 = Host.processCpuMs();
      Host.sleep(windowS * 1000L);
      double clientCpu = Host.processCpuMs() - cpu0;
      long cmds = bullpen == null ? 0 : bullpen.commandsSent() - cmds0;
      CostWindow.End end = CostWindow.end(h.admin);
      CostWindow.Snapshot s1 = end.snapshot();
      double wallMin = (s1.t() - s0.t()) / 60_000;
      long total = 0;
      StringBuilder breakdown = new StringBuilder();
      for (Map.Entry<String, CommandStat> e : end.commandStats().entrySet()) {
        total += e.getValue().calls();
        if (breakdown.length() > 0) {
          breakdown.append(' ');
        }
        breakdown.append(e.getKey()).append('=').append(e.getValue().calls());
      }
      Map<String, Object> r = h.result("idle-" + kind);
      r.put("windowS", windowS);
      r.put("status", "ok");
      r.put("redisCmdsPerMin", r1(total / wallMin));
      r.put("topLevelCmdsPerMin", r1(cmds / wallMin));
      r.put("breakdown", breakdown.toString());
      r.put("clientBreakdown", cmds > 0 ? "all=" + cmds : "");
      r.put("redisCpuMsPerMin", r1((s1.redisCpuMs() - s0.redisCpuMs()) / wallMin));
      r.put("clientCpuMsPerMin", r1(clientCpu / wallMin));
      r.put("versions", ResultLine.versions());
      return r;
    } finally {
      if (obj != null) {
        try {
          obj.close();
        } catch (Exception e) {
          System.err.println("closing the idle object failed: " + e);
        }
      }
      if (bullpen != null) {
        bullpen.close();
      }
    }
  }

  private static double r1(double x) {
    return CostWindow.r1(x);
  }
}
