package dev.bullpen.bench;

import dev.bullpen.Bullpen;
import dev.bullpen.KeepJobs;
import dev.bullpen.NewJob;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak run (issue 7; not part of CI): pushes many jobs through a worker with retention
 * ({@code removeOnComplete} keeps the last {@code --keep} jobs) and samples Redis
 * {@code used_memory}, the key count and this JVM's heap after a full GC every {@code --sample}
 * completed jobs, printing one table row per sample. It asserts nothing: the table shows
 * whether memory stays flat. The producer keeps the backlog under {@code --backlog} jobs so that
 * the figures show retention, not a growing queue.
 *
 * <pre>
 * REDIS_PORT=6390 java -cp bench/target/bullpen-bench.jar dev.bullpen.bench.SoakBench \
 *     [--jobs 1000000] [--sample 50000] [--keep 1000] [--concurrency 50] [--backlog 20000]
 * </pre>
 *
 * Uses the Redis at {@code $REDIS_HOST:$REDIS_PORT} (REDIS_PORT required, never 6379 by
 * default) and a fresh queue it obliterates at the end; nothing else is touched.
 */
public final class SoakBench {
  private SoakBench() {}

  /** Runs the soak and prints the table on stdout. */
  public static void main(String[] argv) throws Exception {
    long jobs = 1_000_000;
    long sample = 50_000;
    int keep = 1000;
    int concurrency = 50;
    long backlog = 20_000;
    for (int i = 0; i + 1 < argv.length; i += 2) {
      long v = Long.parseLong(argv[i + 1]);
      switch (argv[i]) {
        case "--jobs": jobs = v; break;
        case "--sample": sample = v; break;
        case "--keep": keep = (int) v; break;
        case "--concurrency": concurrency = (int) v; break;
        case "--backlog": backlog = v; break;
        default: throw new IllegalArgumentException("unknown option " + argv[i]);
      }
    }
    if (jobs < 1 || sample < 1 || keep < 0 || concurrency < 1 || backlog < 1000) {
      throw new IllegalArgumentException("need --jobs >= 1, --sample >= 1, --keep >= 0,"
          + " --concurrency >= 1, --backlog >= 1000");
    }
    String host = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
    String portEnv = System.getenv("REDIS_PORT");
    if (portEnv == null) {
      throw new IllegalArgumentException("set REDIS_PORT to the Redis to soak (not 6379 by"
          + " accident: say so explicitly)");
    }
    int port = Integer.parseInt(portEnv);
    PrintStream out = System.out;
    String name = "soak-" + UUID.randomUUID().toString().substring(0, 8);
    AtomicLong done = new AtomicLong();
    try (Bullpen bp = Bullpen.connect("redis://" + host + ":" + port);
        RedisAdmin admin = new RedisAdmin(host, port)) {
      Queue<Object> queue = bp.queue(name);
      Worker<Object> worker = bp.worker(name, Object.class, job -> {
        done.incrementAndGet();
        return null;
      }, WorkerOptions.builder().concurrency(concurrency)
          .removeOnComplete(KeepJobs.last(keep)).build());
      out.printf("SOAK queue=%s jobs=%d keep=%d concurrency=%d backlog<=%d%n", name, jobs, keep,
          concurrency, backlog);
      out.printf("%10s %8s %9s %14s %8s %12s %10s%n", "completed", "secs", "jobs/s",
          "redisUsedMB", "keys", "heapAfterGcMB", "backlog");
      row(out, admin, queue, 0, System.nanoTime(), System.nanoTime(), 0);
      long start = System.nanoTime();
      long lastT = start;
      long lastDone = 0;
      long added = 0;
      long nextSample = sample;
      Map<String, Object> data = Map.of("payload", "x".repeat(100));
      while (done.get() < jobs) {
        long waiting = added - done.get();
        if (added < jobs && waiting < backlog) {
          int n = (int) Math.min(1000, jobs - added);
          List<NewJob<Object>> batch = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            batch.add(NewJob.of("soak", data));
          }
          queue.addBulk(batch);
          added += n;
        } else {
          Thread.sleep(5);
        }
        if (done.get() >= nextSample) {
          long now = System.nanoTime();
          long d = done.get();
          double rate = (d - lastDone) / ((now - lastT) / 1e9);
          lastT = now;
          lastDone = d;
          row(out, admin, queue, d, start, now, rate);
          nextSample += sample;
        }
      }
      worker.close();
      row(out, admin, queue, done.get(), start, System.nanoTime(), 0);
      queue.obliterate(true);
    }
  }

  private static void row(PrintStream out, RedisAdmin admin, Queue<Object> queue, long done,
      long start, long now, double rate) {
    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    Map<String, String> mem = admin.info("memory");
    long used = Long.parseLong(mem.get("used_memory"));
    Object keys = admin.call("DBSIZE");
    out.printf("%10d %8.1f %9.0f %14.1f %8s %12.1f %10d%n", done, (now - start) / 1e9, rate,
        used / 1048576.0, keys, heap / 1048576.0, queue.getJobCounts().unfinished());
  }
}
