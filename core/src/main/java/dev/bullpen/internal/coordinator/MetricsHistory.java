package dev.bullpen.internal.coordinator;

import dev.bullpen.internal.RedisGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a queue's per-minute history back from BullMQ's metrics keys (FORMAT.md 1.2): the
 * {@code :data} list holds one count per finished minute, newest first, ending with the minute
 * before {@code prevTS}'s; {@code count - prevCount} is what finished since in {@code prevTS}'s
 * own minute, which is still open.
 */
final class MetricsHistory {
  private MetricsHistory() {}

  /**
   * Per-minute history of a queue from BullMQ's metrics keys: oldest first, minutes within the
   * configured history. Returns {minuteStartMs, completed, failed} rows.
   */
  static List<long[]> read(RedisGateway redis, String prefix, String queue, long now,
      int historyMinutes) {
    String base = prefix + ":" + queue + ":";
    long oldest = Math.floorDiv(now, 60_000) - historyMinutes + 1;
    java.util.TreeMap<Long, long[]> byMinute = new java.util.TreeMap<>();
    String[] targets = {"completed", "failed"};
    for (int k = 0; k < 2; k++) {
      String meta = base + "metrics:" + targets[k];
      List<io.lettuce.core.KeyValue<String, String>> fields = redis.call("read metrics",
          r -> r.hmget(meta, "count", "prevTS", "prevCount"));
      List<String> data = redis.call("read metrics", r -> r.lrange(meta + ":data", 0,
          historyMinutes - 1));
      if (!fields.get(1).hasValue()) {
        continue;
      }
      long count = Long.parseLong(fields.get(0).getValueOrElse("0"));
      long prevTS = (long) Double.parseDouble(fields.get(1).getValue());
      long prevCount = Long.parseLong(fields.get(2).getValueOrElse("0"));
      long open = Math.floorDiv(prevTS, 60_000);
      add(byMinute, open, k, count - prevCount, oldest);
      for (int i = 0; i < data.size(); i++) {
        add(byMinute, open - 1 - i, k, Long.parseLong(data.get(i)), oldest);
      }
    }
    List<long[]> out = new ArrayList<>(byMinute.size());
    for (Map.Entry<Long, long[]> e : byMinute.entrySet()) {
      out.add(new long[] {e.getKey() * 60_000, e.getValue()[0], e.getValue()[1]});
    }
    return out;
  }

  private static void add(java.util.TreeMap<Long, long[]> byMinute, long minute, int k, long n,
      long oldest) {
    if (minute < oldest) {
      return;
    }
    byMinute.computeIfAbsent(minute, x -> new long[2])[k] += n;
  }
}
