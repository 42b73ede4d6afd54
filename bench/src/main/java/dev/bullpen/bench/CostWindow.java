package dev.bullpen.bench;

import dev.bullpen.bench.RedisAdmin.CommandStat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measurement window's cost metrics (BENCH.md §3), computed exactly as
 * {@code lib/common.js} does: {@link #snapshot} before {@code CONFIG RESETSTAT},
 * {@link #end} reads {@code INFO commandstats} first and then snapshots again, and the summaries
 * round the way the Node harness rounds so rows compare field by field.
 */
final class CostWindow {
  private CostWindow() {}

  /** Everything the window takes deltas of. */
  record Snapshot(double t, double redisCpuMs, double redisSysMs, double redisMainCpuMs,
      Double redisProcCpuMs, long usedMemory, long usedMemoryDataset, Host.MachineTicks machine) {}

  /** The end of a window: commandstats (minus the harness' RESETSTAT) and the second snapshot. */
  record End(Map<String, CommandStat> commandStats, Snapshot snapshot) {}

  /**
   * INFO cpu, INFO memory, INFO server (for Redis' pid), then the wall clock and /proc/stat, in
   * the Node harness' order.
   */
  static Snapshot snapshot(RedisAdmin admin) {
    Map<String, String> cpu = admin.info("cpu");
    Map<String, String> mem = admin.info("memory");
    Map<String, String> srv = admin.info("server");
    double t = Host.nowMs();
    long pid = Long.parseLong(srv.getOrDefault("process_id", "0"));
    return new Snapshot(t,
        (num(cpu, "used_cpu_sys") + num(cpu, "used_cpu_user")) * 1000,
        num(cpu, "used_cpu_sys") * 1000,
        (num(cpu, "used_cpu_sys_main_thread") + num(cpu, "used_cpu_user_main_thread")) * 1000,
        Host.pidCpuMs(pid),
        (long) num(mem, "used_memory"), (long) num(mem, "used_memory_dataset"),
        Host.machineTicks());
  }

  /** Window end: INFO commandstats first (so the snapshot's INFO calls are not in it). */
  static End end(RedisAdmin admin) {
    Map<String, CommandStat> cs = admin.commandStats();
    CommandStat reset = cs.get("config|resetstat");
    if (reset != null) {
      if (reset.calls() <= 1) {
        cs.remove("config|resetstat");
      } else {
        cs.put("config|resetstat", new CommandStat(reset.calls() - 1, reset.usec()));
      }
    }
    return new End(cs, snapshot(admin));
  }

  /** windowMs, Redis/client/machine CPU (common.js {@code cpuSummary}). */
  static Map<String, Object> cpuSummary(Snapshot s0, Snapshot s1, long n, Double clientCpuMs) {
    Map<String, Object> m = new LinkedHashMap<>();
    double wallMs = s1.t() - s0.t();
    double redisCpuMs = s1.redisCpuMs() - s0.redisCpuMs();
    long mt = s1.machine().total() - s0.machine().total();
    long mi = s1.machine().idle() - s0.machine().idle();
    m.put("windowMs", Math.round(wallMs));
    m.put("redisCpuMs", Math.round(redisCpuMs));
    m.put("redisCpuPct", r1(redisCpuMs / wallMs * 100));
    m.put("redisCpuUsPerJob", n > 0 ? r1(redisCpuMs * 1000 / n) : null);
    m.put("clientCpuMs", clientCpuMs == null ? null : Math.round(clientCpuMs));
    m.put("clientCpuPct", clientCpuMs == null ? null : r1(clientCpuMs / wallMs * 100));
    m.put("clientCpuUsPerJob", clientCpuMs == null || n <= 0 ? null
        : r1(clientCpuMs * 1000 / n));
    m.put("machineBusyPct", mt > 0 ? r1((double) (mt - mi) / mt * 100) : null);
    m.put("stealPct", mt > 0
        ? r1((double) (s1.machine().steal() - s0.machine().steal()) / mt * 100) : null);
    m.put("redisSysSharePct", redisCpuMs > 0
        ? r1((s1.redisSysMs() - s0.redisSysMs()) / redisCpuMs * 100) : null);
    m.put("ncpu", Runtime.getRuntime().availableProcessors());
    return m;
  }

  /** Redis commands and EVALSHA per job from commandstats (common.js {@code cmdSummary}). */
  static Map<String, Object> cmdSummary(Map<String, CommandStat> cs, long n) {
    long total = 0;
    for (CommandStat c : cs.values()) {
      total += c.calls();
    }
    CommandStat evalsha = cs.getOrDefault("evalsha", new CommandStat(0, 0));
    CommandStat eval = cs.getOrDefault("eval", new CommandStat(0, 0));
    List<Map.Entry<String, CommandStat>> sorted = new ArrayList<>(cs.entrySet());
    sorted.sort((a, b) -> Long.compare(b.getValue().calls(), a.getValue().calls()));
    StringBuilder top = new StringBuilder();
    for (Map.Entry<String, CommandStat> e : sorted) {
      if (top.length() > 0) {
        top.append(' ');
      }
      top.append(e.getKey()).append('=').append(fmt(per(e.getValue().calls(), n)));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("redisCmdsTotal", total);
    m.put("redisCmdsPerJob", per(total, n));
    m.put("evalPerJob", per(evalsha.calls() + eval.calls(), n));
    m.put("evalUsecPerJob", per(evalsha.usec() + eval.usec(), n));
    m.put("cmdBreakdownPerJob", top.toString());
    return m;
  }

  /**
   * Top-level commands per job from {@code Bullpen.commandsSent()} deltas summed over client
   * processes. Bullpen counts commands but not their names, so the breakdown is the total.
   */
  static Map<String, Object> clientCmdSummary(long commandsSent, long n) {
    Map<String, Object> m = new LinkedHashMap<>();
    Double per = per(commandsSent, n);
    m.put("topLevelCmdsPerJob", per);
    m.put("topLevelBreakdownPerJob", per == null ? "" : "all=" + fmt(per));
    return m;
  }

  /** x/n rounded to 3 decimals, null when n is 0 (common.js {@code per}). */
  static Double per(double x, long n) {
    return n > 0 ? Math.round(x / n * 1000) / 1000.0 : null;
  }

  /** Rounded to an integer (JavaScript {@code Math.round}); null when not finite. */
  static Long round(double x) {
    return Double.isFinite(x) ? Math.round(x) : null;
  }

  /** Rounded to 1 decimal (common.js {@code r1}); non-finite values stay as they are. */
  static double r1(double x) {
    return Double.isFinite(x) ? Math.round(x * 10) / 10.0 : x;
  }

  /** A number as JavaScript prints it in a template string (no trailing {@code .0}). */
  static String fmt(Double x) {
    if (x == null) {
      return "null";
    }
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return Long.toString((long) (double) x);
    }
    return Double.toString(x);
  }

  private static double num(Map<String, String> m, String key) {
    String v = m.get(key);
    return v == null || v.isEmpty() ? 0 : Double.parseDouble(v);
  }
}
