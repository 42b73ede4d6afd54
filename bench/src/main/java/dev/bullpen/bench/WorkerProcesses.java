package dev.bullpen.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The coordinator's side of the worker JVMs (lib/children.js): forks one {@link WorkerChild}
 * per options map, then {@link #awaitReady}, {@link #go}, {@link #count} (the last progress
 * reports, summed), {@link #finish} (stats of every child) and {@link #waitExit}.
 *
 * <p>Children run on this JVM's binary and class path with this JVM's {@code -X}/{@code -D}
 * options, then the words of {@code BENCH_CHILD_JAVA_OPTS} (children only, {@code {n}} replaced
 * by the child's index: for a profiler's output file, say). Their stderr is inherited; stdout
 * lines without the IPC prefix are passed on to stderr. Every live child is killed when this JVM exits, however it exits.
 */
final class WorkerProcesses implements AutoCloseable {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(WorkerProcesses::killAll, "bench-kill"));
  }

  private final List<Child> kids;

  private static final class Child {
    final Process process;
    final OutputStream stdin;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<JsonNode> stats = new CompletableFuture<>();
    volatile long count;

    Child(Process process) {
      this.process = process;
      this.stdin = process.getOutputStream();
    }

    void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.startsWith(WorkerChild.IPC)) {
            System.err.println("[worker " + process.pid() + "] " + line);
            continue;
          }
          String msg = line.substring(WorkerChild.IPC.length());
          if (msg.equals("ready")) {
            ready.complete(null);
          } else if (msg.startsWith("progress ")) {
            count = Long.parseLong(msg.substring("progress ".length()).trim());
          } else if (msg.startsWith("stats ")) {
            JsonNode s = parse(msg.substring("stats ".length()));
            count = s.path("count").asLong();
            stats.complete(s);
          }
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("[worker " + process.pid() + "] reader failed: " + e);
      }
      IllegalStateException gone = new IllegalStateException("worker process " + process.pid()
          + " exited early");
      ready.completeExceptionally(gone);
      stats.completeExceptionally(gone);
    }

    void send(String command) {
      try {
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot send '" + command + "' to worker "
            + process.pid(), e);
      }
    }
  }

  private WorkerProcesses(List<Child> kids) {
    this.kids = kids;
  }

  static WorkerProcesses spawn(List<Map<String, Object>> optsList) {
    List<Child> kids = new ArrayList<>();
    String childOpts = System.getenv().getOrDefault("BENCH_CHILD_JAVA_OPTS", "").trim();
    for (Map<String, Object> opts : optsList) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith("-X") || arg.startsWith("-D")) {
          cmd.add(arg);
        }
      }
      if (!childOpts.isEmpty()) {
        for (String arg : childOpts.split("\\s+")) {
          cmd.add(arg.replace("{n}", Integer.toString(kids.size())));
        }
      }
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(WorkerChild.class.getName());
      try {
        cmd.add(ResultLine.JSON.writeValueAsString(opts));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        LIVE.add(p);
        Child c = new Child(p);
        Thread t = new Thread(c::read, "bench-child-" + p.pid());
        t.setDaemon(true);
        t.start();
        kids.add(c);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start a worker JVM", e);
      }
    }
    return new WorkerProcesses(kids);
  }

  void awaitReady(long timeoutMs) throws InterruptedException {
    for (Child c : kids) {
      get(c.ready, timeoutMs, "ready");
    }
  }

  void go() {
    for (Child c : kids) {
      c.send("go");
    }
  }

  /** Completions reported so far, summed over children. */
  long count() {
    long n = 0;
    for (Child c : kids) {
      n += c.count;
    }
    return n;
  }

  /** Asks every child for its stats and waits for all of them. */
  List<JsonNode> finish(long timeoutMs) throws InterruptedException {
    for (Child c : kids) {
      c.send("finish");
    }
    List<JsonNode> out = new ArrayList<>();
    for (Child c : kids) {
      out.add(get(c.stats, timeoutMs, "stats"));
    }
    return out;
  }

  /** Waits for every child to exit, killing those still running after {@code timeoutMs}. */
  void waitExit(long timeoutMs) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMs;
    for (Child c : kids) {
      long left = Math.max(1, end - System.currentTimeMillis());
      if (!c.process.waitFor(left, TimeUnit.MILLISECONDS)) {
        c.process.destroyForcibly();
      }
      LIVE.remove(c.process);
    }
  }

  @Override
  public void close() {
    for (Child c : kids) {
      c.process.destroyForcibly();
      LIVE.remove(c.process);
    }
  }

  static void killAll() {
    for (Process p : LIVE) {
      p.destroyForcibly();
    }
  }

  private static <T> T get(CompletableFuture<T> f, long timeoutMs, String what)
      throws InterruptedException {
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("worker process not " + what + " within " + timeoutMs
          + " ms", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  private static JsonNode parse(String json) {
    try {
      return ResultLine.JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
