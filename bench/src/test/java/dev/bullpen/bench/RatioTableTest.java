package dev.bullpen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RatioTableTest {
  private static JsonNode row(String json) throws Exception {
    return ResultLine.JSON.readTree(json);
  }

  private static List<JsonNode> rows() throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (int rep = 1; rep <= 3; rep++) {
      rows.add(row("{\"lib\":\"bullmq\",\"test\":\"process\",\"status\":\"ok\",\"runId\":\"r1\","
          + "\"rep\":" + rep + ",\"jobs\":100000,\"procs\":1,\"concurrency\":100,"
          + "\"removeOnComplete\":false,\"jobsPerSec\":" + (20000 + rep * 1000)
          + ",\"redisCpuUsPerJob\":40,\"memWaitingBytesPerJob\":650}"));
      rows.add(row("{\"lib\":\"bullpen\",\"test\":\"process\",\"status\":\"ok\",\"runId\":\"r1\","
          + "\"rep\":" + rep + ",\"jobs\":100000,\"procs\":1,\"concurrency\":100,"
          + "\"removeOnComplete\":false,\"jobsPerSec\":" + (40000 + rep * 3000)
          + ",\"redisCpuUsPerJob\":20,\"memWaitingBytesPerJob\":650}"));
    }
    rows.add(row("{\"lib\":\"redis\",\"test\":\"idle-none\",\"status\":\"ok\",\"runId\":\"r1\","
        + "\"rep\":1,\"redisCmdsPerMin\":0,\"redisCpuMsPerMin\":60}"));
    rows.add(row("{\"lib\":\"bullpen\",\"test\":\"idle-none\",\"status\":\"ok\",\"runId\":\"r1\","
        + "\"rep\":1,\"redisCmdsPerMin\":0,\"redisCpuMsPerMin\":62}"));
    rows.add(row("{\"lib\":\"bullpen\",\"test\":\"latency\",\"status\":\"error\",\"runId\":\"r1\"}"));
    rows.add(row("{\"lib\":\"bullpen\",\"test\":\"process\",\"status\":\"ok\",\"runId\":\"r0\","
        + "\"rep\":1,\"jobs\":5,\"procs\":1,\"concurrency\":1,\"removeOnComplete\":false}"));
    return rows;
  }

  @Test
  void ratiosArePairedByRepetitionAndSummarisedAsMedianAndRange() throws Exception {
    String md = RatioTable.render(rows(), null);
    assertThat(md).contains("<!-- runId r1;");
    assertThat(md).contains("1 non-ok result(s): bullpen/latency:error");
    assertThat(md).contains("| process 1×100 keep, 100000 jobs | 3/3 |"
        + " 46,000 (43,000–49,000) | 22,000 (21,000–23,000) | **2.09×** (2.05–2.13) |"
        + " 20 | 40 | **0.50×** |");
    assertThat(md).contains("| idle-none | 1/1 |");
    assertThat(md).doesNotContain("1×1 keep");
  }

  @Test
  void numbersAreFormattedLikeSummarizeJs() {
    assertThat(RatioTable.fmtNum(23_012.4)).isEqualTo("23,012");
    assertThat(RatioTable.fmtNum(651.4)).isEqualTo("651");
    assertThat(RatioTable.fmtNum(43.9)).isEqualTo("43.9");
    assertThat(RatioTable.fmtNum(24.0)).isEqualTo("24");
    assertThat(RatioTable.fmtNum(2.5)).isEqualTo("2.5");
    assertThat(RatioTable.fmtNum(0.0)).isEqualTo("0");
    assertThat(RatioTable.fmtNum(0.001)).isEqualTo("0.001");
    assertThat(RatioTable.fmtNum(0.0004)).isEqualTo("0");
    assertThat(RatioTable.cell(List.of(3.0, 1.0, 2.0))).isEqualTo("2 (1–3)");
    assertThat(RatioTable.cell(List.of())).isEqualTo("–");
  }
}
