package dev.bullpen.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenarios of {@link InteropMatrixIT} (issue 3's list), each a {@link Scenario} plus what
 * the matrix needs to run and judge it.
 */
final class MatrixCases {
  private MatrixCases() {}

  /** Which client plays a role. */
  enum Side {
    BULLMQ, BULLPEN
  }

  /**
   * One scenario: its jobs and behaviors, how many final outcomes end it, a queue name base
   * (hash tags), an id counter preset, whether the active order is deterministic, and whether
   * the producer resumes the (paused) queue once the workers run.
   */
  record Case(String name, Scenario scenario, int finals, String queueBase, String idCounter,
      boolean ordered, boolean resumeLater) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A behavior map that may hold null values (Map.of may not). */
  static Map<String, Object> b(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Every scenario of the matrix, in the order the issue lists them. */
  static List<Case> all() {
    List<Case> out = new ArrayList<>();
    out.add(new Case("standard", new Scenario()
        .add("std", Map.of("n", 1), Map.of()).add("std", Map.of("n", 2), Map.of())
        .add("std", Map.of("n", 3, "path", "a/b"), Map.of())
        .behave("std", b("echo", true)), 3, null, null, true, false));
    out.add(new Case("custom-id", new Scenario()
        .add("c", Map.of("v", 1), Map.of("jobId", "order-42"))
        .add("c", Map.of("v", 2), Map.of("jobId", "order-42"))
        .add("c", Map.of("v", 3), Map.of())
        .behave("c", b("echo", true)), 2, null, null, true, false));
    out.add(new Case("delayed", new Scenario()
        // Far apart: under load BullMQ's producer may add job 2 some 100s of ms after job 1.
        .add("d", 1, Map.of("delay", 1200)).add("d", 2, Map.of("delay", 100))
        .add("d", 3, Map.of())
        .behave("d", b("echo", true)), 3, null, null, true, false));
    out.add(new Case("prioritized", new Scenario()
        .add("p", "a", Map.of("priority", 5)).add("p", "b", Map.of("priority", 1))
        .add("p", "c", Map.of()).add("p", "d", Map.of("priority", 3))
        .add("p", "e", Map.of("priority", 1))
        .behave("p", b("echo", true)), 5, null, null, true, false));
    // Several jobs per fetch (Bullpen takes up to min(concurrency, 50) per call): same order.
    out.add(new Case("prioritized-concurrent", new Scenario()
        .add("p", 1, Map.of("priority", 9)).add("p", 2, Map.of()).add("p", 3, Map.of("priority", 2))
        .add("p", 4, Map.of("lifo", true)).add("p", 5, Map.of("priority", 2))
        .add("p", 6, Map.of("priority", 1)).add("p", 7, Map.of())
        .behave("p", b("sleepMs", 30, "echo", true)).concurrency(3), 7, null, null, true, false));
    out.add(new Case("lifo", new Scenario()
        .add("l", 1, Map.of()).add("l", 2, Map.of()).add("l", 3, Map.of("lifo", true))
        .add("l", 4, Map.of()).add("l", 5, Map.of("lifo", true))
        .behave("l", b("echo", true)), 5, null, null, true, false));
    out.add(new Case("fixed-backoff-success", new Scenario()
        .add("f", Map.of(), Map.of("attempts", 3, "backoff", Map.of("type", "fixed", "delay", 100)))
        .behave("f", b("fail", "not yet", "failAttempts", 2, "returns", "third time")),
        1, null, null, false, false));
    out.add(new Case("fixed-backoff-failure", new Scenario()
        .add("f", Map.of(), Map.of("attempts", 2, "backoff", Map.of("type", "fixed", "delay", 100)))
        .behave("f", b("fail", "always")), 1, null, null, false, false));
    out.add(new Case("exponential-backoff-success", new Scenario()
        .add("e", Map.of(), Map.of("attempts", 4,
            "backoff", Map.of("type", "exponential", "delay", 50)))
        .behave("e", b("fail", "not yet", "failAttempts", 3, "returns", Map.of("ok", true))),
        1, null, null, false, false));
    out.add(new Case("exponential-backoff-failure", new Scenario()
        .add("e", Map.of(), Map.of("attempts", 3,
            "backoff", Map.of("type", "exponential", "delay", 50)))
        .behave("e", b("fail", "always")), 1, null, null, false, false));
    out.add(new Case("unrecoverable", new Scenario()
        .add("u", Map.of(), Map.of("attempts", 3, "backoff", Map.of("type", "fixed", "delay", 50)))
        .add("u", Map.of(), Map.of())
        .behave("u", b("fail", "fatal", "unrecoverable", true)), 2, null, null, true, false));
    out.add(new Case("progress", new Scenario()
        .add("pr", Map.of(), Map.of())
        .behave("pr", b("progress", List.of(0, 42, 99.5, Map.of("step", 2, "of", 3),
            Map.of("nested", b("list", List.of(1, "two", false), "none", null)), 100),
            "returns", "done")), 1, null, null, false, false));
    out.add(new Case("logs", new Scenario()
        .add("ok", Map.of(), Map.of()).add("bad", Map.of(), Map.of())
        .behave("ok", b("logs", List.of("first row", "second: \"quoted\", ünïcode ✓, a/b"),
            "returns", 1))
        .behave("bad", b("logs", List.of("before failing"), "fail", "logged")),
        2, null, null, true, false));
    Scenario rv = new Scenario();
    Map<String, Object> values = b("object", Map.of("a", 1, "b", List.of(true, "x")),
        "array", List.of(1, "two", Map.of("three", 3)), "string", "text ✓ \"q\" a/b",
        "empty-string", "", "integer", 42, "negative", -7, "float", 3.25, "zero", 0,
        "true", true, "false", false, "null", null, "empty-object", Map.of(),
        "empty-array", List.of());
    values.forEach((kind, v) -> rv.add("rv-" + kind, Map.of(), Map.of())
        .behave("rv-" + kind, b("returns", v)));
    rv.add("rv-undefined", Map.of(), Map.of()).behave("rv-undefined", b());
    out.add(new Case("return-values", rv, values.size() + 1, null, null, true, false));
    out.add(new Case("keep-by-count", new Scenario()
        .add("k", 1, Map.of("removeOnComplete", 2)).add("f", 2, Map.of("removeOnFail", 1))
        .add("k", 3, Map.of("removeOnComplete", 2)).add("f", 4, Map.of("removeOnFail", 1))
        .add("k", 5, Map.of("removeOnComplete", 2)).add("f", 6, Map.of("removeOnFail", 1))
        .add("k", 7, Map.of("removeOnComplete", 2))
        .behave("k", b("echo", true)).behave("f", b("fail", "no")), 7, null, null, true, false));
    out.add(new Case("keep-by-age", new Scenario()
        .add("ok", 1, Map.of("removeOnComplete", Map.of("age", 1)))
        .add("bad", 2, Map.of("removeOnFail", Map.of("age", 1)))
        .add("slow", 3, Map.of("removeOnComplete", Map.of("age", 1)))
        .add("bad", 4, Map.of("removeOnFail", Map.of("age", 1)))
        .behave("ok", b("echo", true)).behave("bad", b("fail", "no"))
        .behave("slow", b("sleepMs", 1300, "echo", true)), 4, null, null, true, false));
    out.add(new Case("pause-resume", new Scenario().before("pause")
        .add("w", 1, Map.of()).add("w", 2, Map.of()).add("w", 3, Map.of())
        .add("w", 4, Map.of("priority", 2)).add("w", 5, Map.of())
        .behave("w", b("echo", true)), 5, null, null, true, true));
    out.add(new Case("global-rate-limit", new Scenario().before("setGlobalRateLimit", 2, 500)
        .add("r", 1, Map.of()).add("r", 2, Map.of()).add("r", 3, Map.of())
        .add("r", 4, Map.of()).add("r", 5, Map.of()).add("r", 6, Map.of())
        .behave("r", b("sleepMs", 10, "echo", true)).concurrency(3),
        6, null, null, true, false));
    out.add(new Case("global-concurrency", new Scenario().before("setGlobalConcurrency", 2)
        .add("g", 1, Map.of()).add("g", 2, Map.of()).add("g", 3, Map.of())
        .add("g", 4, Map.of()).add("g", 5, Map.of()).add("g", 6, Map.of())
        .behave("g", b("sleepMs", 150, "echo", true)).concurrency(4),
        6, null, null, true, false));
    out.add(new Case("ids-past-299999999", new Scenario()
        .add("x", 1, Map.of()).add("x", 2, Map.of("delay", 100))
        .add("x", 3, Map.of("jobId", "custom")).add("x", 4, Map.of("priority", 1))
        .add("flaky", 5, Map.of("attempts", 2, "backoff", Map.of("type", "fixed", "delay", 50)))
        .behave("x", b("echo", true))
        .behave("flaky", b("fail", "once", "failAttempts", 1, "returns", "ok")),
        5, null, "299999999", false, false));
    out.add(new Case("hash-tag-queue", new Scenario()
        .add("x", Map.of("v", 1), Map.of()).add("x", Map.of("v", 2), Map.of("delay", 100))
        .add("x", Map.of("v", 3), Map.of("priority", 2))
        .add("pr", Map.of(), Map.of("attempts", 2, "backoff", Map.of("type", "fixed", "delay", 50)))
        .behave("x", b("echo", true))
        .behave("pr", b("progress", List.of(50, Map.of("p", 1)), "logs", List.of("row"),
            "fail", "once", "failAttempts", 1, "returns", "ok")),
        4, "{video}", null, false, false));
    return out;
  }

}
