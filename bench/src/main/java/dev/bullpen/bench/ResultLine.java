package dev.bullpen.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The one {@code RESULT {json}} line of a run (BENCH.md §8), written like common.js
 * {@code emit}: {@code ts}, and {@code runId}/{@code rep} from {@code BENCH_RUN_ID}/
 * {@code BENCH_REP}. Non-finite numbers become {@code null}, as {@code JSON.stringify} writes
 * them, so {@code summarize.js} can always parse the line.
 */
final class ResultLine {
  static final String LIB = "bullpen";
  static final ObjectMapper JSON = new ObjectMapper();

  private ResultLine() {}

  /** Adds ts/runId/rep and prints the line on {@code out}. */
  static void emit(PrintStream out, Map<String, Object> fields) {
    out.println(format(fields, System.getenv("BENCH_RUN_ID"), System.getenv("BENCH_REP")));
    out.flush();
  }

  static String format(Map<String, Object> fields, String runId, String rep) {
    Map<String, Object> m = new LinkedHashMap<>(fields);
    m.put("ts", Instant.now().toString());
    if (runId != null && !runId.isEmpty()) {
      m.put("runId", runId);
    }
    if (rep != null && !rep.isEmpty()) {
      m.put("rep", Integer.parseInt(rep.trim()));
    }
    try {
      return "RESULT " + JSON.writeValueAsString(sanitize(m));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Library and runtime versions, like the Node harness' {@code versions} field. */
  static Map<String, Object> versions() {
    Properties p = new Properties();
    try (InputStream in = ResultLine.class.getResourceAsStream("versions.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // versions are informative only
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("java", System.getProperty("java.version"));
    m.put("jvm", System.getProperty("java.vm.name"));
    m.put("bullpen", p.getProperty("bullpen"));
    m.put("lettuce", p.getProperty("lettuce"));
    return m;
  }

  private static Object sanitize(Object v) {
    if (v instanceof Double && !Double.isFinite((Double) v)) {
      return null;
    }
    if (v instanceof Float && !Float.isFinite((Float) v)) {
      return null;
    }
    if (v instanceof Map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        out.put(e.getKey(), sanitize(e.getValue()));
      }
      return out;
    }
    if (v instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object o : (List<?>) v) {
        out.add(sanitize(o));
      }
      return out;
    }
    return v;
  }
}
