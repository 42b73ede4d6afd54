package dev.bullpen.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the interop ITs: one private redis-server shared by every interop class of the JVM run
 * (never the machine's 6379; every test uses its own queue names, and none kills, pauses or
 * flushes the server),
 * the pinned bullmq installed in {@code interop/node} (npm ci on first use), a Bullpen client
 * and a raw {@link RedisProbe} on that server, and shortcuts to run the Node helpers.
 */
@RedisTest(shared = true)
abstract class InteropTestBase {
  static RedisServer redis;
  static Bullpen bullpen;
  static RedisProbe probe;

  @BeforeAll
  static void startClients(RedisServer server) {
    NodeHelpers.ensureInstalled();
    redis = server;
    bullpen = Bullpen.builder().uri(server.uri()).checkServer(false).build();
    probe = new RedisProbe(server);
  }

  @AfterAll
  static void closeClients() {
    if (bullpen != null) {
      bullpen.close();
      bullpen = null;
    }
    if (probe != null) {
      probe.close();
      probe = null;
    }
  }

  /** produce.js: adds the jobs with BullMQ; returns the ids. */
  static List<String> nodeProduce(String queue, Scenario s) {
    JsonNode out = NodeHelpers.runJson(redis, "produce.js", queue, s.produceSettings());
    return NodeHelpers.JSON.convertValue(out.get("ids"),
        NodeHelpers.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
  }

  /** work.js: a BullMQ worker named {@code name} until {@code finals} final outcomes. */
  static JsonNode nodeWork(String queue, Scenario s, int finals, String name) {
    JsonNode out = NodeHelpers.runJson(redis, "work.js", queue, s.workSettings(finals, name));
    if (out.path("errors").size() > 0) {
      throw new AssertionError("BullMQ worker reported errors: " + out);
    }
    return out;
  }

  /** dump.js: BullMQ's getJobCounts() and, per id, getJob()/getState()/HGETALL. */
  static JsonNode nodeDump(String queue, List<String> ids) {
    return NodeHelpers.runJson(redis, "dump.js", queue, Map.of("ids", ids));
  }

  /** admin.js: several BullMQ Queue calls in order, each {@code List.of(name, args...)}. */
  static JsonNode nodeAdminBatch(String queue, List<List<Object>> calls) {
    List<Map<String, Object>> list = new java.util.ArrayList<>();
    for (List<Object> c : calls) {
      list.add(Map.of("call", c.get(0), "args", c.subList(1, c.size())));
    }
    return NodeHelpers.runJson(redis, "admin.js", queue, Map.of("calls", list)).get("results");
  }

  /** produce.js once for several queues (one node process): queue → scenario; queue → ids. */
  static Map<String, List<String>> nodeProduceAll(Map<String, Scenario> scenarios) {
    Map<String, Object> queues = new LinkedHashMap<>();
    scenarios.forEach((q, s) -> queues.put(q, s.produceSettings()));
    JsonNode out = NodeHelpers.runJson(redis, "produce.js", "-", Map.of("queues", queues));
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (String q : scenarios.keySet()) {
      List<String> list = new ArrayList<>();
      out.get("queues").get(q).get("ids").forEach(n -> list.add(n.asText()));
      ids.put(q, list);
    }
    return ids;
  }

  /** work.js for several queues in one node process, started in the background. */
  static NodeHelpers.Running nodeWorkAllStart(Map<String, Map<String, Object>> settings,
      long timeoutMs) {
    return NodeHelpers.start(redis, "work.js", "-", Map.of("queues", settings,
        "timeoutMs", timeoutMs));
  }

  /** Waits for {@link #nodeWorkAllStart}; queue → summary, failing on any worker error. */
  static Map<String, JsonNode> nodeWorkAllResult(NodeHelpers.Running run, Duration wait) {
    NodeHelpers.Result r = run.await(wait);
    JsonNode out = r.json();
    Map<String, JsonNode> summaries = new LinkedHashMap<>();
    out.get("queues").fields().forEachRemaining(e -> {
      if (e.getValue().path("errors").size() > 0) {
        throw new AssertionError("BullMQ worker on " + e.getKey() + " reported errors: "
            + e.getValue() + "\n" + r.describe());
      }
      summaries.put(e.getKey(), e.getValue());
    });
    return summaries;
  }

  /** dump.js once for several queues: queue → job ids; queue → {counts, jobs}. */
  static Map<String, JsonNode> nodeDumpAll(Map<String, List<String>> ids) {
    Map<String, Object> queues = new LinkedHashMap<>();
    ids.forEach((q, list) -> queues.put(q, Map.of("ids", list)));
    JsonNode out = NodeHelpers.runJson(redis, "dump.js", "-", Map.of("queues", queues));
    Map<String, JsonNode> dumps = new LinkedHashMap<>();
    out.get("queues").fields().forEachRemaining(e -> dumps.put(e.getKey(), e.getValue()));
    return dumps;
  }

  /**
   * admin.js once for several queues: queue → calls made in order on that queue; returns
   * queue → the calls' results.
   */
  static Map<String, JsonNode> nodeAdminAll(Map<String, List<Scenario.Call>> calls) {
    Map<String, JsonNode> results = new LinkedHashMap<>();
    if (calls.isEmpty()) {
      return results;
    }
    Map<String, Object> queues = new LinkedHashMap<>();
    calls.forEach((q, list) -> queues.put(q, Map.of("calls",
        list.stream().map(Scenario.Call::toNode).toList())));
    JsonNode out = NodeHelpers.runJson(redis, "admin.js", "-", Map.of("queues", queues));
    out.get("queues").fields().forEachRemaining(e -> results.put(e.getKey(),
        e.getValue().get("results")));
    return results;
  }

  /** admin.js: one BullMQ Queue call; returns its result. */
  static JsonNode nodeAdmin(String queue, String call, Object... args) {
    return NodeHelpers.runJson(redis, "admin.js", queue, Map.of("call", call,
        "args", List.of(args))).get("result");
  }
}
