package dev.bullpen.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.admin.JobFilter;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;

/** A request body: one JSON object with only the fields an endpoint takes. */
final class AdminBody {
  /** Largest olderThanMs accepted: about 100 years. */
  static final long MAX_AGE_MS = 100L * 366 * 24 * 3600 * 1000;

  private final ObjectNode node;

  private AdminBody(ObjectNode node) {
    this.node = node;
  }

  /** Parses the body (empty = {}), refusing other types, bad JSON and unknown fields. */
  static AdminBody parse(Context ctx, ServerOptions opts, String... fields) {
    String text = ServerErrors.body(ctx, opts.maxRequestBytes());
    if (text.isBlank()) {
      return new AdminBody(Json.object());
    }
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT)
        .startsWith("application/json")) {
      throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiError.badRequest("malformed JSON body: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw ApiError.badRequest("the body must be a JSON object");
    }
    List<String> known = List.of(fields);
    n.fieldNames().forEachRemaining(f -> {
      if (!known.contains(f)) {
        throw ApiError.badRequest("unknown field '" + f + "' (this endpoint takes "
            + String.join(", ", known) + ")");
      }
    });
    return new AdminBody((ObjectNode) n);
  }

  boolean has(String field) {
    return node.hasNonNull(field);
  }

  long number(String field, long min, long max, long dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min
        || v.asLong() > max) {
      throw ApiError.badRequest(field + " must be a whole number from " + min + " to " + max
          + ", got " + v);
    }
    return v.asLong();
  }

  String text(String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw ApiError.badRequest(field + " is required");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > 1024
        || AdminRoutes.hasControl(v.asText())) {
      throw ApiError.badRequest(field + " must be a string of 1 to 1024 printable characters");
    }
    return v.asText();
  }

  JobFilter filter() {
    Duration age = has("olderThanMs")
        ? Duration.ofMillis(number("olderThanMs", 0, MAX_AGE_MS, 0)) : null;
    return new JobFilter(age, text("name", false));
  }
}
