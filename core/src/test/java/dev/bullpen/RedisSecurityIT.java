package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Redis authentication and TLS: an ACL user and password from the URI, {@code rediss://} to a
 * redis-server with TLS and a private CA made at test time (with openssl), and passwords kept
 * out of exception messages and logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSecurityIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PASSWORD = "Tr1cky@pass:word/42";
  private static final String PASSWORD_IN_URI = "Tr1cky%40pass%3Aword%2F42";
  private Path certs;
  private int tlsPort;
  private RedisServer redis;

  @BeforeAll
  void start() throws Exception {
    certs = Files.createTempDirectory("bullpen-tls-");
    makeCertificates(certs);
    try (ServerSocket s = new ServerSocket(0)) {
      tlsPort = s.getLocalPort();
    }
    redis = RedisServer.builder().arg("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", certs.resolve("server.crt").toString(),
        "--tls-key-file", certs.resolve("server.key").toString(),
        "--tls-ca-cert-file", certs.resolve("ca.crt").toString(),
        "--tls-auth-clients", "no").start();
    redis.command("ACL", "SETUSER", "app", "on", ">" + PASSWORD, "~*", "&*", "+@all");
  }

  @AfterAll
  void stop() throws IOException {
    if (redis != null) {
      redis.close();
    }
    try (var files = Files.walk(certs)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A CA and a server certificate for 127.0.0.1 signed by it, plus a PKCS#12 trust store. */
  private static void makeCertificates(Path dir) throws Exception {
    Files.writeString(dir.resolve("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
        "-out", "ca.crt", "-days", "2", "-subj", "/CN=Bullpen test CA");
    run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=127.0.0.1");
    run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "ext.cnf");
    run(dir, "keytool", "-importcert", "-noprompt", "-storetype", "PKCS12", "-alias", "ca",
        "-file", "ca.crt", "-keystore", "trust.p12", "-storepass", "changeit");
  }

  private static void run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }
  }

  private String tlsUri() {
    return "rediss://app:" + PASSWORD_IN_URI + "@127.0.0.1:" + tlsPort;
  }

  private static void assertNoPassword(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain(PASSWORD)
          .doesNotContain(PASSWORD_IN_URI).doesNotContain("Tr1cky");
      assertThat(c.toString()).doesNotContain("Tr1cky");
    }
  }

  /** Producer, worker and events reader over TLS as the ACL user. */
  private void exercise(Bullpen bp) {
    String name = TestNames.uniqueQueue("tls");
    Queue<Object> queue = bp.queue(name);
    List<String> events = new CopyOnWriteArrayList<>();
    bp.queueEvents(name).addListener(e -> events.add(e.event()));
    bp.worker(name, Object.class, j -> "done:" + j.id());
    Job<Object> job = queue.add("secure", Map.of("n", 1));
    await().atMost(WAIT).until(() -> queue.getState(job.id()) == JobState.COMPLETED);
    assertThat(queue.getJob(job.id()).orElseThrow().returnValueJson())
        .isEqualTo("\"done:" + job.id() + "\"");
    await().atMost(WAIT).until(() -> events.contains("completed"));
    // every connection of the client is the ACL user's, over the TLS port
    String clients = redis.command("CLIENT", "LIST");
    assertThat(clients.lines().filter(l -> l.contains("user=app")))
        .isNotEmpty().allSatisfy(l -> assertThat(l).contains(":" + tlsPort + " "));
    assertThat(clients.lines().filter(l -> l.contains("name=bull:")))
        .isNotEmpty().allSatisfy(l -> assertThat(l).contains("user=app"));
  }

  @Test
  void aclUserOverTlsWithAPrivateCaRunsProducerWorkerAndEvents() {
    try (Bullpen bp = Bullpen.builder().uri(tlsUri()).caCertificate(certs.resolve("ca.crt"))
        .build()) {
      exercise(bp);
    }
  }

  @Test
  void aTrustStoreWorksToo() {
    try (Bullpen bp = Bullpen.builder().uri(tlsUri())
        .trustStore(certs.resolve("trust.p12"), "changeit".toCharArray()).build()) {
      assertThat(bp.ping()).isPositive();
    }
  }

  @Test
  void anUntrustedCertificateIsRefusedWithoutShowingThePassword() {
    Throwable t = catchThrowable(() -> Bullpen.builder().uri(tlsUri())
        .commandTimeout(Duration.ofSeconds(3)).build().close());
    assertThat(t).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + tlsPort).hasMessageContaining("certif");
    assertNoPassword(t);
  }

  @Test
  void aWrongPasswordIsRefusedWithoutShowingIt() {
    Throwable t = catchThrowable(() -> Bullpen.connect("redis://app:Tr1cky-wrong@127.0.0.1:"
        + redis.port()).close());
    assertThat(t).isInstanceOf(BullpenException.class)
        .hasMessageContaining("127.0.0.1:" + redis.port()).hasMessageContaining("WRONGPASS");
    assertNoPassword(t);
  }

  @Test
  void connectionErrorsWithAPasswordUriDoNotShowIt() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Throwable t = catchThrowable(() -> Bullpen.connect("redis://app:" + PASSWORD_IN_URI
        + "@127.0.0.1:" + closed).close());
    assertThat(t).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + closed);
    assertNoPassword(t);
    for (String odd : new String[] {"@127.0.0.1:notaport", "@[::1", "@127.0.0.1:1/x?db=q"}) {
      Throwable bad = catchThrowable(() -> Bullpen.builder().uri("redis://app:"
          + PASSWORD_IN_URI + odd).commandTimeout(Duration.ofMillis(500)).build().close());
      assertThat(bad).isInstanceOf(RuntimeException.class);
      assertNoPassword(bad);
    }
  }

  @Test
  void logsDuringAnOutageDoNotShowThePassword() {
    try (RedisServer other = RedisServer.start()) {
      other.command("ACL", "SETUSER", "app", "on", ">" + PASSWORD, "~*", "&*", "+@all");
      String uri = "redis://app:" + PASSWORD_IN_URI + "@127.0.0.1:" + other.port();
      PrintStream err = System.err;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      try (Bullpen bp = Bullpen.builder().uri(uri)
          .dataLossCheckInterval(Duration.ofMillis(100)).build()) {
        String name = TestNames.uniqueQueue("logs");
        bp.worker(name, Object.class, j -> null);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        other.restart();
        other.command("ACL", "SETUSER", "app", "on", ">" + PASSWORD, "~*", "&*", "+@all");
        await().atMost(WAIT).until(bp::redisDataLost);
        await().atMost(WAIT).ignoreExceptions().until(() -> {
          bp.queue(name).add("after", Map.of());
          return true;
        });
      } finally {
        System.setErr(err);
      }
      String log = captured.toString(StandardCharsets.UTF_8);
      assertThat(log).contains("LOSS OF REDIS DATA at 127.0.0.1:" + other.port())
          .doesNotContain("Tr1cky");
    } catch (UncheckedIOException e) {
      throw e;
    }
  }
}
