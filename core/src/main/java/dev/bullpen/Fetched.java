package dev.bullpen;

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
   * Parses {@code [jobs, ttl, nextDelayed]} starting at {@code offset} of the reply. The script
   * returns each hash as read before it wrote processedOn, ats and pb; {@code now} and
   * {@code workerName} (null = none) are what it wrote, applied here.
   */
  static <D> Fetched<D> parse(QueueContext ctx, Type dataType, List<?> reply, int offset,
      long now, String workerName) {
    if (reply.size() < offset + 3) {
      return none();
    }
    List<?> raw = (List<?>) reply.get(offset);
    List<Job<D>> jobs = new ArrayList<>(raw.size());
    for (Object o : raw) {
      List<?> triple = (List<?>) o;
      String id = (String) triple.get(0);
      String token = (String) triple.get(1);
      List<?> flat = (List<?>) triple.get(2);
      Map<String, String> hash = new LinkedHashMap<>(flat.size());
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        hash.put((String) flat.get(i), (String) flat.get(i + 1));
      }
      hash.put("processedOn", Long.toString(now));
      hash.put("ats", Long.toString(Job.parse(hash.get("ats")) + 1));
      if (workerName != null && !workerName.isEmpty()) {
        hash.put("pb", workerName);
      }
      jobs.add(new Job<>(ctx, id, hash, dataType, token));
    }
    return new Fetched<>(jobs, QueueContext.toLong(reply.get(offset + 1)),
        QueueContext.toLong(reply.get(offset + 2)));
  }
}
