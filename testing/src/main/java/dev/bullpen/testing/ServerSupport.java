package dev.bullpen.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Process, port and file helpers for {@link RedisServer}. */
final class ServerSupport {

    static final String HOST = "127.0.0.1";
    static final int FORBIDDEN_PORT = 6379;
    static final String INSTALL_HINT = "install redis-server (apt-get install redis-server)";

    private static final Path FALLBACK_BINARY = Path.of("/usr/bin/redis-server");
    private static final Map<Path, Integer> MAJOR_VERSIONS = new ConcurrentHashMap<>();

    private ServerSupport() {
    }

    /** $BULLPEN_REDIS_SERVER, else redis-server on the PATH, else /usr/bin/redis-server. */
    static Path defaultBinary() {
        String env = System.getenv(RedisServer.BINARY_ENV);
        if (env != null && !env.isBlank()) {
            return checkExecutable(Path.of(env), RedisServer.BINARY_ENV + "=" + env);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    Path candidate = Path.of(entry, "redis-server");
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
        }
        return checkExecutable(FALLBACK_BINARY, "no redis-server on the PATH, and " + FALLBACK_BINARY);
    }

    static Path checkExecutable(Path binary, String what) {
        if (Files.isRegularFile(binary) && Files.isExecutable(binary)) {
            return binary;
        }
        throw new IllegalStateException(what + " is not an executable redis-server: " + INSTALL_HINT
                + ", or set " + RedisServer.BINARY_ENV);
    }

    /** The major version from {@code redis-server --version}, or 0 if unknown; cached per binary. */
    static int majorVersion(Path binary) {
        return MAJOR_VERSIONS.computeIfAbsent(binary, b -> {
            try {
                Process p = new ProcessBuilder(b.toString(), "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(5, TimeUnit.SECONDS);
                Matcher m = Pattern.compile("v=(\\d+)\\.").matcher(out);
                return m.find() ? Integer.parseInt(m.group(1)) : 0;
            } catch (IOException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        });
    }

    /** A currently free loopback port, never 6379. */
    static int freePort() {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int p = socket.getLocalPort();
                if (p != FORBIDDEN_PORT) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free loopback port", e);
            }
        }
        throw new IllegalStateException("cannot find a free loopback port");
    }

    /**
     * A free loopback port for a Cluster node: at most 55535, with the cluster bus port (port +
     * 10000) free too.
     */
    static int freeClusterPort() {
        for (int i = 0; i < 200; i++) {
            int p = freePort();
            if (p <= 55535) {
                try {
                    new ServerSocket(p + 10000, 1, InetAddress.getByName(HOST)).close();
                    return p;
                } catch (IOException busy) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("cannot find a free loopback port pair for a cluster node");
    }

    /** Sends a signal by name (STOP, CONT, ...) with the {@code kill} command. */
    static void signal(long pid, String name) {
        try {
            Process k = new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                    .redirectErrorStream(true).start();
            String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (k.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + name, e);
        }
    }

    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The last 30 lines written to a file since an offset, with a header; empty if none. */
    static String tail(Path file, long from) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            byte[] all = Files.readAllBytes(file);
            int start = (int) Math.min(from, all.length);
            String text = new String(all, start, all.length - start, StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            List<String> last = lines.subList(Math.max(0, lines.size() - 30), lines.size());
            return last.isEmpty() ? "" : "[" + file.getFileName() + "]\n" + String.join("\n", last) + "\n";
        } catch (IOException e) {
            return "[" + file.getFileName() + " unreadable: " + e + "]\n";
        }
    }

    static void waitFor(Process p, Duration timeout) {
        try {
            p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Deletes a directory tree, best effort. */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    /** Polls {@code condition} every 50 ms until it holds; exceptions count as "not yet". */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // a node is starting, stopping or busy
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting until "
                        + what);
            }
            sleep(50);
        }
    }

    /** The first line of ROLE ("master", "slave", "sentinel"), or "" when the node does not answer. */
    static String role(RedisServer node) {
        try {
            return node.command(Duration.ofSeconds(1), "ROLE").lines().findFirst().orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }
}
