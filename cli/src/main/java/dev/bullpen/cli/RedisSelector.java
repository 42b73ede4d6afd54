package dev.bullpen.cli;

import dev.bullpen.testing.RedisServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Chooses the demo's Redis (the "embedded default"), in this order:
 *
 * <ol>
 *   <li>a configured one: {@code --redis}, else {@code $BULLPEN_REDIS_URL};
 *   <li>the Redis answering PING on localhost:6379 (the demo only touches its own
 *       {@code demo-*} queues there and never flushes anything), unless
 *       {@code $BULLPEN_DEMO_SKIP_LOCAL} is set or a private server was asked for;
 *   <li>a private {@code redis-server} on a free port, from {@code $BULLPEN_REDIS_SERVER} or the
 *       PATH, removed on exit;
 *   <li>the redis-server shipped in the jar (Redis 6.2), removed on exit.
 * </ol>
 *
 * Everything that looks at the machine (environment, the 6379 probe, the binary lookup, starting
 * servers) is injected, so tests never depend on the machine's own Redis.
 */
final class RedisSelector {
  /** Set (to anything but "" or "0") to skip the Redis on localhost:6379. */
  static final String SKIP_LOCAL_ENV = "BULLPEN_DEMO_SKIP_LOCAL";
  static final int LOCAL_PORT = 6379;

  /** What the user asked for. */
  enum Mode {
    /** Configured, else localhost:6379, else private (installed, else embedded). */
    AUTO,
    /** A private server: the installed redis-server, else the embedded one. */
    PRIVATE,
    /** A private server from the binary in the jar, even when redis-server is installed. */
    EMBEDDED
  }

  /** Starts private servers; replaced in tests. */
  interface Starter {
    /** Starts {@code binary} on a free port. */
    SelectedRedis startInstalled(Path binary);

    /** Starts the binary shipped in the jar on a free port. */
    SelectedRedis startEmbedded();
  }

  private final UnaryOperator<String> env;
  private final BooleanSupplier localAnswers;
  private final Supplier<Optional<Path>> installedBinary;
  private final Starter starter;

  RedisSelector(UnaryOperator<String> env, BooleanSupplier localAnswers,
      Supplier<Optional<Path>> installedBinary, Starter starter) {
    this.env = env;
    this.localAnswers = localAnswers;
    this.installedBinary = installedBinary;
    this.starter = starter;
  }

  /** The selector that looks at this machine and starts real servers. */
  static RedisSelector forThisMachine() {
    return new RedisSelector(System::getenv,
        () -> LocalRedisProbe.answersPing("127.0.0.1", LOCAL_PORT, Duration.ofMillis(500)),
        () -> findInstalled(System::getenv), new RealStarter());
  }

  /**
   * Chooses and, for a private server, starts it.
   *
   * @param configured the URI from {@code --redis} or {@code $BULLPEN_REDIS_URL}, or null
   * @param mode what the user asked for; a configured URI wins over {@link Mode#AUTO} only
   */
  SelectedRedis select(String configured, Mode mode) {
    if (configured != null && mode == Mode.AUTO) {
      return new SelectedRedis(SelectedRedis.Kind.CONFIGURED, configured,
          RedisOption.redact(configured), "using Redis at " + RedisOption.redact(configured),
          () -> {});
    }
    String why;
    if (mode == Mode.EMBEDDED) {
      why = "--embedded-redis";
    } else if (mode == Mode.PRIVATE) {
      why = "--private-redis";
    } else if (isSet(env.apply(SKIP_LOCAL_ENV))) {
      why = "no Redis configured ($" + SKIP_LOCAL_ENV + " is set)";
    } else if (localAnswers.getAsBoolean()) {
      String uri = "redis://127.0.0.1:" + LOCAL_PORT;
      return new SelectedRedis(SelectedRedis.Kind.LOCAL, uri, uri + " (localhost)",
          "no Redis configured: using the Redis answering on localhost:" + LOCAL_PORT
              + " (only the demo's own queues are touched; nothing is flushed)", () -> {});
    } else {
      why = "no Redis configured and none on localhost:" + LOCAL_PORT;
    }
    Optional<Path> binary = mode == Mode.EMBEDDED ? Optional.empty() : installedBinary.get();
    SelectedRedis started;
    String what;
    if (binary.isPresent()) {
      started = starter.startInstalled(binary.get());
      what = "started a private redis-server (" + binary.get() + ")";
    } else {
      started = starter.startEmbedded();
      what = "started a private redis-server (Redis 6.2 shipped in the jar"
          + (mode == Mode.EMBEDDED ? "" : "; no redis-server installed") + ")";
    }
    return started.announcing(why + ": " + what + " on port " + port(started.uri())
        + ", it will be removed on exit");
  }

  /** {@code $BULLPEN_REDIS_SERVER}, else the first executable redis-server on the PATH. */
  static Optional<Path> findInstalled(UnaryOperator<String> env) {
    String explicit = env.apply(RedisServer.BINARY_ENV);
    if (explicit != null && !explicit.isBlank()) {
      Path p = Path.of(explicit.trim());
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = env.apply("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, "redis-server");
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** Deletes a directory and its files, best effort (it is a temp directory). */
  static void deleteTree(Path root) {
    if (root == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // left for the OS to clean up
    }
  }

  private static boolean isSet(String v) {
    return v != null && !v.isBlank() && !v.trim().equals("0");
  }

  private static String port(String uri) {
    return uri.substring(uri.lastIndexOf(':') + 1);
  }

  /** Starts real processes: {@link RedisServer} for an installed binary, else the jar's. */
  static final class RealStarter implements Starter {
    @Override
    public SelectedRedis startInstalled(Path binary) {
      Path dir = null;
      try {
        dir = Files.createTempDirectory("bullpen-redis-launch-");
        RedisServer server = RedisServer.builder().binary(OwnSession.wrap(binary, dir)).start();
        Path launchDir = dir;
        return new SelectedRedis(SelectedRedis.Kind.PRIVATE, server.uri(), server.uri()
            + " (private redis-server, now removed)", "", () -> {
              server.close();
              deleteTree(launchDir);
            });
      } catch (IOException | RuntimeException e) {
        deleteTree(dir);
        throw new CommandFailedException("could not start " + binary + ": " + e.getMessage()
            + "; pass --redis URI to use another Redis", e);
      }
    }

    @Override
    public SelectedRedis startEmbedded() {
      EmbeddedRedisServer server;
      try {
        server = EmbeddedRedisServer.start();
      } catch (IOException | RuntimeException e) {
        throw new CommandFailedException("no redis-server installed, and the one shipped in the"
            + " jar did not start (" + e.getMessage() + "); install redis-server or pass"
            + " --redis URI", e);
      }
      return new SelectedRedis(SelectedRedis.Kind.PRIVATE, server.uri(), server.uri()
          + " (private embedded Redis 6.2, now removed)", "", server::close);
    }
  }
}
