package dev.bullpen.reliability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one summary line each fault test prints: {@code RELIABILITY {"scenario": ..., "jobs": ...,
 * "duplicates": ..., "lost": ..., "recoveryMs": ...}}. The README's reliability section quotes
 * these lines.
 */
final class Report {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Report() {}

  /** Prints the line for a ledger-checked scenario, with scenario-specific figures after. */
  static String print(String scenario, JobLedger.Outcome outcome, Map<String, Object> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    if (outcome != null) {
      m.putAll(outcome.fields());
    }
    m.putAll(extra);
    String line;
    try {
      line = "RELIABILITY " + JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    System.out.println(line);
    return line;
  }

  /** Milliseconds since {@code startNanos}. */
  static long msSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
