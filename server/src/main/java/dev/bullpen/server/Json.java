package dev.bullpen.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.JobCounts;
import dev.bullpen.JobState;
import dev.bullpen.status.JobView;
import java.time.Instant;

/** The server's JSON: one mapper, and the shapes of job views and counts. */
final class Json {
  /** Deepest nesting the shared mapper reads (request bodies have their own, lower limit). */
  static final int MAX_DEPTH = 256;
  /**
   * The shared mapper: bounded nesting, no duplicate keys, no text after the value, so every
   * body read with it (admin actions too) is held to the same rules; stored job data that
   * breaks them is shown as text by {@link #parse}.
   */
  static final ObjectMapper MAPPER = requestMapper(MAX_DEPTH,
      StreamReadConstraints.DEFAULT_MAX_STRING_LEN);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /**
   * A mapper for request bodies: nesting at most {@code maxDepth} deep, no string or number
   * longer than the body limit allows, so a hostile body costs bounded work; duplicate keys and
   * text after the value are errors.
   */
  static ObjectMapper requestMapper(int maxDepth, int maxStringLength) {
    JsonFactory f = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(maxDepth).maxStringLength(maxStringLength).maxNumberLength(100)
        .maxNameLength(Math.min(maxStringLength, 50_000)).build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    // Trailing text after the object would be silently ignored otherwise.
    return new ObjectMapper(f).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * A job view as the API shows it. Fresh views carry no time of answer, so the same job
   * serializes to the same bytes on every server (its ETag covers the body).
   */
  static ObjectNode view(JobView v) {
    ObjectNode n = NODES.objectNode();
    n.put("queue", v.queue());
    n.put("id", v.id());
    n.put("name", v.name());
    n.put("state", v.state().wireName());
    n.put("finished", v.finished());
    n.set("progress", parse(v.progressJson()));
    n.put("attemptsMade", v.attemptsMade());
    n.put("attemptsStarted", v.attemptsStarted());
    n.put("maxAttempts", v.maxAttempts());
    n.put("createdAt", iso(v.createdAt()));
    n.put("processedOn", iso(v.processedOn()));
    n.put("finishedOn", iso(v.finishedOn()));
    n.put("failedReason", v.failedReason());
    n.set("returnValue", v.returnValueJson() == null ? NODES.nullNode()
        : parse(v.returnValueJson()));
    n.put("etag", v.etag());
    n.put("stale", v.stale());
    if (v.stale()) {
      n.put("asOf", iso(v.asOf()));
      n.put("ageMs", v.age().toMillis());
    }
    return n;
  }

  static ObjectNode counts(JobCounts c) {
    ObjectNode n = NODES.objectNode();
    for (JobState s : JobState.values()) {
      if (s != JobState.UNKNOWN) {
        n.put(s.wireName(), c.get(s));
      }
    }
    return n;
  }

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** JSON text as a tree; text that is not JSON (written by another client) as a string. */
  static JsonNode parse(String json) {
    if (json == null) {
      return NODES.nullNode();
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return NODES.textNode(json);
    }
  }

  private static String iso(Instant i) {
    return i == null ? null : i.toString();
  }
}
