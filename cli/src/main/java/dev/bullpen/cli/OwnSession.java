package dev.bullpen.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Runs a private redis-server in a session of its own, so that Ctrl-C in the terminal reaches
 * only the bullpen process and not its Redis: the terminal sends SIGINT to its whole foreground
 * process group, children included, and Redis would shut down at once, under the workers that
 * are still handing their jobs back. The demo stops that Redis itself once it is done.
 *
 * <p>Java cannot start a child in a new session, so the child is a two-line shell script that
 * execs {@code setsid redis-server ...}: the pid stays the same all along (the script is not a
 * process-group leader, so setsid does not fork), which the callers rely on to stop the server.
 * Where {@code setsid} is missing the binary is used as it is, and Ctrl-C stops Redis too.
 */
final class OwnSession {
  private OwnSession() {}

  /**
   * A script named {@code redis-server} in {@code dir} that runs {@code binary} through setsid
   * with the arguments it is given, or {@code binary} itself when setsid is not installed.
   */
  static Path wrap(Path binary, Path dir) throws IOException {
    Optional<Path> setsid = setsid();
    if (setsid.isEmpty()) {
      return binary;
    }
    Path script = dir.resolve("redis-server");
    String text = "#!/bin/sh\n"
        + "# started by bullpen: redis-server in its own session (see OwnSession.java)\n"
        + "exec " + quote(setsid.get()) + " " + quote(binary.toAbsolutePath()) + " \"$@\"\n";
    try {
      Files.writeString(script, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException notPosix) {
      return binary;
    }
    return script;
  }

  private static Optional<Path> setsid() {
    String path = System.getenv("PATH");
    String dirs = (path == null ? "" : path) + File.pathSeparator + "/usr/bin:/bin";
    for (String dir : dirs.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, "setsid");
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  private static String quote(Path p) {
    return "'" + p.toString().replace("'", "'\\''") + "'";
  }
}
