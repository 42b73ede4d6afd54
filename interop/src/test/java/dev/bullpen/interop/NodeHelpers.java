package dev.bullpen.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bullpen.testing.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the Node helpers of {@code interop/node} ({@code produce.js}, {@code work.js},
 * {@code events.js}, {@code dump.js}, {@code admin.js}, {@code board.js}) as child processes
 * against a private {@link RedisServer}.
 *
 * <p>Implementation notes: every helper gets the server through {@code REDIS_HOST}/{@code
 * REDIS_PORT}, its queue and a JSON settings object on the command line, and has a deadline of
 * its own; on top of that every wait here is bounded, and a process still alive past it is
 * killed. stdout and stderr are drained by two threads into memory (so a chatty child never
 * blocks on a full pipe) and both end up in every assertion message. The first use checks that
 * {@code node} and {@code npm} exist and runs {@code npm ci} once when a dependency pinned in
 * {@code package.json} is missing from {@code node_modules} or not at its version. Settings
 * longer than {@link #MAX_INLINE_SETTINGS} characters (a single argument is limited to 128 KiB
 * on Linux) go through a temporary file passed as {@code @<path>}, which lib.js reads.
 */
final class NodeHelpers {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Default wait for one helper; the helpers' own deadline is 30 s. */
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(40);
  private static final Duration NPM_CI_WAIT = Duration.ofMinutes(5);
  /** Longer settings are passed in a file ({@code @<path>}). */
  static final int MAX_INLINE_SETTINGS = 32 * 1024;
  private static boolean installed;

  private NodeHelpers() {}

  /** The folder holding package.json and the helpers. */
  static Path nodeDir() {
    String configured = System.getProperty("bullpen.interop.nodeDir");
    Path dir = configured != null ? Paths.get(configured) : Paths.get("node");
    if (!Files.isRegularFile(dir.resolve("package.json"))) {
      // Run from the reactor root (e.g. an IDE): look under interop/.
      Path alt = Paths.get("interop", "node");
      if (Files.isRegularFile(alt.resolve("package.json"))) {
        dir = alt;
      }
    }
    return dir.toAbsolutePath().normalize();
  }

  /**
   * Makes sure node and npm run and every dependency pinned in package.json (bullmq, ioredis,
   * the Bull Board packages) is installed at its version (npm ci otherwise, once per JVM).
   *
   * @throws IllegalStateException with instructions when node or npm is missing or npm ci fails
   */
  static synchronized void ensureInstalled() {
    if (installed) {
      return;
    }
    Path dir = nodeDir();
    String node = version("node");
    String npm = version("npm");
    if (node == null || npm == null) {
      throw new IllegalStateException("the interop ITs need Node.js 18+ and npm on the PATH"
          + " (found node: " + node + ", npm: " + npm + "); install them (e.g. apt-get install"
          + " nodejs npm) or skip this module with -pl '!interop'");
    }
    Map<String, String> pinned = pinnedDependencies(dir);
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, String> dep : pinned.entrySet()) {
      // Read from disk: some packages (@bull-board/api) do not export their package.json.
      Path installedPkg = dir.resolve("node_modules").resolve(dep.getKey()).resolve("package.json");
      String have = Files.isRegularFile(installedPkg)
          ? readJson(installedPkg).path("version").asText(null) : null;
      if (!dep.getValue().equals(have)) {
        stale.add(dep.getKey() + "@" + dep.getValue() + " (have " + have + ")");
      }
    }
    if (!stale.isEmpty()) {
      Result r = run(dir, List.of("npm", "ci", "--no-audit", "--no-fund"), null, NPM_CI_WAIT);
      if (r.exitCode != 0) {
        throw new IllegalStateException("npm ci in " + dir + " failed (exit " + r.exitCode
            + "); the npm registry must be reachable once. Missing: " + stale + "\n"
            + r.describe());
      }
    }
    installed = true;
  }

  /** The dependencies of package.json, each of which must be pinned to an exact version. */
  private static Map<String, String> pinnedDependencies(Path dir) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    JsonNode deps = readJson(dir.resolve("package.json")).path("dependencies");
    deps.fields().forEachRemaining(e -> {
      String v = e.getValue().asText("");
      if (!v.matches("\\d+\\.\\d+\\.\\d+")) {
        throw new IllegalStateException(dir.resolve("package.json") + " must pin an exact"
            + " version of " + e.getKey() + ", got " + v);
      }
      out.put(e.getKey(), v);
    });
    if (!out.containsKey("bullmq")) {
      throw new IllegalStateException(dir.resolve("package.json") + " must depend on bullmq");
    }
    return out;
  }

  private static String version(String tool) {
    try {
      Result r = run(Paths.get("."), List.of(tool, "--version"), null, Duration.ofSeconds(20));
      return r.exitCode == 0 ? r.stdout.trim() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Runs a helper to its end (at most {@link #DEFAULT_WAIT}). */
  static Result run(RedisServer redis, String script, String queue, Object settings) {
    return start(redis, script, queue, settings).await(DEFAULT_WAIT);
  }

  /** Runs a helper and returns its JSON output, failing with its stderr if it did not exit 0. */
  static JsonNode runJson(RedisServer redis, String script, String queue, Object settings) {
    return run(redis, script, queue, settings).json();
  }

  /** Starts a helper in the background. */
  static Running start(RedisServer redis, String script, String queue, Object settings) {
    ensureInstalled();
    List<String> cmd = new ArrayList<>(List.of("node", script, queue));
    if (settings != null) {
      String json = settings instanceof String ? (String) settings : toJson(settings);
      if (json.length() > MAX_INLINE_SETTINGS) {
        try {
          Path file = Files.createTempFile("interop-settings-", ".json");
          file.toFile().deleteOnExit();
          Files.writeString(file, json);
          json = "@" + file.toAbsolutePath();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the settings of " + script, e);
        }
      }
      cmd.add(json);
    }
    return Running.start(nodeDir(), cmd, redis);
  }

  static String toJson(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result run(Path dir, List<String> cmd, RedisServer redis, Duration wait) {
    return Running.start(dir, cmd, redis).await(wait);
  }

  /** A helper process in flight. */
  static final class Running {
    private final List<String> cmd;
    private final Process process;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();
    private final List<String> lines = new ArrayList<>();
    private final Thread outReader;
    private final Thread errReader;
    private final long startNanos = System.nanoTime();

    private Running(List<String> cmd, Process process) {
      this.cmd = cmd;
      this.process = process;
      this.outReader = drain(process.getInputStream(), out, true);
      this.errReader = drain(process.getErrorStream(), err, false);
    }

    static Running start(Path dir, List<String> cmd, RedisServer redis) {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (redis != null) {
        pb.environment().put("REDIS_HOST", redis.host());
        pb.environment().put("REDIS_PORT", Integer.toString(redis.port()));
      }
      try {
        return new Running(cmd, pb.start());
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + String.join(" ", cmd) + " in " + dir
            + ": " + e.getMessage(), e);
      }
    }

    private Thread drain(InputStream in, StringBuilder sink, boolean splitLines) {
      Thread t = new Thread(() -> {
        StringBuilder line = new StringBuilder();
        byte[] buf = new byte[8192];
        try {
          int n;
          while ((n = in.read(buf)) > 0) {
            String s = new String(buf, 0, n, StandardCharsets.UTF_8);
            synchronized (this) {
              sink.append(s);
              if (splitLines) {
                for (char c : s.toCharArray()) {
                  if (c == '\n') {
                    lines.add(line.toString());
                    line.setLength(0);
                  } else {
                    line.append(c);
                  }
                }
              }
              notifyAll();
            }
          }
        } catch (IOException e) {
          // the process is gone; what was read is kept
        }
      }, "node-output-" + cmd.get(1));
      t.setDaemon(true);
      t.start();
      return t;
    }

    /**
     * Waits until a stdout line matches (e.g. events.js's {"ready":true}).
     *
     * @throws AssertionError when the process ends or the time is up first
     */
    JsonNode awaitLine(Predicate<JsonNode> matches, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      int seen = 0;
      synchronized (this) {
        while (true) {
          for (; seen < lines.size(); seen++) {
            JsonNode n = parseOrNull(lines.get(seen));
            if (n != null && matches.test(n)) {
              return n;
            }
          }
          long left = deadline - System.nanoTime();
          if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
            throw new AssertionError("no matching line from " + String.join(" ", cmd)
                + (process.isAlive() ? " within " + timeout : " before it exited") + "\n"
                + describe(process.isAlive() ? null : process.exitValue()));
          }
          try {
            wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
          }
        }
      }
    }

    /** Waits for the exit (killing the process past {@code timeout}). */
    Result await(Duration timeout) {
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
        outReader.join(2000);
        errReader.join(2000);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + String.join(" ", cmd), e);
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      if (ms > 5000) {
        String line = String.join(" ", cmd);
        System.out.println("slow node helper (" + ms + " ms): "
            + (line.length() > 300 ? line.substring(0, 300) + "..." : line));
      }
      synchronized (this) {
        int code = exited ? process.exitValue() : -1;
        String note = exited ? "" : "killed after " + timeout + " (still running)\n";
        return new Result(cmd, code, out.toString(), note + err, new ArrayList<>(lines));
      }
    }

    /** Kills the process at once (cleanup after a failed test). */
    void kill() {
      process.destroyForcibly();
    }

    private synchronized String describe(Integer code) {
      return new Result(cmd, code == null ? -1 : code, out.toString(), err.toString(), lines)
          .describe();
    }
  }

  static JsonNode parseOrNull(String line) {
    String s = line.trim();
    if (!s.startsWith("{") && !s.startsWith("[")) {
      return null;
    }
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      return null;
    }
  }

  /** A finished helper: exit code and output. */
  static final class Result {
    final List<String> cmd;
    final int exitCode;
    final String stdout;
    final String stderr;
    final List<String> lines;

    Result(List<String> cmd, int exitCode, String stdout, String stderr, List<String> lines) {
      this.cmd = cmd;
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
      this.lines = lines;
    }

    /** The last JSON line of stdout; AssertionError (with stderr) unless the exit code is 0. */
    JsonNode json() {
      if (exitCode != 0) {
        throw new AssertionError(describe());
      }
      for (int i = lines.size() - 1; i >= 0; i--) {
        JsonNode n = parseOrNull(lines.get(i));
        if (n != null) {
          return n;
        }
      }
      throw new AssertionError("no JSON on stdout\n" + describe());
    }

    /** Every JSON line of stdout, in order (events.js). */
    List<JsonNode> jsonLines() {
      if (exitCode != 0) {
        throw new AssertionError(describe());
      }
      List<JsonNode> out = new ArrayList<>();
      for (String l : lines) {
        JsonNode n = parseOrNull(l);
        if (n != null) {
          out.add(n);
        }
      }
      return out;
    }

    String describe() {
      return String.join(" ", cmd) + " exited " + exitCode + "\n--- stderr ---\n" + tail(stderr)
          + "\n--- stdout ---\n" + tail(stdout);
    }

    private static String tail(String s) {
      return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
    }
  }
}
