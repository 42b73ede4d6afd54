package dev.bullpen;

import dev.bullpen.internal.MsgPack;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fetch part of a moveToActive or moveToFinished reply: jobs taken, rate limit, next due. */
final class Fetched<D> {
  final List<Job<D>> jobs;
  final long rateLimitTtl;
  final long nextDelayed;

  private Fetched(List<Job<D>> jobs, long rateLimitTtl, long nextDelayed) {
    this.jobs = jobs;
    this.rateLimitTtl = rateLimitTtl;
    this.nextDelayed = nextDelayed;
  }

  static <D> Fetched<D> none() {
    return new Fetched<>(List.of(), 0, 0);
  }

  /**
   * Parses {@code [jobs, ttl, nextDelayed]} starting at {@code offset} of a reply read with
   * {@code RedisGateway.evalRaw}: {@code jobs} is one msgpack buffer (an array of
   * {@code {jobId, token, {field, value, ...}}}), each hash as read before the script wrote
   * processedOn, ats and pb; {@code now} and {@code workerName} (null = none) are what it wrote,
   * applied here.
   */
  static <D> Fetched<D> parse(QueueContext ctx, Type dataType, List<?> reply, int offset,
      long now, String workerName) {
    if (reply.size() < offset + 3) {
      return none();
    }
    String packed = (String) reply.get(offset);
    List<Job<D>> jobs;
    if (packed == null || packed.isEmpty()) {
      jobs = List.of();
    } else {
      MsgPack.Reader in = MsgPack.Reader.ofRaw(packed);
      int n = in.array();
      jobs = new ArrayList<>(n);
      String nowText = Long.toString(now);
      for (int j = 0; j < n; j++) {
        in.array();
        String id = in.string();
        String token = in.string();
        int flat = in.array();
        if (flat % 2 != 0) {
          throw new IllegalArgumentException("job " + id + ": odd field list (" + flat + ")");
        }
        int fields = flat / 2;
        Map<String, String> hash = new LinkedHashMap<>(2 * fields + 6);
        for (int i = 0; i < fields; i++) {
          hash.put(in.string(), in.string());
        }
        hash.put("processedOn", nowText);
        hash.put("ats", Long.toString(Job.parse(hash.get("ats")) + 1));
        if (workerName != null && !workerName.isEmpty()) {
          hash.put("pb", workerName);
        }
        jobs.add(new Job<>(ctx, id, hash, dataType, token));
      }
    }
    return new Fetched<>(jobs, QueueContext.toLong(reply.get(offset + 1)),
        QueueContext.toLong(reply.get(offset + 2)));
  }
}
