package dev.bullpen.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bullpen's side of the BullMQ comparison (shared/BENCH.md), flag for flag the same as
 * {@code bench-bullmq.js}. One invocation is one measurement in a fresh JVM and prints exactly
 * one {@code RESULT {json}} line on stdout (everything else goes to stderr).
 *
 * <pre>
 * java -jar bench/target/bullpen-bench.jar --test enqueue-bulk   [--jobs 100000 --batch 1000]
 * java -jar bench/target/bullpen-bench.jar --test enqueue-single [--jobs 20000 --window 100]
 * java -jar bench/target/bullpen-bench.jar --test process --concurrency 100 [--procs 1] [--remove false]
 * java -jar bench/target/bullpen-bench.jar --test latency --rate 500 [--duration 20 --concurrency 50]
 * java -jar bench/target/bullpen-bench.jar --test memory
 * java -jar bench/target/bullpen-bench.jar --test idle-worker|idle-events|idle-none [--window 60]
 * </pre>
 *
 * Every test FLUSHALLs the Redis at {@code $REDIS_HOST:$REDIS_PORT} (REDIS_PORT is required) and
 * is bounded by {@code --timeout} seconds of load plus 60 s, after which it reports
 * {@code status: "timeout"} and exits with status 2.
 */
public final class BenchMain {
  private BenchMain() {}

  /** Runs one measurement and prints its RESULT line; exit status 0 ok, 1 error, 2 timeout. */
  public static void main(String[] argv) {
    quietLogs();
    PrintStream out = System.out;
    System.setOut(System.err);
    BenchArgs args;
    try {
      args = BenchArgs.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(64);
      return;
    }
    startHardTimeout(out, args);
    int status = 0;
    try (Harness h = Harness.fromEnv(args)) {
      ResultLine.emit(out, run(h));
    } catch (Throwable e) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("lib", ResultLine.LIB);
      r.put("test", args.test);
      r.put("status", "error");
      r.put("error", stackTrace(e));
      r.put("args", args.raw);
      ResultLine.emit(out, r);
      status = 1;
    }
    WorkerProcesses.killAll();
    System.exit(status);
  }

  static Map<String, Object> run(Harness h) throws InterruptedException {
    switch (h.args.test) {
      case "enqueue-bulk":
        return EnqueueBench.run(h, true);
      case "enqueue-single":
        return EnqueueBench.run(h, false);
      case "process":
        return ProcessBench.run(h, false);
      case "memory":
        return ProcessBench.run(h, true);
      case "latency":
        return LatencyBench.run(h);
      case "idle-worker":
        return IdleBench.run(h, "worker");
      case "idle-events":
        return IdleBench.run(h, "events");
      case "idle-none":
        return IdleBench.run(h, "none");
      default:
        throw new IllegalArgumentException("unknown --test " + h.args.test);
    }
  }

  /** Library logs at WARN on stderr unless the caller chose a level. */
  static void quietLogs() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
  }

  private static void startHardTimeout(PrintStream out, BenchArgs args) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep((args.timeout + 60) * 1000L);
      } catch (InterruptedException e) {
        return;
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("lib", ResultLine.LIB);
      r.put("test", args.test);
      r.put("status", "timeout");
      r.put("args", args.raw);
      ResultLine.emit(out, r);
      WorkerProcesses.killAll();
      Runtime.getRuntime().halt(2);
    }, "bench-hard-timeout");
    t.setDaemon(true);
    t.start();
  }

  private static String stackTrace(Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
