package dev.bullpen.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Estimates one queue's memory in Redis with a bounded number of commands, whatever its size:
 * {@code MEMORY USAGE} of each of the queue's own keys (at most {@link #QUEUE_KEYS}), the length
 * of each state list or set, and {@code MEMORY USAGE} of at most {@code sample} job hashes taken
 * from the heads of the non-empty states. The estimate is the queue keys' memory plus the
 * sampled hashes' mean times the number of jobs. Job logs and flow keys are not counted.
 */
public final class QueueFootprint {
  /** The queue-level keys measured (FORMAT.md 1). */
  static final List<String> QUEUE_KEYS = List.of("wait", "paused", "active", "prioritized",
      "delayed", "waiting-children", "completed", "failed", "stalled", "stalled-check", "meta",
      "events", "id", "marker", "limiter", "pc", "repeat", "metrics:completed",
      "metrics:completed:data", "metrics:failed", "metrics:failed:data");
  private static final List<String> LISTS = List.of("wait", "paused", "active");
  private static final List<String> ZSETS = List.of("prioritized", "delayed",
      "waiting-children", "completed", "failed");

  /** The estimate; see the class comment. */
  public record Estimate(long memoryBytes, long eventsLength, long jobs, int sampledJobs) {}

  private QueueFootprint() {}

  /** Measures {@code queue} under {@code prefix}, sampling at most {@code sample} job hashes. */
  public static Estimate measure(RedisGateway g, String prefix, String queue, int sample) {
    Keys keys = new Keys(prefix, queue);
    return g.call("estimate memory of queue " + queue, r -> {
      long bytes = 0;
      for (String suffix : QUEUE_KEYS) {
        Long m = r.memoryUsage(keys.key(suffix));
        bytes += m == null ? 0 : m;
      }
      long jobs = 0;
      List<long[]> sizes = new ArrayList<>();
      for (String s : LISTS) {
        long n = r.llen(keys.key(s));
        jobs += n;
        sizes.add(new long[] {n});
      }
      for (String s : ZSETS) {
        long n = r.zcard(keys.key(s));
        jobs += n;
        sizes.add(new long[] {n});
      }
      long nonEmpty = sizes.stream().filter(n -> n[0] > 0).count();
      int each = nonEmpty == 0 ? 0 : (int) Math.max(1, sample / nonEmpty);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < LISTS.size() + ZSETS.size() && ids.size() < sample; i++) {
        if (sizes.get(i)[0] == 0) {
          continue;
        }
        int take = Math.min(each, sample - ids.size());
        ids.addAll(i < LISTS.size() ? r.lrange(keys.key(LISTS.get(i)), 0, take - 1)
            : r.zrange(keys.key(ZSETS.get(i - LISTS.size())), 0, take - 1));
      }
      long sampled = 0;
      int measured = 0;
      for (String id : ids) {
        // SAMPLES 0: every field. A job hash is a hashtable once a value passes 64 bytes, and
        // the default sample of 5 fields can then leave the data field out.
        Long m = r.dispatch(io.lettuce.core.protocol.CommandType.MEMORY,
            new io.lettuce.core.output.IntegerOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
            new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                .add("USAGE").addKey(keys.job(id)).add("SAMPLES").add(0));
        if (m != null) {
          sampled += m;
          measured++;
        }
      }
      if (measured > 0) {
        bytes += Math.round((double) sampled / measured * jobs);
      }
      long events = r.xlen(keys.key("events"));
      return new Estimate(bytes, events, jobs, measured);
    });
  }
}
