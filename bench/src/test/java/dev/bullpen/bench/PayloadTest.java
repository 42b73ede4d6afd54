package dev.bullpen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.JacksonJobCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadTest {
  private final JacksonJobCodec codec = new JacksonJobCodec();

  @Test
  void plainPayloadIsExactlyOneHundredBytesForAnySeq() {
    for (long seq : new long[] {0, 7, 99, 1000, 99_999, 1_000_000, Integer.MAX_VALUE}) {
      String json = codec.encode(Payload.of(seq));
      assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(100);
      assertThat(json).startsWith("{\"seq\":" + seq + ",\"pad\":\"x").endsWith("x\"}");
    }
  }

  @Test
  void latencyPayloadIsExactlyOneHundredBytesWithAPlainT0() {
    double[] times = {1_764_000_000_123.456, 1_764_000_000_000.0, 1_764_000_000_000.5, 0.001};
    for (double t0 : times) {
      for (long seq : new long[] {0, 123_456}) {
        String json = codec.encode(Payload.of(seq, t0));
        assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(100);
        assertThat(json).startsWith("{\"seq\":" + seq + ",\"t0\":").doesNotContain("E");
      }
    }
  }

  @Test
  void t0KeepsMicrosecondsAndDecodesAsANumber() {
    String json = codec.encode(Payload.of(5, 1_764_000_000_123.456));
    assertThat(json).isEqualTo("{\"seq\":5,\"t0\":1764000000123.456,\"pad\":\""
        + "x".repeat(100 - json.indexOf(",\"pad\"") - ",\"pad\":\"\"}".length()) + "\"}");
    Map<?, ?> back = codec.decode(json, Map.class);
    assertThat(((Number) back.get("t0")).doubleValue()).isEqualTo(1_764_000_000_123.456);
    assertThat(((Number) back.get("seq")).intValue()).isEqualTo(5);
  }
}
