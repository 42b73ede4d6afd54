package dev.bullpen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bullpen.spi.JobCodec;
import java.lang.reflect.Type;

/** The default {@link JobCodec}: Jackson, with an {@link ObjectMapper} you may supply. */
public final class JacksonJobCodec implements JobCodec {
  private final ObjectMapper mapper;

  /** A codec with a plain mapper (records, maps, lists, primitives; java.time needs a module). */
  public JacksonJobCodec() {
    this(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS));
  }

  /** A codec with your own configured mapper. */
  public JacksonJobCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public String encode(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("cannot encode " + describe(value) + " as JSON: "
          + e.getMessage(), e);
    }
  }

  @Override
  public <T> T decode(String json, Type type) {
    try {
      return mapper.readValue(json, mapper.constructType(type));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("cannot decode JSON as " + type.getTypeName() + ": "
          + e.getMessage(), e);
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : "a " + value.getClass().getName();
  }
}
