package dev.bullpen.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the interop ITs: one private redis-server per test class (never the machine's 6379),
 * the pinned bullmq installed in {@code interop/node} (npm ci on first use), a Bullpen client
 * and a raw {@link RedisProbe} on that server, and shortcuts to run the Node helpers.
 */
@RedisTest
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

  /** admin.js: one BullMQ Queue call; returns its result. */
  static JsonNode nodeAdmin(String queue, String call, Object... args) {
    return NodeHelpers.runJson(redis, "admin.js", queue, Map.of("call", call,
        "args", List.of(args))).get("result");
  }
}
