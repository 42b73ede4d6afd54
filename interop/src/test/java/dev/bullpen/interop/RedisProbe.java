package dev.bullpen.interop;

import dev.bullpen.testing.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Raw reads of a queue's keys on the private test server (HGETALL, XRANGE, SCAN), so the ITs
 * look at exactly what either client wrote, through neither client's decoder.
 */
final class RedisProbe implements AutoCloseable {
  static final String PREFIX = "bull";
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> conn;
  final RedisCommands<String, String> redis;

  RedisProbe(RedisServer server) {
    this.client = RedisClient.create(server.uri());
    client.setOptions(ClientOptions.builder()
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5))).build());
    this.conn = client.connect();
    this.redis = conn.sync();
  }

  static String key(String queue, String suffix) {
    return PREFIX + ":" + queue + ":" + suffix;
  }

  /** The job hash (empty when the job does not exist). */
  Map<String, String> job(String queue, String id) {
    return redis.hgetall(key(queue, id));
  }

  /** Many job hashes at once (pipelined), in the order of {@code ids}. */
  List<Map<String, String>> jobs(String queue, List<String> ids) {
    var async = conn.async();
    List<io.lettuce.core.RedisFuture<Map<String, String>>> futures = new ArrayList<>();
    for (String id : ids) {
      futures.add(async.hgetall(key(queue, id)));
    }
    List<Map<String, String>> out = new ArrayList<>(ids.size());
    for (var f : futures) {
      try {
        out.add(f.get(10, java.util.concurrent.TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new AssertionError("HGETALL of a job of " + queue + " failed: " + e, e);
      }
    }
    return out;
  }

  /** One events-stream entry: its id and its fields in stream order. */
  record Event(String streamId, Map<String, String> fields) {
    String name() {
      return fields.get("event");
    }

    String jobId() {
      return fields.get("jobId");
    }
  }

  /** The whole events stream, oldest first. */
  List<Event> events(String queue) {
    List<Event> out = new ArrayList<>();
    for (StreamMessage<String, String> m : redis.xrange(key(queue, "events"),
        Range.create("-", "+"))) {
      out.add(new Event(m.getId(), new LinkedHashMap<>(m.getBody())));
    }
    return out;
  }

  /** The id of the newest event, or "0-0" when the stream is empty or missing. */
  String lastEventId(String queue) {
    var last = redis.xrevrange(key(queue, "events"), Range.create("-", "+"),
        io.lettuce.core.Limit.from(1));
    return last.isEmpty() ? "0-0" : last.get(0).getId();
  }

  /** Every key of the queue with the {@code bull:<queue>:} part cut off, sorted. */
  TreeSet<String> keySuffixes(String queue) {
    String base = key(queue, "");
    TreeSet<String> out = new TreeSet<>();
    for (String k : redis.keys(escapeGlob(base) + "*")) {
      out.add(k.substring(base.length()));
    }
    return out;
  }

  private static String escapeGlob(String s) {
    return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  @Override
  public void close() {
    conn.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
