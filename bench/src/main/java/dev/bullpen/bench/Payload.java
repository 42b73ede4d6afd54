package dev.bullpen.bench;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark job data: a JSON object whose serialised form is exactly {@value #BYTES} bytes,
 * {@code {"seq":<int>,"pad":"xxx…"}}, or in the latency test
 * {@code {"seq":<int>,"t0":<epoch ms with µs>,"pad":"x…"}} (BENCH.md §2).
 *
 * <p>The map keeps insertion order, so Jackson writes the fields in that order. {@code t0} is a
 * {@link BigDecimal} with exactly three decimals: Jackson writes it in plain notation (a double
 * would come out as {@code 1.7e12}), and its length does not depend on trailing zeros.
 */
final class Payload {
  static final int BYTES = 100;

  private Payload() {}

  /** {@code {"seq":seq,"pad":"x…"}}, 100 bytes of JSON. */
  static Map<String, Object> of(long seq) {
    Map<String, Object> m = new LinkedHashMap<>(4);
    m.put("seq", seq);
    int len = "{\"seq\":".length() + Long.toString(seq).length() + ",\"pad\":\"\"}".length();
    m.put("pad", pad(len));
    return m;
  }

  /** {@code {"seq":seq,"t0":t0,"pad":"x…"}}, 100 bytes of JSON; {@code t0} in epoch ms. */
  static Map<String, Object> of(long seq, double t0Ms) {
    BigDecimal t0 = BigDecimal.valueOf(Math.round(t0Ms * 1000), 3);
    Map<String, Object> m = new LinkedHashMap<>(4);
    m.put("seq", seq);
    m.put("t0", t0);
    int len = "{\"seq\":".length() + Long.toString(seq).length() + ",\"t0\":".length()
        + t0.toPlainString().length() + ",\"pad\":\"\"}".length();
    m.put("pad", pad(len));
    return m;
  }

  private static String pad(int lengthWithoutPad) {
    return "x".repeat(Math.max(0, BYTES - lengthWithoutPad));
  }
}
