package dev.bullpen.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs and controls a {@link ChildWorker} JVM: reads its output continuously (a child blocked on
 * a full pipe would look like a frozen worker), keeps the jobs in its handlers and the runs it
 * finished, and sends it SIGKILL, SIGSTOP and SIGCONT.
 */
final class WorkerProcess implements AutoCloseable {
  private final Process process;
  private final String name;
  private final Set<Long> inHandler = ConcurrentHashMap.newKeySet();
  private final Map<Long, Integer> runs = new ConcurrentHashMap<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final Set<String> lockLost = ConcurrentHashMap.newKeySet();
  private final Deque<String> tail = new ArrayDeque<>();
  private volatile boolean ready;
  private volatile boolean ended;

  private WorkerProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::read, "child-reader-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a child worker; see {@link ChildWorker} for the arguments. */
  static WorkerProcess start(String name, String redisUri, String queue, int concurrency,
      Duration lock, Duration stalledInterval, Duration hold) {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ChildWorker.class.getName(), redisUri,
        queue, Integer.toString(concurrency), Long.toString(lock.toMillis()),
        Long.toString(stalledInterval.toMillis()), Long.toString(hold.toMillis()));
    pb.redirectErrorStream(true);
    try {
      WorkerProcess w = new WorkerProcess(name, pb.start());
      w.await("READY", Duration.ofSeconds(60), () -> w.ready);
      return w;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a child worker JVM", e);
    }
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 100) {
            tail.removeFirst();
          }
        }
        if (line.equals("READY")) {
          ready = true;
        } else if (line.startsWith("ACTIVE ")) {
          inHandler.add(Long.parseLong(line.split(" ")[1]));
        } else if (line.startsWith("DONE ")) {
          long n = Long.parseLong(line.split(" ")[1]);
          runs.merge(n, 1, Integer::sum);
          inHandler.remove(n);
        } else if (line.startsWith("LOCKLOST ")) {
          lockLost.add(line.substring(9));
        } else if (line.startsWith("ERROR ")) {
          errors.add(line.substring(6));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the child died; its output ends here
    } finally {
      ended = true;
    }
  }

  /** Ledger keys of the jobs whose handler is running now. */
  Set<Long> inHandler() {
    return Set.copyOf(inHandler);
  }

  /** Handler returns per ledger key, so far. */
  Map<Long, Integer> runs() {
    return new HashMap<>(runs);
  }

  /** Errors the worker reported (each line after "ERROR "). */
  List<String> errors() {
    return List.copyOf(errors);
  }

  /** Job ids whose lock the worker reported lost. */
  Set<String> lockLost() {
    return Set.copyOf(lockLost);
  }

  long pid() {
    return process.pid();
  }

  /** Waits until {@code count} jobs are in the child's handlers at once. */
  void awaitInHandler(int count, Duration timeout) {
    await(count + " jobs in the handlers", timeout, () -> inHandler.size() >= count);
  }

  /** SIGKILL, like a crash or the OOM killer; waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP: the JVM freezes, its sockets stay open, its locks are no longer renewed. */
  void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  void thaw() {
    signal("CONT");
  }

  private void signal(String sig) {
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The child's last output lines, for failure messages. */
  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline || (ended && !condition.getAsBoolean())) {
        throw new AssertionError("child worker " + name + ": no " + what + " within " + timeout
            + (ended ? " (it exited)" : "") + "; output:\n" + tail());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      signal("CONT");
      kill();
    }
  }
}
