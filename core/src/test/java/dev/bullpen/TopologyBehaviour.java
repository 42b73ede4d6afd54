package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.event.QueueEvent;
import dev.bullpen.internal.Keys;
import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.JobView;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The core behaviour suite, run by {@link TopologyBehaviourIT} against a single server, a Redis
 * Cluster and a Sentinel-managed master: the same tests through the same public API. Queue names
 * carry a hash tag ({@code {name}}) everywhere, as a Cluster requires.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TopologyBehaviour {
  static final Duration WAIT = Duration.ofSeconds(20);

  /** The URI clients connect with. */
  abstract String uri();

  /** The server that stores {@code key} now (the master serving its slot). */
  abstract RedisServer nodeServing(String key);

  /** Replicas of the server that stores {@code key}; empty for a single server. */
  abstract List<RedisServer> replicasServing(String key);

  Bullpen connect() {
    return Bullpen.builder().uri(uri()).commandTimeout(Duration.ofSeconds(2)).build();
  }

  static String queueName(String base) {
    return "{" + TestNames.uniqueQueue(base) + "}";
  }

  static String clientName(String queue, String suffix) {
    return new Keys(Bullpen.DEFAULT_PREFIX, queue).clientName(suffix);
  }

  @Test
  void addsAndProcessesJobs() {
    String q = queueName("process");
    try (Bullpen bp = connect()) {
      Queue<Object> queue = bp.queue(q);
      List<NewJob<Object>> bulk = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        bulk.add(NewJob.of("bulk", Map.of("n", i)));
      }
      assertThat(queue.addBulk(bulk)).hasSize(20);
      Job<Object> single = queue.add("single", Map.of("n", 20));
      assertThat(single.id()).isEqualTo("21");
      assertThat(queue.getJobCounts().waiting()).isEqualTo(21);

      bp.worker(q, Object.class, job -> Map.of("twice",
          ((Number) ((Map<?, ?>) job.data()).get("n")).intValue() * 2),
          WorkerOptions.builder().concurrency(5).build());
      await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 21);
      assertThat(queue.getJob("21").orElseThrow().returnValueJson()).isEqualTo("{\"twice\":40}");
      assertThat(queue.getJobs(JobState.COMPLETED, 0, -1, true)).hasSize(21);
      assertThat(queue.getJobCounts().unfinished()).isZero();
    }
  }

  @Test
  void retriesWithBackoffThenFails() {
    String q = queueName("retry");
    try (Bullpen bp = connect()) {
      Queue<Object> queue = bp.queue(q);
      Job<Object> flaky = queue.add("flaky", 1, JobOptions.builder().attempts(3)
          .backoff(Backoff.fixed(Duration.ofMillis(50))).build());
      Job<Object> doomed = queue.add("doomed", 2, JobOptions.builder().attempts(2).build());
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      bp.worker(q, Object.class, job -> {
        int n = runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
        if (job.name().equals("doomed") || n < 3) {
          throw new IllegalStateException("run " + n + " of " + job.name());
        }
        return "ok";
      }, WorkerOptions.builder().drainDelay(Duration.ofMillis(200)).build());
      await().atMost(WAIT).until(() -> queue.getJobCounts().completed() == 1
          && queue.getJobCounts().failed() == 1);
      assertThat(queue.getJob(flaky.id()).orElseThrow().attemptsMade()).isEqualTo(3);
      Job<Object> failed = queue.getJob(doomed.id()).orElseThrow();
      assertThat(failed.attemptsMade()).isEqualTo(2);
      assertThat(failed.failedReason()).isEqualTo("run 2 of doomed");
      assertThat(queue.getState(doomed.id())).isEqualTo(JobState.FAILED);
    }
  }

  @Test
  void idleWorkerWakesAtOnceAndDelayedJobsRunWhenDue() {
    String q = queueName("delay");
    try (Bullpen bp = connect()) {
      Queue<Object> queue = bp.queue(q);
      Map<String, Long> doneAt = new ConcurrentHashMap<>();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      // A long drainDelay: only the marker (BZPOPMIN on the node serving the queue) wakes it.
      bp.worker(q, Object.class, job -> doneAt.put(job.name(), System.currentTimeMillis()),
          WorkerOptions.builder().drainDelay(Duration.ofSeconds(30)).build())
          .addListener(new WorkerListener<>() {
            @Override
            public void onError(Throwable error) {
              errors.add(error);
            }
          });
      awaitClient(q, clientName(q, ""));

      long added = System.currentTimeMillis();
      queue.add("now", 1);
      await().atMost(WAIT).until(() -> doneAt.containsKey("now"));
      assertThat(doneAt.get("now") - added).as("wake-up latency").isLessThan(2000);

      added = System.currentTimeMillis();
      Job<Object> later = queue.add("later", 2, JobOptions.builder()
          .delay(Duration.ofMillis(700)).build());
      assertThat(queue.getState(later.id())).isEqualTo(JobState.DELAYED);
      await().atMost(WAIT).until(() -> doneAt.containsKey("later"));
      assertThat(doneAt.get("later") - added).isBetween(690L, 5000L);
      assertThat(errors).as("worker errors (a blocking call on the wrong node gets MOVED)")
          .isEmpty();
    }
  }

  @Test
  void jobsOfAKilledWorkerProcessAreRecovered() throws Exception {
    String q = queueName("stall");
    try (Bullpen bp = connect()) {
      Queue<Object> queue = bp.queue(q);
      queue.add("a", 1);
      queue.add("b", 2);
      Process child = startChild(uri(), q, 2, 1000, 500, 600_000);
      try {
        awaitLines(child, "ACTIVE ", 2);
      } finally {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      assertThat(queue.getJobCounts().active()).isEqualTo(2);
      Set<String> done = ConcurrentHashMap.newKeySet();
      List<String> stalled = new CopyOnWriteArrayList<>();
      bp.worker(q, Object.class, job -> done.add(job.id()), WorkerOptions.builder()
          .stalledInterval(Duration.ofMillis(500)).drainDelay(Duration.ofMillis(500)).build())
          .addListener(new WorkerListener<>() {
            @Override
            public void onStalled(String jobId) {
              stalled.add(jobId);
            }
          });
      await().atMost(WAIT).until(() -> done.size() == 2);
      assertThat(stalled).containsExactlyInAnyOrder("1", "2");
      assertThat(queue.getJob("1").orElseThrow().stalledCounter()).isEqualTo(1);
    }
  }

  @Test
  void eventsReachListenersAndTheReaderReconnectsOnItsNode() {
    String q = queueName("events");
    try (Bullpen bp = connect()) {
      List<QueueEvent> seen = new CopyOnWriteArrayList<>();
      bp.queueEvents(q).addListener(seen::add);
      Queue<Object> queue = bp.queue(q);
      bp.worker(q, Object.class, job -> {
        job.updateProgress(50);
        return "r";
      }, WorkerOptions.builder().drainDelay(Duration.ofSeconds(5)).build());
      queue.add("first", 1);
      await().atMost(WAIT).until(() -> seen.stream().anyMatch(e -> "completed".equals(e.event())));
      assertThat(seen.stream().filter(e -> "1".equals(e.jobId())).map(QueueEvent::event))
          .containsExactly("added", "waiting", "active", "progress", "completed");

      String name = clientName(q, ":qe");
      RedisServer node = awaitClient(q, name);
      node.command("CLIENT", "KILL", "SKIPME", "yes", "TYPE", "normal");
      queue.add("second", 2);
      await().atMost(WAIT).until(() -> seen.stream().filter(e -> "completed".equals(e.event())).count() == 2);
      awaitClient(q, name);
      awaitClient(q, clientName(q, ""));
    }
  }

  @Test
  void adminOperationsWorkOnTheQueuesSlot() {
    String q = queueName("admin");
    try (Bullpen bp = connect()) {
      Queue<Object> queue = bp.queue(q);
      Job<Object> a = queue.add("a", 1, JobOptions.builder().jobId("custom-a").build());
      assertThat(queue.add("a", 1, JobOptions.builder().jobId("custom-a").build()).id())
          .isEqualTo("custom-a");
      Job<Object> b = queue.add("b", 2, JobOptions.builder().delay(Duration.ofHours(1)).build());
      queue.add("c", 3, JobOptions.builder().priority(5).build());
      a.log("a log row");
      assertThat(queue.getJobLogs("custom-a", 0, -1)).containsExactly("a log row");
      a.updateProgress(10);
      assertThat(queue.getJob("custom-a").orElseThrow().progressJson()).isEqualTo("10");
      assertThat(queue.getJobCounts().delayed()).isEqualTo(1);
      assertThat(queue.getJobCounts().prioritized()).isEqualTo(1);

      queue.pause();
      assertThat(queue.isPaused()).isTrue();
      queue.resume();
      assertThat(queue.isPaused()).isFalse();
      b.promote();
      assertThat(queue.getState(b.id())).isEqualTo(JobState.WAITING);
      queue.setGlobalConcurrency(2);
      queue.removeGlobalConcurrency();
      assertThat(queue.remove("custom-a")).isTrue();
      assertThat(queue.drain(true)).isEqualTo(2);
      queue.add("d", 4, JobOptions.builder().attempts(1).build());
      bp.worker(q, Object.class, job -> {
        throw new IllegalStateException("no");
      });
      await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1);
      assertThat(queue.retryJobs()).isEqualTo(1);
      await().atMost(WAIT).until(() -> queue.getJobCounts().failed() == 1
          && queue.getJobCounts().waiting() == 0 && queue.getJobCounts().active() == 0);
      assertThat(queue.clean(Duration.ZERO, 100, JobState.FAILED)).hasSize(1);
      queue.trimEvents(10);
      queue.obliterate(true);
      assertThat(queue.getJobCounts().unfinished()
          + queue.getJobCounts().completed() + queue.getJobCounts().failed()).isZero();
    }
  }

  @Test
  void statusCacheFollowsAJobThroughEvents() {
    String q = queueName("status");
    try (Bullpen bp = connect(); JobStatusService status = JobStatusService.create(bp)) {
      Queue<Object> queue = bp.queue(q);
      Job<Object> job = queue.add("render", 1);
      assertThat(status.get(q, job.id()).map(JobView::state)).contains(JobState.WAITING);
      bp.worker(q, Object.class, j -> "done");
      await().atMost(WAIT).until(() -> status.get(q, job.id()).map(JobView::state)
          .orElse(JobState.UNKNOWN) == JobState.COMPLETED);
      assertThat(status.get(q, job.id()).orElseThrow().returnValueJson()).isEqualTo("\"done\"");
    }
  }

  /** A queue for the durable-add test (the Cluster picks one away from its first seed). */
  String durableQueueName() {
    return queueName("durable");
  }

  @Test
  void durableAddWaitsForTheReplicasOfTheQueuesNode() {
    String q = durableQueueName();
    String waitKey = "bull:" + q + ":wait";
    List<RedisServer> replicas = replicasServing(waitKey);
    try (Bullpen bp = Bullpen.builder().uri(uri())
        .durableAdd(1, Duration.ofMillis(300)).build()) {
      Queue<Object> queue = bp.queue(q);
      if (!replicas.isEmpty()) {
        Job<Object> job = queue.add("safe", 1);
        for (RedisServer r : replicas) {
          // KEYS takes no key argument, so a cluster replica answers it without READONLY
          assertThat(r.command("KEYS", "bull:" + q + ":" + job.id()))
              .isEqualTo("bull:" + q + ":" + job.id());
        }
        replicas.forEach(RedisServer::pause);
      }
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> queue.add("unsafe", 2))
            .isInstanceOfSatisfying(NotReplicatedException.class, e -> {
              assertThat(e.jobIds()).hasSize(1);
              assertThat(e.acknowledged()).isZero();
              assertThat(e.required()).isEqualTo(1);
            })
            .hasMessageContaining("IS stored on the master");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(290L, 2500L);
      } finally {
        replicas.forEach(RedisServer::resume);
      }
      // The job is there all the same.
      assertThat(queue.getJobCounts().waiting()).isEqualTo(replicas.isEmpty() ? 1 : 2);
    }
  }

  /** Waits until {@code name} shows in CLIENT LIST of the node serving {@code queue}. */
  RedisServer awaitClient(String queue, String name) {
    String key = "bull:" + queue + ":marker";
    await().atMost(WAIT).until(() -> nodeServing(key).command("CLIENT", "LIST")
        .contains(" name=" + name + " "));
    return nodeServing(key);
  }

  static Process startChild(String uri, String queue, int concurrency, long lockMs,
      long stalledMs, long holdMs) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ChildWorkerMain.class.getName(), uri, queue, Integer.toString(concurrency),
        Long.toString(lockMs), Long.toString(stalledMs), Long.toString(holdMs));
    pb.redirectErrorStream(true);
    return pb.start();
  }

  static void awaitLines(Process p, String prefix, int count) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    StringBuilder all = new StringBuilder();
    int hits = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (hits < count && System.nanoTime() < deadline) {
      String line = r.readLine();
      if (line == null) {
        throw new AssertionError("child exited early:\n" + all);
      }
      all.append(line).append('\n');
      if (line.startsWith(prefix)) {
        hits++;
      }
    }
    assertThat(hits).as("child output:\n" + all).isEqualTo(count);
  }
}
