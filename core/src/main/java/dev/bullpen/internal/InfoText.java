package dev.bullpen.internal;

import java.util.HashMap;
import java.util.Map;

/** Parses the text of Redis {@code INFO} ("field:value" lines, "# Section" headers). */
public final class InfoText {
  private InfoText() {}

  /** Every field of {@code info} by name; section headers and blank lines are skipped. */
  public static Map<String, String> parse(String info) {
    Map<String, String> out = new HashMap<>();
    if (info == null) {
      return out;
    }
    for (String line : info.split("\r?\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  /** A numeric field, or {@code fallback} when missing or not a number. */
  public static long longField(Map<String, String> info, String name, long fallback) {
    String v = info.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      try {
        return (long) Double.parseDouble(v);
      } catch (NumberFormatException e2) {
        return fallback;
      }
    }
  }

  /** A decimal field, or NaN. */
  public static double doubleField(Map<String, String> info, String name) {
    String v = info.get(name);
    try {
      return v == null ? Double.NaN : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * One value of a composite field such as {@code db0:keys=1,expires=0} or
   * {@code slave0:ip=...,lag=0}; null when absent.
   */
  public static String part(String composite, String name) {
    if (composite == null) {
      return null;
    }
    for (String kv : composite.split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return kv.substring(eq + 1);
      }
    }
    return null;
  }

  /**
   * Compares dotted versions numerically ({@code "7.0.15"} vs {@code "6.2.0"}); missing parts
   * count as 0.
   */
  public static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length ? number(x[i]) : 0;
      int q = i < y.length ? number(y[i]) : 0;
      if (p != q) {
        return Integer.compare(p, q);
      }
    }
    return 0;
  }

  private static int number(String s) {
    try {
      return Integer.parseInt(s.replaceAll("[^0-9].*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
