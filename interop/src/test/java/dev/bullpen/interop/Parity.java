package dev.bullpen.interop;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Field-by-field comparison of what BullMQ wrote (the reference) with what the other run wrote,
 * returning human-readable differences (empty = same). The rules follow FORMAT.md: times taken
 * from client clocks are compared only for shape, JSON fields as parsed JSON (cjson reorders
 * keys and escapes '/'), stack traces by count and shape.
 */
final class Parity {
  /** Client-clock times: must be present on both sides as integers, values differ. */
  static final Set<String> TIME_FIELDS = Set.of("processedOn", "finishedOn", "timestamp");
  /** JSON text fields, compared parsed. */
  static final Set<String> JSON_FIELDS = Set.of("opts", "data", "returnvalue", "progress",
      "parent");

  private Parity() {}

  /** Differences between two job hashes ({@code what} prefixes each message). */
  static List<String> jobHash(String what, Map<String, String> ref, Map<String, String> other) {
    List<String> diffs = new ArrayList<>();
    Set<String> all = new TreeSet<>(ref.keySet());
    all.addAll(other.keySet());
    for (String f : all) {
      String a = ref.get(f);
      String b = other.get(f);
      if (a == null || b == null) {
        diffs.add(what + ": field '" + f + "' only in " + (a == null ? "Bullpen's run" : "BullMQ's")
            + " hash (value " + (a == null ? b : a) + ")");
        continue;
      }
      String d = field(f, a, b);
      if (d != null) {
        diffs.add(what + ": field '" + f + "' " + d);
      }
    }
    return diffs;
  }

  private static String field(String f, String a, String b) {
    if (TIME_FIELDS.contains(f)) {
      return isLong(a) && isLong(b) ? null : "is not an integer ms time: " + a + " vs " + b;
    }
    if (JSON_FIELDS.contains(f)) {
      JsonNode ja = parse(a);
      JsonNode jb = parse(b);
      if (ja == null || jb == null) {
        return "is not JSON: BullMQ " + a + " vs " + b;
      }
      return sameJson(ja, jb) ? null : "differs as JSON: BullMQ " + a + " vs " + b;
    }
    if (f.equals("stacktrace")) {
      JsonNode ja = parse(a);
      JsonNode jb = parse(b);
      if (ja == null || jb == null || !ja.isArray() || !jb.isArray()) {
        return "is not a JSON array: BullMQ " + shorten(a) + " vs " + shorten(b);
      }
      if (ja.size() != jb.size()) {
        return "has " + jb.size() + " traces, BullMQ " + ja.size();
      }
      for (JsonNode t : jb) {
        if (!t.isTextual() || t.asText().isEmpty()) {
          return "has a trace that is not a non-empty string: " + shorten(t.toString());
        }
      }
      return null;
    }
    return a.equals(b) ? null : "differs: BullMQ '" + a + "' vs '" + b + "'";
  }

  /**
   * Differences between two events streams, compared per job: each job's events in order, as
   * event name plus fields (stream ids dropped; the absolute {@code delay} of {@code delayed}
   * events checked for shape only; JSON fields parsed). Queue-wide events ({@code drained}
   * and others without a jobId) are compared by the set of names only, since how often a
   * worker drains depends on timing.
   */
  static List<String> events(List<RedisProbe.Event> ref, List<RedisProbe.Event> other) {
    List<String> diffs = new ArrayList<>();
    Map<String, List<String>> a = perJob(ref);
    Map<String, List<String>> b = perJob(other);
    Set<String> ids = new TreeSet<>(a.keySet());
    ids.addAll(b.keySet());
    for (String id : ids) {
      List<String> ea = a.getOrDefault(id, List.of());
      List<String> eb = b.getOrDefault(id, List.of());
      if (!ea.equals(eb)) {
        diffs.add("events of job " + id + " differ:\n    BullMQ : " + ea + "\n    other  : " + eb);
      }
    }
    Set<String> qa = queueWide(ref);
    Set<String> qb = queueWide(other);
    if (!qa.equals(qb)) {
      diffs.add("queue-wide event names differ: BullMQ " + qa + " vs " + qb);
    }
    return diffs;
  }

  /** Each job's events rendered as comparable text, keyed by job id (sorted). */
  static Map<String, List<String>> perJob(List<RedisProbe.Event> events) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (RedisProbe.Event e : events) {
      if (e.jobId() != null) {
        out.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(render(e));
      }
    }
    return out;
  }

  static Set<String> queueWide(List<RedisProbe.Event> events) {
    Set<String> out = new TreeSet<>();
    for (RedisProbe.Event e : events) {
      if (e.jobId() == null) {
        out.add(e.name());
      }
    }
    return out;
  }

  /** "name{field=value, ...}" in stream field order, without the event and jobId fields. */
  static String render(RedisProbe.Event e) {
    StringBuilder sb = new StringBuilder(e.name()).append('{');
    boolean first = true;
    for (Map.Entry<String, String> f : e.fields().entrySet()) {
      String k = f.getKey();
      if (k.equals("event") || k.equals("jobId")) {
        continue;
      }
      String v = f.getValue();
      if (k.equals("delay") && e.name().equals("delayed")) {
        v = isLong(v) ? "<due ms>" : "<not an integer: " + v + ">";
      } else if ((k.equals("returnvalue") && e.name().equals("completed"))
          || (k.equals("data") && e.name().equals("progress"))) {
        JsonNode j = parse(v);
        v = j == null ? "<not JSON: " + v + ">" : canonical(j);
      }
      sb.append(first ? "" : ", ").append(k).append('=').append(v);
      first = false;
    }
    return sb.append('}').toString();
  }

  static boolean isLong(String s) {
    return s != null && s.matches("-?\\d+");
  }

  static JsonNode parse(String s) {
    try {
      return NodeHelpers.JSON.readTree(s);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Equal as JSON values: any key order, 1 == 1.0. */
  static boolean sameJson(JsonNode a, JsonNode b) {
    return a.equals(NUMERIC, b);
  }

  private static final Comparator<JsonNode> NUMERIC = (x, y) -> {
    if (x.isNumber() && y.isNumber()) {
      return x.decimalValue().compareTo(y.decimalValue());
    }
    return x.equals(y) ? 0 : 1;
  };

  /** JSON text with object keys sorted (so key order never decides equality). */
  static String canonical(JsonNode n) {
    if (n.isObject()) {
      StringBuilder sb = new StringBuilder("{");
      List<String> names = new ArrayList<>();
      n.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      for (int i = 0; i < names.size(); i++) {
        sb.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":")
            .append(canonical(n.get(names.get(i))));
      }
      return sb.append('}').toString();
    }
    if (n.isArray()) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < n.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(canonical(n.get(i)));
      }
      return sb.append(']').toString();
    }
    if (n.isNumber()) {
      return n.decimalValue().stripTrailingZeros().toPlainString();
    }
    return n.toString();
  }

  private static String shorten(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
