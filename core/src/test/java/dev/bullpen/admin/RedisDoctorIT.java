package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.TestNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The doctor's findings against real redis-servers, from unsafe to production-ready. */
class RedisDoctorIT {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private RedisServer server(String... args) {
    RedisServer s = RedisServer.builder().arg(args).start();
    toClose.add(s);
    return s;
  }

  private Bullpen connect(String uri) {
    Bullpen b = Bullpen.builder().uri(uri).tolerateEvictionPolicy(true).build();
    toClose.add(b);
    return b;
  }

  private static Map<String, Finding> byCheck(List<Finding> findings) {
    return findings.stream().collect(Collectors.toMap(Finding::check, Function.identity()));
  }

  @Test
  void aServerWithoutPasswordIsReported() {
    RedisServer redis = server();
    Map<String, Finding> f = byCheck(RedisDoctor.run(connect(redis.uri())));
    assertThat(f.get("auth").severity()).isEqualTo(HealthLevel.WARNING);
    assertThat(f.get("auth").message()).contains("no password");
    assertThat(f.get("auth").advice()).contains("docs/redis-acl.md");
    assertThat(f.get("dangerous-commands").severity()).isEqualTo(HealthLevel.WARNING);
    assertThat(f.get("dangerous-commands").message())
        .contains("FLUSHALL", "FLUSHDB", "CONFIG", "KEYS", "DEBUG");
    // the test server runs without AOF and without save points
    assertThat(f.get("persistence").severity()).isEqualTo(HealthLevel.WARNING);
    assertThat(f.get("version").severity()).isEqualTo(HealthLevel.EXCELLENT);
    assertThat(f.get("commands").severity()).isEqualTo(HealthLevel.EXCELLENT);
    assertThat(f.get("eviction-policy").severity()).isEqualTo(HealthLevel.EXCELLENT);
    assertThat(f).doesNotContainKey("evictions").doesNotContainKey("cluster-hash-tags");
  }

  @Test
  void evictionsAndAnEvictingPolicyAreCritical() {
    RedisServer redis = server("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru");
    for (int i = 0; i < 40; i++) {
      redis.command("SET", "fill:" + i, "x".repeat(100_000));
    }
    List<Finding> findings = RedisDoctor.run(connect(redis.uri()));
    Map<String, Finding> f = byCheck(findings);
    assertThat(f.get("evictions").severity()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(f.get("eviction-policy").severity()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(f.get("eviction-policy").advice()).contains("noeviction");
    assertThat(RedisDoctor.worst(findings)).isEqualTo(HealthLevel.CRITICAL);
  }

  @Test
  void aVolatilePolicyIsCriticalToo() {
    RedisServer redis = server("--maxmemory-policy", "volatile-lru");
    Map<String, Finding> f = byCheck(RedisDoctor.run(connect(redis.uri())));
    assertThat(f.get("eviction-policy").severity()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(f.get("eviction-policy").message()).contains("job locks");
  }

  @Test
  void aRenamedCommandIsCritical() {
    RedisServer redis = server("--rename-command", "XTRIM", "");
    Map<String, Finding> f = byCheck(RedisDoctor.run(connect(redis.uri())));
    assertThat(f.get("commands").severity()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(f.get("commands").message()).contains("XTRIM").doesNotContain("XADD");
  }

  @Test
  void anAclUserWithoutDangerousCommandsWithAofAndNoevictionIsHealthy() {
    RedisServer redis = server("--appendonly", "yes", "--maxmemory-policy", "noeviction");
    redis.command("ACL", "SETUSER", "bullpen", "on", ">s3cret", "~*", "&*", "+@all",
        "-@dangerous", "+info", "+acl|dryrun");
    redis.command("CONFIG", "SET", "requirepass", "adm1n");
    Bullpen bp = connect("redis://bullpen:s3cret@127.0.0.1:" + redis.port());
    String queue = TestNames.uniqueQueue("healthy");
    // the ACL the doctor advises is enough for Bullpen: a job goes through a worker
    bp.worker(queue, Map.class, job -> "done");
    bp.queue(queue).add("j", Map.of("n", 1));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        bp.queue(queue).getJobCounts().completed() == 1);

    List<Finding> findings = RedisDoctor.run(bp);
    assertThat(findings).filteredOn(Finding::isProblem).isEmpty();
    Map<String, Finding> f = byCheck(findings);
    assertThat(f.get("auth").severity()).isEqualTo(HealthLevel.EXCELLENT);
    assertThat(f.get("auth").message()).contains("bullpen");
    assertThat(f.get("dangerous-commands").severity()).isEqualTo(HealthLevel.EXCELLENT);
    assertThat(f.get("persistence").severity()).isEqualTo(HealthLevel.EXCELLENT);

    RedisReport report = RedisMonitor.builder(bp).build().report();
    assertThat(report.alerts()).isEmpty();
    assertThat(report.findings()).filteredOn(Finding::isProblem).isEmpty();
    assertThat(report.queues()).extracting(QueueRedisFigures::queue).contains(queue);
    assertThat(report.health()).isEqualTo(HealthLevel.EXCELLENT);
  }

  @Test
  void aUserThatMayNotRunAclDryrunIsReportedAsNotVerified() {
    RedisServer redis = server();
    redis.command("ACL", "SETUSER", "plain", "on", ">pw", "~*", "&*", "+@all", "-@dangerous",
        "+info");
    Bullpen bp = connect("redis://plain:pw@127.0.0.1:" + redis.port());
    Map<String, Finding> f = byCheck(RedisDoctor.run(bp));
    assertThat(f.get("dangerous-commands").severity()).isEqualTo(HealthLevel.GOOD);
    assertThat(f.get("dangerous-commands").message()).contains("could not verify");
    // AOF is off and CONFIG is not permitted: the schedule cannot be read
    assertThat(f.get("persistence").severity()).isEqualTo(HealthLevel.GOOD);
    assertThat(f.get("persistence").message()).contains("could not be read");
  }

  @Test
  void anUnreachableServerIsOneCriticalFinding() {
    RedisServer redis = server();
    Bullpen bp = Bullpen.builder().uri(redis.uri()).commandTimeout(Duration.ofMillis(200))
        .build();
    toClose.add(bp);
    redis.pause();
    try {
      List<Finding> findings = RedisDoctor.run(bp, List.of());
      assertThat(findings).extracting(Finding::check).containsExactly("connection");
      assertThat(findings.get(0).severity()).isEqualTo(HealthLevel.CRITICAL);
    } finally {
      redis.resume();
    }
  }

  /** The rule from docs/redis-acl.md, with the password and the extra commands given. */
  static String[] documentedRule(String password, String... extra) throws IOException {
    Path doc = Paths.get("").toAbsolutePath().getParent().resolve("docs/redis-acl.md");
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("ACL SETUSER bullpen ")) {
        List<String> args = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
        args.replaceAll(a -> a.equals(">CHANGE-ME") ? ">" + password : a);
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
      }
    }
    throw new AssertionError("no 'ACL SETUSER bullpen' line in " + doc);
  }

  @Test
  void theDocumentedLeastPrivilegeUserWithTheMonitorsCommandsIsHealthy() throws Exception {
    RedisServer redis = server("--appendonly", "yes");
    redis.command(documentedRule("pw", "+memory|usage", "+xlen", "+command|info",
        "+acl|whoami", "+acl|dryrun"));
    redis.command("CONFIG", "SET", "requirepass", "adm1n");
    Bullpen bp = connect("redis://bullpen:pw@127.0.0.1:" + redis.port());
    String queue = TestNames.uniqueQueue("least");
    bp.queue(queue).add("j", Map.of("n", 1));

    RedisReport report = RedisMonitor.create(bp).report();
    assertThat(report.findings()).filteredOn(Finding::isProblem).isEmpty();
    assertThat(byCheck(report.findings()).get("dangerous-commands").severity())
        .isEqualTo(HealthLevel.EXCELLENT);
    assertThat(report.alerts()).isEmpty();
    QueueRedisFigures q = report.queues().stream().filter(x -> x.queue().equals(queue))
        .findFirst().orElseThrow();
    assertThat(q.memoryBytes()).isPositive();
    assertThat(q.eventsLength()).isEqualTo(2);
  }
}
