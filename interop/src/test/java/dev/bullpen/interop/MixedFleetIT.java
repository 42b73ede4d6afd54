package dev.bullpen.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Job;
import dev.bullpen.JobCounts;
import dev.bullpen.NewJob;
import dev.bullpen.JobOptions;
import dev.bullpen.Worker;
import dev.bullpen.WorkerListener;
import dev.bullpen.WorkerOptions;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Mixed fleets: two BullMQ workers (two node processes, work.js) and two Bullpen workers
 * (public API, {@code bullpen.worker(...)}) consume one queue at the same time while a BullMQ
 * producer and a Bullpen producer fill it with 10,000 jobs (5,000 each, in bulk). Every job
 * must be completed exactly once: the handlers' own records are counted for duplicates and
 * losses (both zero), every job hash shows one attempt started and made ({@code ats = atm =
 * 1}), both kinds of worker took a real share (over 5%), and both sides' getJobCounts() report
 * 10,000 completed and nothing else.
 */
class MixedFleetIT extends InteropTestBase {
  static final int PER_PRODUCER = 5_000;
  static final int TOTAL = 2 * PER_PRODUCER;
  static final int CONCURRENCY = 16;

  @Test
  void nodeAndJavaWorkersShareTenThousandJobsEachCompletedExactlyOnce() throws Exception {
    String q = TestNames.uniqueQueue("mixed-fleet");
    Map<String, Object> nodeWorker = Map.of("untilCompleted", TOTAL, "brief", true,
        "timeoutMs", 90_000, "behaviors", Map.of("*", Map.of("echo", true)));
    List<NodeHelpers.Running> node = new ArrayList<>();
    List<Worker<Object>> java = new ArrayList<>();
    Map<String, AtomicInteger> javaRuns = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Throwable> javaErrors = new ConcurrentLinkedQueue<>();
    try {
      for (int i = 1; i <= 2; i++) {
        Map<String, Object> s = new HashMap<>(nodeWorker);
        s.put("worker", Map.of("name", "node-" + i, "concurrency", CONCURRENCY));
        node.add(NodeHelpers.start(redis, "work.js", q, s));
        Worker<Object> w = bullpen.worker(q, Object.class, job -> {
          javaRuns.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
          return Map.of("echo", job.data());
        }, WorkerOptions.builder().name("java-" + i).concurrency(CONCURRENCY).build());
        w.addListener(new WorkerListener<>() {
          @Override
          public void onFailed(Job<Object> job, Throwable error, boolean retrying) {
            javaErrors.add(error);
          }

          @Override
          public void onError(Throwable error) {
            javaErrors.add(error);
          }
        });
        java.add(w);
      }

        // Both producers at once, each adding in bulk (500 jobs per BullMQ addBulk call).
      Scenario nodeJobs = new Scenario();
      for (int i = 0; i < PER_PRODUCER; i++) {
        nodeJobs.add("from-node", Map.of("i", i), Map.of());
      }
      Map<String, Object> produce = new HashMap<>(nodeJobs.produceSettings());
      produce.put("bulk", 500);
      NodeHelpers.Running producer = NodeHelpers.start(redis, "produce.js", q, produce);
      List<NewJob<Object>> javaJobs = new ArrayList<>();
      for (int i = 0; i < PER_PRODUCER; i++) {
        javaJobs.add(new NewJob<>("from-java", Map.of("i", i), JobOptions.DEFAULT));
      }
      List<String> ids = new ArrayList<>();
      bullpen.queue(q).addBulk(javaJobs).forEach(j -> ids.add(j.id()));
      producer.await(Duration.ofSeconds(60)).json().get("ids")
          .forEach(n -> ids.add(n.asText()));
      assertThat(new HashSet<>(ids)).as("distinct ids added").hasSize(TOTAL);

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
          .until(() -> probe.redis.zcard(RedisProbe.key(q, "completed")) >= TOTAL);

      // Who ran what, from the handlers' own records.
      Map<String, Integer> runs = new HashMap<>();
      javaRuns.forEach((id, n) -> runs.merge(id, n.get(), Integer::sum));
      int nodeCompleted = 0;
      for (NodeHelpers.Running r : node) {
        JsonNode summary = r.await(Duration.ofSeconds(30)).json();
        assertThat(summary.get("errors")).as("BullMQ worker errors").isEmpty();
        assertThat(summary.get("failed")).as("BullMQ worker failures").isEmpty();
        for (JsonNode id : summary.get("completed")) {
          runs.merge(id.asText(), 1, Integer::sum);
          nodeCompleted++;
        }
      }
      java.forEach(w -> w.close(Duration.ofSeconds(10)));
      assertThat(javaErrors).as("Bullpen worker failures and errors").isEmpty();

      Map<String, Integer> duplicates = new TreeMap<>();
      runs.forEach((id, n) -> {
        if (n > 1) {
          duplicates.put(id, n);
        }
      });
      Set<String> lost = new HashSet<>(ids);
      lost.removeAll(runs.keySet());
      Set<String> unknown = new HashSet<>(runs.keySet());
      unknown.removeAll(ids);
      assertThat(duplicates).as("jobs run more than once").isEmpty();
      assertThat(lost).as("jobs never run").isEmpty();
      assertThat(unknown).as("jobs run that nobody added").isEmpty();
      int javaCompleted = javaRuns.size();
      System.out.println("mixed fleet: BullMQ workers completed " + nodeCompleted
          + ", Bullpen workers " + javaCompleted);
      assertThat(nodeCompleted).as("share of the BullMQ workers").isGreaterThan(TOTAL / 20);
      assertThat(javaCompleted).as("share of the Bullpen workers").isGreaterThan(TOTAL / 20);

      // Redis agrees: one attempt each, by the worker that reported it.
      Map<String, Integer> byWorker = new TreeMap<>();
      List<String> badHashes = new ArrayList<>();
      List<Map<String, String>> hashes = probe.jobs(q, ids);
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        Map<String, String> h = hashes.get(i);
        byWorker.merge(h.get("pb"), 1, Integer::sum);
        if (!"1".equals(h.get("ats")) || !"1".equals(h.get("atm"))
            || h.get("finishedOn") == null || !h.get("returnvalue").startsWith("{\"echo\":")) {
          badHashes.add(id + "=" + h);
        }
      }
      assertThat(badHashes).as("jobs not completed in exactly one attempt").isEmpty();
      assertThat(byWorker.keySet()).containsExactly("java-1", "java-2", "node-1", "node-2");
      assertThat(byWorker.get("java-1") + byWorker.get("java-2")).isEqualTo(javaCompleted);

      JobCounts counts = bullpen.queue(q).getJobCounts();
      assertThat(counts).isEqualTo(new JobCounts(0, 0, 0, 0, TOTAL, 0, 0, 0));
      JsonNode nodeCounts = nodeDump(q, List.of()).get("counts");
      assertThat(nodeCounts.get("completed").asInt()).isEqualTo(TOTAL);
      assertThat(nodeCounts.get("waiting").asInt() + nodeCounts.get("active").asInt()
          + nodeCounts.get("failed").asInt() + nodeCounts.get("delayed").asInt()
          + nodeCounts.get("prioritized").asInt()).isZero();
    } finally {
      node.forEach(NodeHelpers.Running::kill);
      java.forEach(w -> w.close(Duration.ofSeconds(5)));
      // The server is shared with the other interop classes: leave no 10,000 jobs behind.
      bullpen.queue(q).obliterate(true);
    }
  }
}
