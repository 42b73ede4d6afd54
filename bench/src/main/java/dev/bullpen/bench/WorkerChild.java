package dev.bullpen.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.KeepJobs;
import dev.bullpen.Worker;
import dev.bullpen.WorkerListener;
import dev.bullpen.WorkerOptions;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAccumulator;

/**
 * A worker JVM hosting ONE Bullpen {@link Worker} (lib/bullmq-worker-child.js), driven by the
 * coordinator over stdin/stdout.
 *
 * <p>Protocol, one line per message ({@link #IPC} prefix on stdout; everything else the JVM
 * prints goes to stderr):
 *
 * <ul>
 *   <li>child → parent: {@code ready} once connected with the worker built but not started;
 *       {@code progress <count>} every 50 ms; {@code stats {json}} after {@code finish}, with
 *       {@code count}, {@code first}/{@code last} (epoch ms of the first/last completion),
 *       {@code cpuMs} (JVM CPU since {@code go}), {@code cmds} (commands sent since {@code go})
 *       and, in latency mode, {@code lat}.
 *   <li>parent → child (stdin): {@code go} starts the worker; {@code finish} asks for stats,
 *       then the child closes and exits. End of stdin (the parent died) exits at once.
 * </ul>
 *
 * <p>A completion is timed when {@link WorkerListener#onCompleted} fires, which Bullpen calls
 * after the script that records the completion has returned.
 */
public final class WorkerChild {
  static final String IPC = "@bench ";

  private final Map<String, Object> opts;
  private final boolean latency;
  private final long warmupSeq;
  private final AtomicLong count = new AtomicLong();
  private final DoubleAccumulator first = new DoubleAccumulator(Math::min, Double.MAX_VALUE);
  private final DoubleAccumulator last = new DoubleAccumulator(Math::max, 0);
  private final Samples pick = new Samples();
  private final Samples done = new Samples();
  private final Samples bullPick = new Samples();
  private final Samples bullDone = new Samples();
  private final PrintStream ipc;
  private volatile boolean reporting = true;

  private WorkerChild(Map<String, Object> opts, PrintStream ipc) {
    this.opts = opts;
    this.latency = "latency".equals(opts.get("mode"));
    this.warmupSeq = ((Number) opts.getOrDefault("warmupSeq", 0)).longValue();
    this.ipc = ipc;
  }

  /** {@code args[0]}: the options JSON (redisUri, queue, concurrency, remove, mode, warmupSeq). */
  public static void main(String[] args) throws Exception {
    BenchMain.quietLogs();
    PrintStream ipc = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    System.setOut(System.err);
    Map<String, Object> opts = ResultLine.JSON.readValue(args[0],
        new TypeReference<Map<String, Object>>() {});
    new WorkerChild(opts, ipc).run();
  }

  private void run() throws Exception {
    Bullpen bullpen = Bullpen.builder().uri((String) opts.get("redisUri")).build();
    WorkerOptions.Builder wo = WorkerOptions.builder()
        .concurrency(((Number) opts.get("concurrency")).intValue())
        .autorun(false);
    if (Boolean.TRUE.equals(opts.get("remove"))) {
      wo.removeOnComplete(KeepJobs.NONE);
    }
    Worker<Object> worker = bullpen.worker((String) opts.get("queue"), Object.class,
        this::handle, wo.build());
    worker.addListener(new WorkerListener<>() {
      @Override
      public void onCompleted(Job<Object> job, Object result) {
        completed(job);
      }

      @Override
      public void onFailed(Job<Object> job, Throwable error, boolean retrying) {
        System.err.println("job failed: " + error);
      }

      @Override
      public void onError(Throwable error) {
        System.err.println("worker error: " + error);
      }
    });
    Thread progress = new Thread(this::reportProgress, "bench-progress");
    progress.setDaemon(true);
    progress.start();
    send("ready");

    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    double cpu0 = 0;
    long cmds0 = 0;
    String line;
    while ((line = stdin.readLine()) != null) {
      if (line.equals("go")) {
        cmds0 = bullpen.commandsSent();
        cpu0 = Host.processCpuMs();
        worker.start();
      } else if (line.equals("finish")) {
        reporting = false;
        double cpuMs = Host.processCpuMs() - cpu0;
        long cmds = bullpen.commandsSent() - cmds0;
        send("stats " + ResultLine.JSON.writeValueAsString(stats(cpuMs, cmds)));
        dumpRecordings();
        exitAfterClose(worker, bullpen);
      }
    }
    Runtime.getRuntime().halt(0);
  }

  private Object handle(Job<Object> job) {
    if (latency) {
      double t = Host.nowMs();
      Map<?, ?> d = (Map<?, ?>) job.data();
      if (((Number) d.get("seq")).longValue() >= warmupSeq) {
        pick.add(t - ((Number) d.get("t0")).doubleValue());
      }
    }
    return null;
  }

  private void completed(Job<Object> job) {
    double t = Host.nowMs();
    count.incrementAndGet();
    first.accumulate(t);
    last.accumulate(t);
    if (latency) {
      Map<?, ?> d = (Map<?, ?>) job.data();
      if (((Number) d.get("seq")).longValue() >= warmupSeq) {
        done.add(t - ((Number) d.get("t0")).doubleValue());
        Instant ts = job.timestamp();
        if (ts != null && job.processedOn() != null) {
          bullPick.add(job.processedOn().toEpochMilli() - ts.toEpochMilli());
        }
        if (ts != null && job.finishedOn() != null) {
          bullDone.add(job.finishedOn().toEpochMilli() - ts.toEpochMilli());
        }
      }
    }
  }

  private Map<String, Object> stats(double cpuMs, long cmds) {
    long n = count.get();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("count", n);
    s.put("first", n > 0 ? first.get() : 0);
    s.put("last", n > 0 ? last.get() : 0);
    s.put("cpuMs", cpuMs);
    s.put("cmds", cmds);
    if (latency) {
      Map<String, Object> lat = new LinkedHashMap<>();
      lat.put("pickupMs", pick.summary());
      lat.put("doneMs", done.summary());
      lat.put("bullProcessedMinusTimestampMs", bullPick.summary());
      lat.put("bullFinishedMinusTimestampMs", bullDone.summary());
      s.put("lat", lat);
    }
    return s;
  }

  private void reportProgress() {
    while (reporting) {
      send("progress " + count.get());
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void send(String message) {
    synchronized (ipc) {
      ipc.println(IPC + message);
    }
  }

  /**
   * Writes out flight recordings started with a file ({@code BENCH_CHILD_JAVA_OPTS=
   * -XX:StartFlightRecording=filename=...}): the child halts, which skips JFR's dump on exit.
   */
  private static void dumpRecordings() {
    for (jdk.jfr.Recording r : jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings()) {
      if (r.getDestination() != null) {
        try {
          r.dump(r.getDestination());
        } catch (java.io.IOException | RuntimeException e) {
          System.err.println("flight recording not written: " + e);
        }
      }
    }
  }

  /** Closes without waiting for jobs (Node: {@code worker.close(true)}), at most 5 s. */
  private static void exitAfterClose(Worker<Object> worker, Bullpen bullpen) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(5000);
      } catch (InterruptedException e) {
        // exit anyway
      }
      Runtime.getRuntime().halt(0);
    }, "bench-exit");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      worker.close(Duration.ZERO);
      bullpen.close();
    } catch (RuntimeException e) {
      System.err.println("close failed: " + e);
    }
    Runtime.getRuntime().halt(0);
  }
}
