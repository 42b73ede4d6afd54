package dev.bullpen.bench;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.KeepJobs;
import dev.bullpen.NewJob;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.WorkerListener;
import dev.bullpen.WorkerOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What every test shares (bench-bullmq.js' top level): the run's flags, the private Redis'
 * address, the admin connection, FLUSHALL and the script warm-up through a {@code warm} queue.
 */
final class Harness implements AutoCloseable {
  final BenchArgs args;
  final String host;
  final int port;
  final RedisAdmin admin;

  /** {@code used_memory} and {@code used_memory_dataset} after a 0.5 s settle. */
  record Memory(long used, long dataset) {}

  Harness(BenchArgs args, String host, int port) {
    this.args = args;
    this.host = host;
    this.port = port;
    this.admin = new RedisAdmin(host, port);
  }

  /**
   * Reads {@code REDIS_HOST} (default 127.0.0.1) and {@code REDIS_PORT} (required, like the Node
   * harness: every test FLUSHALLs, so it must be a private redis-server started for this).
   */
  static Harness fromEnv(BenchArgs args) {
    String port = System.getenv("REDIS_PORT");
    if (port == null || port.isBlank()) {
      throw new IllegalStateException("Set REDIS_PORT to a private redis-server started for"
          + " benchmarking: every test FLUSHALLs it.");
    }
    String host = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
    return new Harness(args, host, Integer.parseInt(port.trim()));
  }

  String redisUri() {
    return "redis://" + host + ":" + port;
  }

  /** A Bullpen client with library defaults. */
  Bullpen connect() {
    return Bullpen.builder().uri(redisUri()).build();
  }

  void freshRedis() {
    admin.flushAll();
  }

  /**
   * Pushes two jobs through add → process → complete on queue {@code warm} (one by addBulk,
   * one by add), so every script the measured code uses is in Redis' script cache, then
   * FLUSHALL (which keeps the script cache).
   */
  void warmScripts() {
    try (Bullpen b = connect()) {
      Queue<Object> q = b.queue("warm");
      q.addBulk(List.of(NewJob.of("bench", Payload.of(0))));
      q.add("bench", Payload.of(1));
      AtomicInteger done = new AtomicInteger();
      Worker<Object> w = b.worker("warm", Object.class, job -> null,
          WorkerOptions.builder().removeOnComplete(KeepJobs.NONE).autorun(false).build());
      w.addListener(new WorkerListener<>() {
        @Override
        public void onCompleted(Job<Object> job, Object result) {
          done.incrementAndGet();
        }
      });
      w.start();
      if (!waitUntil(() -> done.get() >= 2, 10_000, 20)) {
        throw new IllegalStateException("warm-up jobs did not complete within 10 s");
      }
      w.close();
    }
    freshRedis();
  }

  Memory usedMemory() {
    Host.sleep(500);
    Map<String, String> m = admin.info("memory");
    return new Memory(Long.parseLong(m.get("used_memory")),
        Long.parseLong(m.get("used_memory_dataset")));
  }

  /** T1a outside the window: {@code n} jobs by addBulk in batches; returns jobs/s. */
  static double prefill(Queue<Object> queue, int n, int batch) {
    double t0 = Host.nowMs();
    for (int i = 0; i < n; i += batch) {
      int end = Math.min(n, i + batch);
      List<NewJob<Object>> jobs = new ArrayList<>(end - i);
      for (int j = i; j < end; j++) {
        jobs.add(NewJob.of("bench", Payload.of(j)));
      }
      queue.addBulk(jobs);
    }
    return n / ((Host.nowMs() - t0) / 1000);
  }


  /** Polls until the condition holds or the time is up; true when it held. */
  static boolean waitUntil(BooleanSupplier cond, long timeoutMs, long stepMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < end) {
      if (cond.getAsBoolean()) {
        return true;
      }
      Host.sleep(stepMs);
    }
    return cond.getAsBoolean();
  }

  /** The first fields of every RESULT line. */
  Map<String, Object> result(String test) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lib", ResultLine.LIB);
    m.put("test", test);
    return m;
  }

  @Override
  public void close() {
    admin.close();
  }
}
