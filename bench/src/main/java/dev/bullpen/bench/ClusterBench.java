package dev.bullpen.bench;

import dev.bullpen.Bullpen;
import dev.bullpen.KeepJobs;
import dev.bullpen.NewJob;
import dev.bullpen.Queue;
import dev.bullpen.WorkerOptions;
import io.lettuce.core.cluster.SlotHash;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Queues spread over a 3-master Redis Cluster against the same queues on one Redis, same total
 * work: {@code --jobs} jobs (100-byte payload) over {@code --queues} queues whose hash tags put
 * the same number of queues on each master. Two phases per topology: enqueue (one thread per
 * queue, addBulk in batches of 1000) and process (one worker per queue, concurrency
 * {@code --concurrency}, completed jobs removed). Each topology runs in a fresh JVM on freshly
 * started private redis-servers (no replicas), {@code --runs} times; the medians are printed
 * with the cluster/standalone ratio, Redis CPU per node (INFO cpu) and per job, and the client
 * JVM's CPU per job.
 *
 * <pre>
 * java -cp bench/target/bullpen-bench.jar dev.bullpen.bench.ClusterBench \
 *     [--jobs 120000] [--queues 6] [--concurrency 50] [--runs 3]
 * </pre>
 *
 * Redis, the client JVM and everything else share the machine's cores: on a small host the
 * client saturates the CPU first, so the jobs/s ratio shows contention as much as scaling;
 * Redis CPU per job and per node shows how the work spreads.
 */
public final class ClusterBench {
  private static final String[] PHASES = {"enqueue", "process"};

  private ClusterBench() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = args(argv);
    int jobs = Integer.parseInt(a.getOrDefault("jobs", "120000"));
    int queues = Integer.parseInt(a.getOrDefault("queues", "6"));
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "50"));
    if (a.containsKey("child")) {
      System.out.println("CLUSTERBENCH " + child(a.get("child"), jobs, queues, concurrency));
      System.exit(0);
    }
    int runs = Integer.parseInt(a.getOrDefault("runs", "3"));
    Map<String, List<Map<String, Double>>> results = new LinkedHashMap<>();
    for (int r = 0; r < runs; r++) {
      for (String topology : new String[] {"standalone", "cluster"}) {
        Map<String, Double> m = fork(topology, argv);
        System.err.println("run " + (r + 1) + " " + topology + ": " + m);
        results.computeIfAbsent(topology, k -> new ArrayList<>()).add(m);
      }
    }
    report(results, jobs, queues, concurrency, runs);
  }

  private static Map<String, Double> fork(String topology, String[] argv) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        ClusterBench.class.getName(), "--child", topology));
    cmd.addAll(Arrays.asList(argv));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line;
    String result = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      while ((line = r.readLine()) != null) {
        if (line.startsWith("CLUSTERBENCH ")) {
          result = line.substring("CLUSTERBENCH ".length());
        }
      }
    }
    if (p.waitFor() != 0 || result == null) {
      throw new IllegalStateException(topology + " run failed (exit " + p.exitValue() + ")");
    }
    Map<String, Double> m = new LinkedHashMap<>();
    for (String kv : result.split(" ")) {
      String[] f = kv.split("=");
      m.put(f[0], Double.parseDouble(f[1]));
    }
    return m;
  }

  /** One topology in this JVM: start servers, measure both phases, print one result line. */
  private static String child(String topology, int jobs, int queues, int concurrency)
      throws Exception {
    boolean cluster = topology.equals("cluster");
    List<Process> servers = new ArrayList<>();
    Path dir = Files.createTempDirectory("bullpen-clusterbench-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> servers.forEach(Process::destroyForcibly)));
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < (cluster ? 3 : 1); i++) {
        int port = freePort();
        ports.add(port);
        servers.add(startServer(dir, port, cluster));
      }
      if (cluster) {
        createCluster(ports);
      }
      String uri = cluster ? "redis-cluster://127.0.0.1:" + ports.get(0)
          : "redis://127.0.0.1:" + ports.get(0);
      List<String> names = queueNames(queues);
      StringBuilder out = new StringBuilder();
      try (Bullpen bp = Bullpen.builder().uri(uri).build()) {
        warmUp(bp, names, ports);
        for (String phase : PHASES) {
          double[] cpu0 = redisCpu(ports);
          double client0 = Host.processCpuMs();
          long t0 = System.nanoTime();
          if (phase.equals("enqueue")) {
            enqueue(bp, names, jobs);
          } else {
            process(bp, names, jobs, concurrency);
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          double clientMs = Host.processCpuMs() - client0;
          double[] cpu1 = redisCpu(ports);
          double redisTotal = 0;
          out.append(phase).append(".jobsPerSec=").append(jobs / seconds).append(' ');
          for (int i = 0; i < ports.size(); i++) {
            double s = cpu1[i] - cpu0[i];
            redisTotal += s;
            out.append(phase).append(".node").append(i).append("CpuPct=")
                .append(100 * s / seconds).append(' ');
          }
          out.append(phase).append(".redisUsPerJob=").append(redisTotal * 1e6 / jobs).append(' ')
              .append(phase).append(".clientUsPerJob=").append(clientMs * 1e3 / jobs).append(' ');
        }
      }
      return out.toString().trim();
    } finally {
      servers.forEach(Process::destroyForcibly);
      for (Process p : servers) {
        p.waitFor(5, TimeUnit.SECONDS);
      }
      deleteTree(dir.toFile());
    }
  }

  /** {queue-i} names, as many on each master's slot range (0-5460, 5461-10922, 10923-16383). */
  static List<String> queueNames(int queues) {
    List<String> names = new ArrayList<>();
    int[] perRange = new int[3];
    for (int i = 0; names.size() < queues; i++) {
      String name = "{bench-" + i + "}";
      int range = Math.min(2, SlotHash.getSlot(name) / 5461);
      if (perRange[range] < (queues + 2) / 3) {
        perRange[range]++;
        names.add(name);
      }
    }
    return names;
  }

  private static void warmUp(Bullpen bp, List<String> names, List<Integer> ports)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(names.size());
    List<AutoCloseable> workers = new ArrayList<>();
    for (String q : names) {
      bp.queue(q).add("warm", Payload.of(0));
      workers.add(bp.worker(q, Object.class, j -> {
        done.countDown();
        return null;
      }));
    }
    done.await(60, TimeUnit.SECONDS);
    for (AutoCloseable w : workers) {
      try {
        w.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    for (int port : ports) {
      try (RedisAdmin admin = new RedisAdmin("127.0.0.1", port)) {
        admin.flushAll();
      }
    }
  }

  private static void enqueue(Bullpen bp, List<String> names, int jobs) throws Exception {
    List<Thread> threads = new ArrayList<>();
    int each = jobs / names.size();
    for (String q : names) {
      Thread t = new Thread(() -> {
        Queue<Object> queue = bp.queue(q);
        for (int from = 0; from < each; from += 1000) {
          List<NewJob<Object>> batch = new ArrayList<>(1000);
          for (int i = from; i < Math.min(each, from + 1000); i++) {
            batch.add(NewJob.of("bench", Payload.of(i)));
          }
          queue.addBulk(batch);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  private static void process(Bullpen bp, List<String> names, int jobs, int concurrency)
      throws Exception {
    LongAdder done = new LongAdder();
    int expected = jobs / names.size() * names.size();
    List<AutoCloseable> workers = new ArrayList<>();
    for (String q : names) {
      workers.add(bp.worker(q, Object.class, j -> {
        done.increment();
        return null;
      }, WorkerOptions.builder().concurrency(concurrency).removeOnComplete(KeepJobs.NONE)
          .build()));
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (done.sum() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    for (AutoCloseable w : workers) {
      w.close();
    }
  }

  /** used_cpu_user + used_cpu_sys of each node, in seconds. */
  private static double[] redisCpu(List<Integer> ports) {
    double[] out = new double[ports.size()];
    for (int i = 0; i < out.length; i++) {
      try (RedisAdmin admin = new RedisAdmin("127.0.0.1", ports.get(i))) {
        Map<String, String> info = admin.info("cpu");
        out[i] = Double.parseDouble(info.get("used_cpu_user"))
            + Double.parseDouble(info.get("used_cpu_sys"));
      }
    }
    return out;
  }

  private static Process startServer(Path dir, int port, boolean cluster) throws Exception {
    Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", nodeDir.toString(),
        "--daemonize", "no"));
    if (cluster) {
      cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(nodeDir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (RedisAdmin admin = new RedisAdmin("127.0.0.1", port)) {
        if ("PONG".equals(admin.call("PING"))) {
          return p;
        }
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          throw new IllegalStateException("redis-server did not start on port " + port, notYet);
        }
        Thread.sleep(20);
      }
    }
  }

  private static void createCluster(List<Integer> ports) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    ports.forEach(p -> cmd.add("127.0.0.1:" + p));
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int port : ports) {
      while (true) {
        try (RedisAdmin admin = new RedisAdmin("127.0.0.1", port)) {
          String info = (String) admin.call("CLUSTER", "INFO");
          if (info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3")) {
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cluster did not become ok");
        }
        Thread.sleep(50);
      }
    }
  }

  private static void report(Map<String, List<Map<String, Double>>> results, int jobs,
      int queues, int concurrency, int runs) {
    System.out.printf("ClusterBench: %d jobs over %d queues, %d runs (median), worker"
        + " concurrency %d per queue, %d CPU cores%n", jobs, queues, runs, concurrency,
        Runtime.getRuntime().availableProcessors());
    System.out.printf("%-11s %-8s %10s %11s %12s  %s%n", "topology", "phase", "jobs/s",
        "Redis us/job", "client us/job", "Redis CPU per node (% of one core)");
    for (String phase : PHASES) {
      for (Map.Entry<String, List<Map<String, Double>>> e : results.entrySet()) {
        List<Map<String, Double>> rs = e.getValue();
        StringBuilder nodes = new StringBuilder();
        for (int i = 0; rs.get(0).containsKey(phase + ".node" + i + "CpuPct"); i++) {
          nodes.append(String.format("%5.0f%%", median(rs, phase + ".node" + i + "CpuPct")));
        }
        System.out.printf("%-11s %-8s %10.0f %11.1f %12.1f  %s%n", e.getKey(), phase,
            median(rs, phase + ".jobsPerSec"), median(rs, phase + ".redisUsPerJob"),
            median(rs, phase + ".clientUsPerJob"), nodes);
      }
      System.out.printf("ratio cluster/standalone, %s: %.2f%n", phase,
          median(results.get("cluster"), phase + ".jobsPerSec")
              / median(results.get("standalone"), phase + ".jobsPerSec"));
    }
  }

  private static double median(List<Map<String, Double>> rs, String key) {
    double[] v = rs.stream().mapToDouble(m -> m.get(key)).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static Map<String, String> args(String[] argv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException("usage: ClusterBench [--jobs N] [--queues N]"
            + " [--concurrency N] [--runs N]");
      }
      m.put(argv[i].substring(2), argv[++i]);
    }
    return m;
  }

  /** A free port of at most 55535 whose cluster bus port (+10000) is free too; never 6379. */
  private static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        int p = s.getLocalPort();
        if (p == 6379 || p > 55535) {
          continue;
        }
        try {
          new ServerSocket(p + 10000, 1, InetAddress.getByName("127.0.0.1")).close();
          return p;
        } catch (IOException busy) {
          // try another
        }
      }
    }
  }

  private static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteTree(c);
      }
    }
    f.delete();
  }
}
