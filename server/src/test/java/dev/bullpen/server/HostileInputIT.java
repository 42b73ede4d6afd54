package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import io.javalin.http.HandlerType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input through every route the server declares: queue names and job ids with Redis,
 * glob, path and control characters, malformed and oversized bodies, bad numbers. Every case is
 * a 4xx with a clear JSON message, never a 5xx, and Redis holds exactly what it held before.
 * The last tests throw seeded random input at the API (the seed is in the failure message).
 */
@RedisTest
class HostileInputIT {
  /** Raw path segments (already percent-encoded where a client would have to). */
  static final List<String> HOSTILE_SEGMENTS = List.of("*", "a*b", "q%3F", "%5Bab%5D",
      "%7Btag%7D", "a:b", "a%3Ab", "%2E%2E", "%2E", "a%2Fb", "a%5Cb", "x".repeat(1100), "%00",
      "a%0Ab",
      "a%0D%0Ab", "%E2%80%AE", "%FF%FE", "%ED%A0%80", "%C0%AF", "%09", "%7F", "a%7Db");
  private static final String ADMIN = "Bearer " + Secured.ADMIN;

  private RedisServer redis;
  private Bullpen bullpen;
  private BullpenServer server;
  private Http http;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    this.redis = redis;
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, Secured.options().maxRequestBytes(16 * 1024).build());
    http = new Http(server.url());
    q = TestNames.uniqueQueue("hostile");
  }

  @AfterEach
  void stop() {
    server.close();
    bullpen.close();
  }

  private long dbsize() {
    return Long.parseLong(String.valueOf(redis.command("DBSIZE")));
  }

  private HttpResponse<String> call(HandlerType method, String path, String contentType,
      HttpRequest.BodyPublisher body) {
    HttpRequest.Builder b = http.request(path, "Authorization", ADMIN)
        .timeout(Duration.ofSeconds(20));
    if (method == HandlerType.GET) {
      b.GET();
    } else {
      b.header("Content-Type", contentType).method(method.name(), body);
    }
    return http.send(b.build());
  }

  private static void assertClientError(HttpResponse<String> r, String what) {
    assertThat(r.statusCode()).as(what + " → " + r.body()).isBetween(400, 499)
        .isNotIn(401, 403, 429);
    assertThat(r.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(t ->
        assertThat(t).startsWith("application/json"));
    JsonNode n = Http.json(r);
    assertThat(n.get("error").asText()).as(what).isNotBlank();
    assertThat(n.get("message").asText()).as(what).isNotBlank();
  }

  @Test
  void hostileQueueNamesAndJobIdsAreRefusedOnEveryRoute() {
    long before = dbsize();
    int cases = 0;
    for (RouteTable.Route r : server.routes()) {
      for (String param : new String[] {"{queue}", "{id}"}) {
        if (!r.path().contains(param)) {
          continue;
        }
        for (String bad : HOSTILE_SEGMENTS) {
          String path = r.path().replace(param, bad).replace("{queue}", q)
              .replace("{id}", "1").replaceAll("\\{[^}]+}", "x");
          String what = r.method() + " " + path.substring(0, Math.min(path.length(), 120));
          assertClientError(call(r.method(), path, "application/json",
              HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")), what);
          cases++;
        }
      }
    }
    assertThat(cases).isGreaterThan(100);
    assertThat(dbsize()).as("nothing written to Redis").isEqualTo(before);
  }

  @Test
  void badBodiesAreRefusedAndWriteNothing() {
    long before = dbsize();
    String jobs = "/api/queues/" + q + "/jobs";
    List<String> bodies = new ArrayList<>(List.of("", "null", "{", "}", "[]", "\"x\"", "1",
        "{\"name\":}", "{\"name\":\"x\",}", "{\"name\":\"x\"} trailing",
        "{\"name\":\"x\"}{}", "{'name':'x'}",
        "{\"name\":\"x\",\"name\":\"y\"}",
        "{\"name\":\"\"}", "{\"name\":null}", "{\"name\":[\"x\"]}",
        "{\"name\":\"" + "n".repeat(1025) + "\"}",
        "{\"name\":\"x\",\"data\":" + "[".repeat(200) + "]".repeat(200) + "}",
        "{\"name\":\"x\",\"data\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "}",
        "{\"name\":\"x\",\"data\":\"" + "d".repeat(20_000) + "\"}",
        "{\"name\":\"x\",\"data\":1" + "0".repeat(200) + "}"));
    for (String opts : new String[] {"\"priority\":-1", "\"priority\":1e20",
        "\"priority\":2147483648", "\"priority\":99999999", "\"priority\":1.5",
        "\"delay\":-1", "\"delay\":9223372036854775807", "\"delay\":1e300",
        "\"delay\":99999999999999999999999", "\"attempts\":0", "\"attempts\":-3",
        "\"attempts\":1099511627776", "\"backoff\":-5", "\"backoff\":{\"delay\":-1}",
        "\"backoff\":{\"type\":\"fixed\",\"delay\":9223372036854775807}",
        "\"removeOnComplete\":-1", "\"removeOnFail\":{\"age\":-1}",
        "\"removeOnFail\":{\"age\":9223372036854775807}", "\"removeOnFail\":{\"count\":1e12}",
        "\"jobId\":\"*\"", "\"jobId\":\"a:b\"", "\"jobId\":\"{x}\"", "\"jobId\":\"..\"",
        "\"jobId\":\"a\\u0000b\"", "\"jobId\":\"" + "i".repeat(1025) + "\"", "\"jobId\":7",
        "\"lifo\":\"yes\"", "\"nope\":1"}) {
      bodies.add("{\"name\":\"x\",\"options\":{" + opts + "}}");
    }
    for (String body : bodies) {
      assertClientError(call(HandlerType.POST, jobs, "application/json",
          HttpRequest.BodyPublishers.ofString(body)), "body " + abbreviate(body));
    }
    byte[][] raw = {
      {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
      {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'},
      {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"',
        '}'},
    };
    for (byte[] b : raw) {
      HttpResponse<String> r = call(HandlerType.POST, jobs, "application/json",
          HttpRequest.BodyPublishers.ofByteArray(b));
      assertClientError(r, "invalid UTF-8");
      assertThat(r.body()).contains("UTF-8");
    }
    assertClientError(call(HandlerType.POST, jobs, "application/json",
        HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024])), "64 KiB of zeros");
    assertClientError(call(HandlerType.POST, jobs, "text/html",
        HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")), "not JSON");
    assertThat(dbsize()).as("nothing written to Redis").isEqualTo(before);
  }

  @Test
  void badNumbersInQueryParametersAreRefused() {
    long before = dbsize();
    String list = "/api/queues/" + q + "/jobs?state=waiting&";
    for (String p : new String[] {"start=-1", "start=99999999999999999999", "start=1e3",
        "start=0x10", "start=%20", "start=1&end=0", "end=-5", "start=2000000000",
        "end=9223372036854775807", "start=0&end=5000", "start=NaN"}) {
      assertClientError(call(HandlerType.GET, list + p, null, null), p);
    }
    for (String s : new String[] {"done", "*", "%00", "unknown", "x".repeat(500)}) {
      assertClientError(call(HandlerType.GET, "/api/queues/" + q + "/jobs?state=" + s, null,
          null), "state " + abbreviate(s));
    }
    bullpen.queue(q).add("x", java.util.Map.of());
    before = dbsize();
    String job = "/api/queues/" + q + "/jobs/1?waitForChange=";
    for (String w : new String[] {"-1", "1e9", "99999999", "61s", "2m", "1h", "soon", "%00",
        "9".repeat(40)}) {
      assertClientError(call(HandlerType.GET, job + w, null, null), "waitForChange=" + w);
    }
    assertThat(dbsize()).isEqualTo(before);
  }

  @Test
  void randomPathSegmentsNeverCauseA5xx() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String alphabet = "*?[]{}:/\\.%~-_ab01\u00e9\u202e\u0000\n\t\"'<>";
    long before = dbsize();
    for (int i = 0; i < 300; i++) {
      StringBuilder s = new StringBuilder();
      int len = 1 + random.nextInt(i % 10 == 0 ? 2000 : 12);
      for (int k = 0; k < len; k++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String seg = java.net.URLEncoder.encode(s.toString(), StandardCharsets.UTF_8)
          .replace("+", "%20");
      String path = random.nextBoolean() ? "/api/queues/" + seg + "/jobs/1"
          : "/api/queues/" + q + "/jobs/" + seg;
      HttpResponse<String> r = call(HandlerType.GET, path, null, null);
      assertThat(r.statusCode()).as("seed " + seed + ": GET " + abbreviate(path) + " → "
          + r.body()).isIn(400, 404, 414, 431);
      Http.json(r);
    }
    assertThat(dbsize()).as("seed " + seed).isEqualTo(before);
  }

  @Test
  void randomlyMangledBodiesAreAddedWhole4xxOrNothingAndNeverA5xx() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    byte[] valid = ("{\"name\":\"render\",\"data\":{\"file\":\"a.mp4\",\"n\":[1,2,3]},"
        + "\"options\":{\"priority\":3,\"attempts\":2,\"delay\":10,\"backoff\":{\"type\":"
        + "\"fixed\",\"delay\":5}}}").getBytes(StandardCharsets.UTF_8);
    String jobs = "/api/queues/" + q + "/jobs";
    for (int i = 0; i < 200; i++) {
      byte[] b = valid.clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      if (random.nextInt(5) == 0) {
        b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
      }
      long before = dbsize();
      HttpResponse<String> r = call(HandlerType.POST, jobs, "application/json",
          HttpRequest.BodyPublishers.ofByteArray(b));
      String what = "seed " + seed + ": " + new String(b, StandardCharsets.ISO_8859_1);
      assertThat(r.statusCode()).as(what + " → " + r.body()).isIn(201, 400, 409, 413);
      if (r.statusCode() != 201) {
        assertClientError(r, what);
        assertThat(dbsize()).as(what).isEqualTo(before);
      } else {
        String id = Http.json(r).get("id").asText();
        assertThat(bullpen.queue(q).getJob(id)).as(what).isPresent();
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
