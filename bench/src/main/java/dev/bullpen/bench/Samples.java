package dev.bullpen.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A thread-safe list of latency samples (ms) and its summary {@code {n,p50,p95,p99,max}}:
 * nearest-rank percentiles on the sorted sample, index {@code ceil(p/100·n) − 1}, rounded to
 * 3 decimals (common.js {@code summarizeLat}).
 */
final class Samples {
  private double[] values = new double[1024];
  private int size;

  synchronized void add(double v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  synchronized int size() {
    return size;
  }

  synchronized Map<String, Object> summary() {
    double[] s = Arrays.copyOf(values, size);
    Arrays.sort(s);
    return summarize(s);
  }

  /** The summary of an already sorted array. */
  static Map<String, Object> summarize(double[] sorted) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", sorted.length);
    m.put("p50", r3(percentile(sorted, 50)));
    m.put("p95", r3(percentile(sorted, 95)));
    m.put("p99", r3(percentile(sorted, 99)));
    m.put("max", r3(sorted.length == 0 ? null : sorted[sorted.length - 1]));
    return m;
  }

  /** Nearest rank: {@code sorted[ceil(p/100·n) − 1]}, clamped; null for an empty sample. */
  static Double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return null;
    }
    int idx = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.min(sorted.length - 1, Math.max(0, idx))];
  }

  private static Double r3(Double x) {
    return x == null ? null : Math.round(x * 1000) / 1000.0;
  }
}
