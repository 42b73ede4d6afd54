package dev.bullpen.spi;

import java.lang.reflect.Type;

/**
 * Turns job data, return values and progress into JSON text and back. Everything Bullpen stores
 * in these fields must be valid JSON, since BullMQ clients in other languages parse it.
 *
 * <p>The default is Jackson ({@code JacksonJobCodec}); plug another one in with
 * {@code Bullpen.builder().codec(...)}. Implementations must be thread-safe.
 */
public interface JobCodec {
  /**
   * Encodes a value as JSON text. {@code null} encodes as {@code null}.
   *
   * @throws IllegalArgumentException when the value cannot be represented as JSON
   */
  String encode(Object value);

  /**
   * Decodes JSON text into {@code type} ({@code Object.class} gives maps, lists, strings, numbers
   * and booleans).
   *
   * @throws IllegalArgumentException when the text is not JSON or does not fit the type
   */
  <T> T decode(String json, Type type);
}
