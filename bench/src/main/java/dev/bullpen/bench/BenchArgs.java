package dev.bullpen.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags of {@link BenchMain}, with the same names, defaults and parsing rules as
 * {@code bench-bullmq.js} ({@code lib/common.js parseArgs}): {@code --name value}, or a bare
 * {@code --name} (or one followed by another flag) meaning {@code true}. Flags whose default is
 * "unset" ({@code jobs}, {@code window}, {@code concurrency}, {@code remove}) get their
 * per-test defaults from the accessors below, exactly where the Node harness applies them.
 */
final class BenchArgs {
  static final Set<String> TESTS = Set.of("enqueue-bulk", "enqueue-single", "process", "memory",
      "latency", "idle-worker", "idle-events", "idle-none");

  final String test;
  final Integer jobs;
  final int batch;
  final Integer window;
  final Integer concurrency;
  final int procs;
  final Boolean remove;
  final int rate;
  final int duration;
  final int warmup;
  final int timeout;
  final String queue;
  /** Every flag as given (after defaults), for the {@code args} field of failed runs. */
  final Map<String, Object> raw;

  private BenchArgs(Map<String, String> m) {
    test = m.getOrDefault("test", "process");
    if (!TESTS.contains(test)) {
      throw new IllegalArgumentException("unknown --test " + test + " (one of " + TESTS + ")");
    }
    jobs = optInt(m, "jobs");
    batch = intOr(m, "batch", 1000);
    window = optInt(m, "window");
    concurrency = optInt(m, "concurrency");
    procs = intOr(m, "procs", 1);
    remove = m.containsKey("remove") ? bool(m.get("remove"), "remove") : null;
    rate = intOr(m, "rate", 500);
    duration = intOr(m, "duration", 20);
    warmup = intOr(m, "warmup", 2);
    timeout = intOr(m, "timeout", 300);
    queue = m.getOrDefault("queue", "bench");
    if (batch < 1 || procs < 1 || rate < 1 || duration < 1 || timeout < 1) {
      throw new IllegalArgumentException("--batch, --procs, --rate, --duration and --timeout must"
          + " be positive, got " + m);
    }
    raw = new LinkedHashMap<>(m);
  }

  /** Parses {@code argv}; unknown flags are kept (as the Node harness does) but unused. */
  static BenchArgs parse(String... argv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        continue;
      }
      String key = a.substring(2);
      String value = i + 1 < argv.length && !argv[i + 1].startsWith("--") ? argv[++i] : "true";
      m.put(key, value);
    }
    return new BenchArgs(m);
  }

  /** Jobs of the run: 100,000 for enqueue-bulk/process/memory, 20,000 for enqueue-single. */
  int jobsOrDefault() {
    if (jobs != null) {
      return jobs;
    }
    return test.equals("enqueue-single") ? 20_000 : 100_000;
  }

  /** Idle window in seconds (default 60). */
  int idleWindowSeconds() {
    return window != null ? window : 60;
  }

  /** Window of in-flight single adds in enqueue-single (default 100). */
  int singleWindow() {
    return window != null ? window : 100;
  }

  private static Integer optInt(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be an integer, got '" + v + "'");
    }
  }

  private static int intOr(Map<String, String> m, String key, int dflt) {
    Integer v = optInt(m, key);
    return v == null ? dflt : v;
  }

  private static boolean bool(String v, String key) {
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException("--" + key + " must be true or false, got '" + v + "'");
  }
}
