package dev.bullpen.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bullpen.Backoff;
import dev.bullpen.JobOptions;
import dev.bullpen.KeepJobs;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /api/queues/{queue}/jobs}, checked in full before anything is sent:
 *
 * <pre>{@code
 * {"name": "render", "data": {...},
 *  "options": {"jobId": "order-7", "delay": 5000, "priority": 3, "lifo": false,
 *              "attempts": 3, "backoff": {"type": "exponential", "delay": 1000},
 *              "removeOnComplete": true | false | 100 | {"count": 100, "age": 3600},
 *              "removeOnFail": ...}}
 * }</pre>
 *
 * Durations are milliseconds and {@code age} is seconds, as in BullMQ's job options.
 */
record AddRequest(String name, Object data, JobOptions options) {
  private static final Set<String> FIELDS = Set.of("name", "data", "options");
  private static final Set<String> OPTIONS = Set.of("jobId", "delay", "priority", "lifo",
      "attempts", "backoff", "removeOnComplete", "removeOnFail");

  /** Longest delay or age accepted: ten years, far below any overflow of epoch milliseconds. */
  static final long MAX_MS = Duration.ofDays(3650).toMillis();

  static AddRequest parse(String body) {
    return parse(Json.MAPPER, body);
  }

  /** Parses with {@code reader}, whose stream constraints bound nesting and value sizes. */
  static AddRequest parse(ObjectMapper reader, String body) {
    JsonNode root;
    try {
      root = reader.readTree(body);
    } catch (StreamConstraintsException e) {
      throw ApiError.badRequest("body is over a JSON limit: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest("body must be a JSON object with name, data and options");
    }
    unknown(root, FIELDS, "");
    JsonNode name = root.get("name");
    if (name == null || !name.isTextual() || name.asText().isEmpty()
        || name.asText().length() > 1024) {
      throw ApiError.badRequest("name must be a string of 1 to 1024 characters");
    }
    JsonNode data = root.get("data");
    Object value = data == null || data.isNull() ? Map.of()
        : Json.MAPPER.convertValue(data, Object.class);
    JsonNode opts = root.get("options");
    try {
      return new AddRequest(name.asText(), value, options(opts));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  private static JobOptions options(JsonNode o) {
    if (o == null || o.isNull()) {
      return JobOptions.DEFAULT;
    }
    if (!o.isObject()) {
      throw ApiError.badRequest("options must be a JSON object");
    }
    unknown(o, OPTIONS, "options.");
    JobOptions.Builder b = JobOptions.builder();
    if (o.has("jobId")) {
      String id = text(o.get("jobId"), "options.jobId");
      try {
        Params.jobId(id);
      } catch (ApiError e) {
        throw ApiError.badRequest("options.jobId: " + e.getMessage());
      }
      b.jobId(id);
    }
    if (o.has("delay")) {
      b.delay(Duration.ofMillis(number(o.get("delay"), "options.delay", 0, MAX_MS)));
    }
    if (o.has("priority")) {
      b.priority((int) number(o.get("priority"), "options.priority", 0, 2_097_152));
    }
    if (o.has("lifo")) {
      b.lifo(bool(o.get("lifo"), "options.lifo"));
    }
    if (o.has("attempts")) {
      b.attempts((int) number(o.get("attempts"), "options.attempts", 1, 1_000_000));
    }
    if (o.has("backoff")) {
      b.backoff(backoff(o.get("backoff")));
    }
    if (o.has("removeOnComplete")) {
      b.removeOnComplete(keep(o.get("removeOnComplete"), "options.removeOnComplete"));
    }
    if (o.has("removeOnFail")) {
      b.removeOnFail(keep(o.get("removeOnFail"), "options.removeOnFail"));
    }
    return b.build();
  }

  private static Backoff backoff(JsonNode n) {
    if (n.isIntegralNumber()) {
      return Backoff.fixed(Duration.ofMillis(number(n, "options.backoff", 0, MAX_MS)));
    }
    if (!n.isObject()) {
      throw ApiError.badRequest("options.backoff must be a number of ms or"
          + " {\"type\": \"fixed\"|\"exponential\", \"delay\": ms}");
    }
    unknown(n, Set.of("type", "delay"), "options.backoff.");
    String type = n.has("type") ? text(n.get("type"), "options.backoff.type") : "fixed";
    Duration delay = Duration.ofMillis(n.has("delay")
        ? number(n.get("delay"), "options.backoff.delay", 0, MAX_MS) : 0);
    switch (type) {
      case "fixed":
        return Backoff.fixed(delay);
      case "exponential":
        return Backoff.exponential(delay);
      default:
        throw ApiError.badRequest("options.backoff.type must be fixed or exponential, got '"
            + type + "'");
    }
  }

  private static KeepJobs keep(JsonNode n, String field) {
    if (n.isBoolean()) {
      return n.asBoolean() ? KeepJobs.NONE : KeepJobs.ALL;
    }
    if (n.isIntegralNumber()) {
      return KeepJobs.last((int) number(n, field, 0, Integer.MAX_VALUE));
    }
    if (n.isObject()) {
      unknown(n, Set.of("count", "age"), field + ".");
      int count = n.has("count")
          ? (int) number(n.get("count"), field + ".count", 0, Integer.MAX_VALUE) : -1;
      Duration age = n.has("age")
          ? Duration.ofSeconds(number(n.get("age"), field + ".age", 0, MAX_MS / 1000)) : null;
      return KeepJobs.of(count, age, 0);
    }
    throw ApiError.badRequest(field + " must be true, false, a count or {\"count\", \"age\"}");
  }

  private static void unknown(JsonNode o, Set<String> allowed, String prefix) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiError.badRequest("unknown field " + prefix + f + " (allowed: "
            + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
  }

  private static String text(JsonNode n, String field) {
    if (!n.isTextual()) {
      throw ApiError.badRequest(field + " must be a string");
    }
    return n.asText();
  }

  private static long number(JsonNode n, String field, long min, long max) {
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min
        || n.asLong() > max) {
      throw ApiError.badRequest(field + " must be a whole number from " + min + " to " + max
          + ", got " + abbreviate(n.toString()));
    }
    return n.asLong();
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private static boolean bool(JsonNode n, String field) {
    if (!n.isBoolean()) {
      throw ApiError.badRequest(field + " must be true or false");
    }
    return n.asBoolean();
  }
}
