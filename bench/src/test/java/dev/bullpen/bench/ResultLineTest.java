package dev.bullpen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.bench.RedisAdmin.CommandStat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultLineTest {
  /** BENCH.md §8: the fields every RESULT line carries, so summarize.js works unchanged. */
  private static final String[] COMMON = {"lib", "test", "status", "runId", "rep", "jobs",
    "windowMs", "redisCpuMs", "redisCpuPct", "redisCpuUsPerJob", "clientCpuMs", "clientCpuPct",
    "clientCpuUsPerJob", "machineBusyPct", "redisCmdsPerJob", "evalPerJob", "evalUsecPerJob",
    "cmdBreakdownPerJob", "topLevelCmdsPerJob", "topLevelBreakdownPerJob"};

  private static CostWindow.Snapshot snap(double t, double redisCpuMs, long idle, long total) {
    return new CostWindow.Snapshot(t, redisCpuMs, redisCpuMs / 10, redisCpuMs, null, 0, 0,
        new Host.MachineTicks(idle, total, 0));
  }

  @Test
  void aProcessLineHasEveryFieldOfSectionEightAndParsesAsJson() throws Exception {
    Map<String, CommandStat> cs = new LinkedHashMap<>();
    cs.put("evalsha", new CommandStat(1000, 30_000));
    cs.put("hset", new CommandStat(2000, 2000));
    cs.put("zadd", new CommandStat(500, 500));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("lib", ResultLine.LIB);
    r.put("test", "process");
    r.put("jobs", 1000);
    r.put("concurrency", 100);
    r.put("procs", 1);
    r.put("removeOnComplete", true);
    r.put("status", "ok");
    r.put("jobsPerSec", 20_000L);
    r.putAll(CostWindow.cpuSummary(snap(0, 1000, 100, 200), snap(2000, 1500, 150, 400), 1000,
        300.0));
    r.putAll(CostWindow.cmdSummary(cs, 1000));
    r.putAll(CostWindow.clientCmdSummary(1020, 1000));

    String line = ResultLine.format(r, "20261125T000000Z", "2");
    assertThat(line).startsWith("RESULT {");
    JsonNode j = ResultLine.JSON.readTree(line.substring("RESULT ".length()));
    for (String f : COMMON) {
      assertThat(j.has(f)).as(f).isTrue();
    }
    assertThat(j.get("lib").asText()).isEqualTo("bullpen");
    assertThat(j.get("rep").asInt()).isEqualTo(2);
    assertThat(j.get("windowMs").asLong()).isEqualTo(2000);
    assertThat(j.get("redisCpuPct").asDouble()).isEqualTo(25.0);
    assertThat(j.get("redisCpuUsPerJob").asDouble()).isEqualTo(500.0);
    assertThat(j.get("clientCpuUsPerJob").asDouble()).isEqualTo(300.0);
    assertThat(j.get("machineBusyPct").asDouble()).isEqualTo(75.0);
    assertThat(j.get("redisCmdsPerJob").asDouble()).isEqualTo(3.5);
    assertThat(j.get("evalPerJob").asDouble()).isEqualTo(1.0);
    assertThat(j.get("evalUsecPerJob").asDouble()).isEqualTo(30.0);
    assertThat(j.get("cmdBreakdownPerJob").asText()).isEqualTo("hset=2 evalsha=1 zadd=0.5");
    assertThat(j.get("topLevelCmdsPerJob").asDouble()).isEqualTo(1.02);
    assertThat(j.get("topLevelBreakdownPerJob").asText()).isEqualTo("all=1.02");
  }

  @Test
  void theHarnessResetstatIsNotCounted() {
    Map<String, CommandStat> cs = new LinkedHashMap<>();
    cs.put("config|resetstat", new CommandStat(1, 10));
    cs.put("evalsha", new CommandStat(4, 40));
    Map<String, Object> m = CostWindow.cmdSummary(cs, 4);
    assertThat(m.get("redisCmdsPerJob")).isEqualTo(1.25);
  }

  @Test
  void nonFiniteNumbersBecomeNullAsInJavaScript() throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("jobsPerSec", Double.POSITIVE_INFINITY);
    r.put("nested", Map.of("p99", Double.NaN));
    JsonNode j = ResultLine.JSON.readTree(ResultLine.format(r, null, null).substring(7));
    assertThat(j.get("jobsPerSec").isNull()).isTrue();
    assertThat(j.get("nested").get("p99").isNull()).isTrue();
    assertThat(j.has("runId")).isFalse();
    assertThat(j.has("ts")).isTrue();
  }

  @Test
  void countsPerJobRoundToThreeDecimalsLikeTheNodeHarness() {
    assertThat(CostWindow.per(1, 3)).isEqualTo(0.333);
    assertThat(CostWindow.per(5, 0)).isNull();
    assertThat(CostWindow.r1(12.345)).isEqualTo(12.3);
    assertThat(CostWindow.round(Double.NaN)).isNull();
    assertThat(CostWindow.fmt(2.0)).isEqualTo("2");
    assertThat(CostWindow.fmt(0.021)).isEqualTo("0.021");
  }

  @Test
  void parsesInfoAndCommandStats() {
    String text = "# Commandstats\r\ncmdstat_evalsha:calls=12,usec=345,usec_per_call=28.75,"
        + "rejected_calls=0,failed_calls=0\r\ncmdstat_config|resetstat:calls=1,usec=5\r\n";
    Map<String, CommandStat> cs = RedisAdmin.parseCommandStats(text);
    assertThat(cs).containsEntry("evalsha", new CommandStat(12, 345))
        .containsEntry("config|resetstat", new CommandStat(1, 5));
    assertThat(RedisAdmin.parseInfo("# CPU\r\nused_cpu_sys:1.5\r\nused_cpu_user:2.25\r\n"))
        .containsEntry("used_cpu_sys", "1.5").containsEntry("used_cpu_user", "2.25");
  }
}
