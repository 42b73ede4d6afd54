package dev.bullpen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * Bullpen's own JSON for fields whose format BullMQ fixes (opts, stacktrace), independent of the
 * user's codec. Readers accept cjson's output (any key order, escaped slashes, exponents).
 */
final class OptsJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private OptsJson() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value, e);
    }
  }

  static Map<String, Object> parse(String json) {
    try {
      Map<String, Object> m = MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
      return m;
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
  }
}
