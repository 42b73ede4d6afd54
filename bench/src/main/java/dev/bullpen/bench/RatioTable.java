package dev.bullpen.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Bullpen beside BullMQ from one results.jsonl: per test and configuration, each metric's
 * median (min–max) over the repetitions for both libraries and, for the headline metrics, the
 * Bullpen/BullMQ ratio. A ratio is taken per repetition (Bullpen rep k over BullMQ rep k: the
 * two ran back to back, so slow drift of the machine cancels) and its median (min–max) shown.
 *
 * <pre>
 * java -cp bench/target/bullpen-bench.jar dev.bullpen.bench.RatioTable \
 *     --file bench/target/results/results.jsonl [--run RUN_ID|all]
 * </pre>
 *
 * Like summarize.js, only the newest run id is read unless {@code --run} says otherwise, and
 * only rows with status ok count. BullMQ's idle-none baseline is labelled {@code redis}.
 */
public final class RatioTable {
  private static final String A = ResultLine.LIB;
  private static final String B = "bullmq";

  private final List<JsonNode> rows;
  private final StringBuilder out = new StringBuilder();

  RatioTable(List<JsonNode> rows) {
    this.rows = rows;
  }

  /** Prints the markdown tables for {@code --file} (and {@code --run}). */
  public static void main(String[] argv) throws IOException {
    Flags a = Flags.parse(argv);
    List<JsonNode> all = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(a.file))) {
      if (!line.isBlank()) {
        all.add(ResultLine.JSON.readTree(line));
      }
    }
    System.out.print(render(all, a.run));
  }

  /** The markdown for the newest run (or {@code run}, or every run for "all"). */
  static String render(List<JsonNode> all, String run) {
    List<JsonNode> sel = new ArrayList<>(all);
    StringBuilder head = new StringBuilder();
    if (!"all".equals(run)) {
      TreeSet<String> runs = new TreeSet<>();
      for (JsonNode r : all) {
        if (r.hasNonNull("runId")) {
          runs.add(r.get("runId").asText());
        }
      }
      String chosen = run != null ? run : runs.isEmpty() ? null : runs.last();
      if (chosen != null) {
        sel.removeIf(r -> !chosen.equals(r.path("runId").asText(null)));
      }
      head.append("<!-- runId ").append(chosen == null ? "(none)" : chosen).append("; ")
          .append(sel.size()).append(" result lines -->\n\n");
    }
    List<String> bad = new ArrayList<>();
    for (JsonNode r : sel) {
      if (r.hasNonNull("status") && !"ok".equals(r.get("status").asText())) {
        bad.add(r.path("lib").asText() + "/" + r.path("test").asText() + ":"
            + r.get("status").asText());
      }
    }
    if (!bad.isEmpty()) {
      head.append("> ").append(bad.size()).append(" non-ok result(s): ")
          .append(String.join(", ", bad)).append("\n\n");
    }
    sel.removeIf(r -> r.hasNonNull("status") && !"ok".equals(r.get("status").asText()));
    RatioTable t = new RatioTable(sel);
    t.out.append(head);
    t.all();
    return t.out.toString();
  }

  private void all() {
    section("Throughput (jobs/s: higher is better; ratio = Bullpen ÷ BullMQ)",
        r -> r.path("test").asText().startsWith("enqueue") || isTest(r, "process"),
        RatioTable::configKey,
        List.of(Metric.ratio("jobs/s", "jobsPerSec"),
            Metric.ratio("Redis CPU µs/job", "redisCpuUsPerJob"),
            Metric.plain("Redis cmds/job", "redisCmdsPerJob"),
            Metric.plain("top-level cmds/job", "topLevelCmdsPerJob"),
            Metric.ratio("client CPU µs/job", "clientCpuUsPerJob")));
    section("Latency, open-loop arrivals, 1 worker conc 50, remove on complete (ms)",
        r -> isTest(r, "latency"), RatioTable::configKey,
        List.of(Metric.plain("achieved/s", "achievedRate"),
            Metric.plain("pickup p99", "pickupMs.p99"),
            Metric.ratio("done p99", "doneMs.p99"),
            Metric.plain("done p50", "doneMs.p50"),
            Metric.ratio("Redis CPU µs/job", "redisCpuUsPerJob"),
            Metric.plain("Redis cmds/job", "redisCmdsPerJob"),
            Metric.plain("producer lag p99", "producerLagMs.p99")));
    section("Redis memory per job (used_memory delta ÷ jobs, bytes)",
        r -> isTest(r, "process"), r -> "removeOnComplete " + r.path("removeOnComplete").asText(),
        List.of(Metric.ratio("waiting B/job", "memWaitingBytesPerJob"),
            Metric.plain("after B/job", "memAfterBytesPerJob"),
            Metric.plain("waiting dataset B/job", "memWaitingDatasetBytesPerJob")));
    section("Idle cost per minute (window after a 5 s settle; idle-none is Redis with only the"
            + " harness' runtime: Node for BullMQ, a JVM for Bullpen)",
        r -> r.path("test").asText().startsWith("idle"), r -> r.path("test").asText(),
        List.of(Metric.plain("Redis cmds/min", "redisCmdsPerMin"),
            Metric.plain("round trips/min", "topLevelCmdsPerMin"),
            Metric.plain("Redis CPU ms/min", "redisCpuMsPerMin"),
            Metric.plain("client CPU ms/min", "clientCpuMsPerMin")));
  }

  /** A metric column pair (Bullpen, BullMQ), optionally with a ratio column. */
  record Metric(String title, String path, boolean withRatio) {
    static Metric ratio(String title, String path) {
      return new Metric(title, path, true);
    }

    static Metric plain(String title, String path) {
      return new Metric(title, path, false);
    }
  }

  private void section(String title, Predicate<JsonNode> filter,
      Function<JsonNode, String> group, List<Metric> metrics) {
    Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
    for (JsonNode r : rows) {
      if (filter.test(r) && (isLib(r, A) || isLib(r, B))) {
        groups.computeIfAbsent(group.apply(r), k -> new ArrayList<>()).add(r);
      }
    }
    if (groups.isEmpty()) {
      return;
    }
    out.append("### ").append(title).append("\n\n| config | runs |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (Metric m : metrics) {
      out.append(' ').append(m.title).append(" Bullpen | BullMQ |");
      rule.append("---|---|");
      if (m.withRatio) {
        out.append(" ratio |");
        rule.append("---|");
      }
    }
    out.append('\n').append(rule).append('\n');
    for (Map.Entry<String, List<JsonNode>> g : groups.entrySet()) {
      List<JsonNode> a = new ArrayList<>();
      List<JsonNode> b = new ArrayList<>();
      for (JsonNode r : g.getValue()) {
        (isLib(r, A) ? a : b).add(r);
      }
      out.append("| ").append(g.getKey()).append(" | ").append(a.size()).append('/')
          .append(b.size()).append(" |");
      for (Metric m : metrics) {
        out.append(' ').append(cell(values(a, m.path))).append(" | ")
            .append(cell(values(b, m.path))).append(" |");
        if (m.withRatio) {
          out.append(' ').append(ratioCell(pairedRatios(a, b, m.path))).append(" |");
        }
      }
      out.append('\n');
    }
    out.append('\n');
  }

  /** Bullpen ÷ BullMQ per (repetition, full configuration) present on both sides. */
  static List<Double> pairedRatios(List<JsonNode> a, List<JsonNode> b, String path) {
    Map<String, Double> bs = new LinkedHashMap<>();
    for (JsonNode r : b) {
      Double v = value(r, path);
      if (v != null) {
        bs.put(pairKey(r), v);
      }
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode r : a) {
      Double v = value(r, path);
      Double w = bs.get(pairKey(r));
      if (v != null && w != null && w != 0) {
        out.add(v / w);
      }
    }
    return out;
  }

  private static String pairKey(JsonNode r) {
    return r.path("rep").asText("?") + "|" + configKey(r);
  }

  /** The configuration a row measured, as a table label. */
  static String configKey(JsonNode r) {
    String test = r.path("test").asText();
    switch (test) {
      case "enqueue-bulk":
      case "enqueue-single":
        return test + " " + r.path("jobs").asText() + " jobs, window " + r.path("window").asText();
      case "process":
        return "process " + r.path("procs").asText() + "×" + r.path("concurrency").asText()
            + (r.path("removeOnComplete").asBoolean() ? " remove" : " keep") + ", "
            + r.path("jobs").asText() + " jobs";
      case "latency":
        return "latency " + r.path("rate").asText() + "/s";
      default:
        return test;
    }
  }

  private static boolean isTest(JsonNode r, String test) {
    return test.equals(r.path("test").asText());
  }

  private static boolean isLib(JsonNode r, String lib) {
    String l = r.path("lib").asText();
    if (lib.equals(B) && l.equals("redis") && isTest(r, "idle-none")) {
      return true;
    }
    return lib.equals(l);
  }

  private static List<Double> values(List<JsonNode> rs, String path) {
    List<Double> out = new ArrayList<>();
    for (JsonNode r : rs) {
      Double v = value(r, path);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  private static Double value(JsonNode r, String path) {
    JsonNode n = r;
    for (String k : path.split("\\.")) {
      n = n.path(k);
    }
    return n.isNumber() && Double.isFinite(n.asDouble()) ? n.asDouble() : null;
  }

  /** {@code {median, min, max}} or null when empty. */
  static double[] stats(List<Double> xs) {
    if (xs.isEmpty()) {
      return null;
    }
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = s.length;
    double med = n % 2 == 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return new double[] {med, s[0], s[n - 1]};
  }

  static String cell(List<Double> xs) {
    double[] s = stats(xs);
    if (s == null) {
      return "–";
    }
    if (xs.size() == 1 || s[1] == s[2]) {
      return fmtNum(s[0]);
    }
    return fmtNum(s[0]) + " (" + fmtNum(s[1]) + "–" + fmtNum(s[2]) + ")";
  }

  static String ratioCell(List<Double> xs) {
    double[] s = stats(xs);
    if (s == null) {
      return "–";
    }
    String med = String.format(Locale.ROOT, "%.2f×", s[0]);
    if (xs.size() == 1 || s[1] == s[2]) {
      return "**" + med + "**";
    }
    return String.format(Locale.ROOT, "**%s** (%.2f–%.2f)", med, s[1], s[2]);
  }

  /**
   * summarize.js' number format, except that small non-zero values keep three decimals (a
   * per-job count of 0.001 is not 0).
   */
  static String fmtNum(double x) {
    double a = Math.abs(x);
    if (a > 0 && a < 0.1) {
      String s = String.format(Locale.ROOT, "%.3f", x).replaceAll("\\.?0+$", "");
      return s.isEmpty() || s.equals("-") ? "0" : s;
    }
    if (a >= 1000) {
      return String.format(Locale.US, "%,d", Math.round(x));
    }
    if (a >= 100) {
      return Long.toString(Math.round(x));
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", x).replaceAll("\\.0$", "");
    }
    String s = String.format(Locale.ROOT, "%.2f", x).replaceAll("\\.?0+$", "");
    return s.isEmpty() || s.equals("-") ? "0" : s;
  }

  /** {@code --file} and {@code --run}. */
  private static final class Flags {
    String file = "bench/target/results/results.jsonl";
    String run;

    static Flags parse(String[] argv) {
      Flags a = new Flags();
      for (int i = 0; i + 1 < argv.length; i += 2) {
        switch (argv[i]) {
          case "--file":
            a.file = argv[i + 1];
            break;
          case "--run":
            a.run = argv[i + 1];
            break;
          default:
            throw new IllegalArgumentException("unknown flag " + argv[i]
                + " (use --file PATH and --run RUN_ID|all)");
        }
      }
      return a;
    }
  }
}
