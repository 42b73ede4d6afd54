package dev.bullpen.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.QueueEvents;
import dev.bullpen.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Both kinds of events listener on a set of queues at once, live while a scenario runs: one
 * BullMQ {@code QueueEvents} per queue (all in a single {@code events.js} process) and one
 * Bullpen {@link QueueEvents} per queue, each reading its queue's stream from the start
 * ({@code 0-0}). {@link #stop} waits until every listener has delivered its stream's newest
 * entry, then what each one heard is available as {@link RedisProbe.Event} lists, comparable
 * with the raw stream through {@link Parity#events}.
 *
 * <p>Implementation notes: BullMQ hands listeners {@code returnvalue} (completed) and
 * {@code data} (progress) JSON-parsed and {@code delayed.delay} as a number; they are turned
 * back into text ({@link #fromNode}) so the same {@link Parity} rules apply. The Node listener
 * stops when the test SETs a stop key holding each queue's newest stream id (events.js's
 * {@code stopKey}); a listener that never sees that id makes events.js time out.
 */
final class Listeners {
  private final NodeHelpers.Running node;
  private final String stopKey = "interop:stop:" + UUID.randomUUID();
  private final Map<String, QueueEvents> bullpenEvents = new LinkedHashMap<>();
  private final Map<String, List<RedisProbe.Event>> bullpenSeen = new ConcurrentHashMap<>();
  private final Map<String, List<RedisProbe.Event>> nodeSeen = new LinkedHashMap<>();
  private final List<String> queues;
  private NodeHelpers.Result nodeResult;

  private Listeners(RedisServer redis, Bullpen bullpen, Collection<String> queues) {
    this.queues = List.copyOf(queues);
    Map<String, Object> perQueue = new LinkedHashMap<>();
    for (String q : queues) {
      perQueue.put(q, Map.of());
    }
    this.node = NodeHelpers.start(redis, "events.js", "-", Map.of("queues", perQueue,
        "lastEventId", "0-0", "stopKey", stopKey, "timeoutMs", 90_000));
    try {
      for (String q : queues) {
        List<RedisProbe.Event> seen = Collections.synchronizedList(new ArrayList<>());
        bullpenSeen.put(q, seen);
        QueueEvents qe = bullpen.queueEvents(q, "0-0");
        qe.addListener(e -> seen.add(new RedisProbe.Event(e.streamId(),
            new LinkedHashMap<>(e.fields()))));
        bullpenEvents.put(q, qe);
      }
      node.awaitLine(n -> n.has("ready"), Duration.ofSeconds(30));
    } catch (RuntimeException | Error e) {
      kill();
      throw e;
    }
  }

  /** Starts a Node and a Bullpen listener on each queue and waits until both are connected. */
  static Listeners start(RedisServer redis, Bullpen bullpen, Collection<String> queues) {
    return new Listeners(redis, bullpen, queues);
  }

  /**
   * Waits until every listener delivered its queue's newest stream entry (at most
   * {@code wait}), then stops them all.
   */
  void stop(RedisProbe probe, Duration wait) {
    Map<String, String> last = new LinkedHashMap<>();
    for (String q : queues) {
      last.put(q, probe.lastEventId(q));
    }
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      for (String q : queues) {
        QueueEvents qe = bullpenEvents.get(q);
        while (!last.get(q).equals("0-0") && !last.get(q).equals(qe.lastEventId())) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("Bullpen QueueEvents on " + q + " stopped at "
                + qe.lastEventId() + ", the stream ends at " + last.get(q));
          }
          Thread.sleep(20);
        }
      }
      probe.redis.set(stopKey, NodeHelpers.toJson(last));
      nodeResult = node.await(wait);
      for (JsonNode line : nodeResult.jsonLines()) {
        if (line.has("error")) {
          throw new AssertionError("BullMQ QueueEvents reported an error: " + line + "\n"
              + nodeResult.describe());
        }
        if (line.has("event")) {
          nodeSeen.computeIfAbsent(line.get("queue").asText(), k -> new ArrayList<>())
              .add(fromNode(line));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      kill();
      probe.redis.del(stopKey);
    }
  }

  /** What BullMQ's QueueEvents on {@code queue} emitted, in order. */
  List<RedisProbe.Event> node(String queue) {
    if (nodeResult == null) {
      throw new IllegalStateException("stop() first");
    }
    return nodeSeen.getOrDefault(queue, List.of());
  }

  /** What Bullpen's QueueEvents on {@code queue} delivered, in order. */
  List<RedisProbe.Event> bullpen(String queue) {
    return List.copyOf(bullpenSeen.getOrDefault(queue, List.of()));
  }

  /** events.js's output (for assertion messages). */
  String describeNode() {
    return nodeResult == null ? "(still running)" : nodeResult.describe();
  }

  /** Closes everything at once (also after a failure). */
  void kill() {
    node.kill();
    for (QueueEvents qe : bullpenEvents.values()) {
      qe.close();
    }
  }

  /** One events.js line as the stream entry it came from (parsed JSON fields back to text). */
  static RedisProbe.Event fromNode(JsonNode line) {
    String name = line.get("event").asText();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("event", name);
    line.get("args").fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      boolean json = (name.equals("completed") && e.getKey().equals("returnvalue"))
          || (name.equals("progress") && e.getKey().equals("data"));
      fields.put(e.getKey(), json || !v.isTextual() ? v.toString() : v.asText());
    });
    return new RedisProbe.Event(line.get("id").asText(), fields);
  }
}
