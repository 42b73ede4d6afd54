package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Token configuration, startup checks and the audit line: no server needed. */
class ServerOptionsTest {
  private static final String HASH = ApiTokens.hash("some-token-of-sixteen+");

  @Test
  void tokensAreConfiguredByHashWithANameAndRole() {
    ServerOptions o = ServerOptions.builder().token("alice", Role.VIEWER, HASH)
        .tokens("ci:operator:" + ApiTokens.hash("x".repeat(20)) + " ops:ADMIN:"
            + ApiTokens.hash("y".repeat(20)).toUpperCase().replace("SHA256", "sha256"))
        .apiToken("z".repeat(20)).build();
    assertThat(o.tokenNames()).containsExactly("alice:viewer", "ci:operator", "ops:admin",
        "api-token:admin");
    assertThat(o.toString()).doesNotContain("z".repeat(20)).doesNotContain(HASH.substring(7));
    assertThat(o.toBuilder().build().tokenNames()).isEqualTo(o.tokenNames());
    assertThat(ApiTokens.hash("abc")).isEqualTo(
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(ApiTokens.generate()).hasSize(43).isNotEqualTo(ApiTokens.generate());
  }

  @Test
  void badTokenEntriesNameTheProblem() {
    ServerOptions.Builder b = ServerOptions.builder();
    assertThatThrownBy(() -> b.token("alice", Role.VIEWER, "md5:abc"))
        .hasMessageContaining("token alice: hash must be sha256:<64 hex digits>");
    assertThatThrownBy(() -> b.token("alice", Role.VIEWER, "sha256:" + "g".repeat(64)))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> b.token("a b", Role.VIEWER, HASH)).hasMessageContaining("name");
    assertThatThrownBy(() -> b.token("open", Role.VIEWER, HASH)).hasMessageContaining("reserved");
    assertThatThrownBy(() -> b.token("anon", Role.PUBLIC, HASH))
        .hasMessageContaining("viewer, operator or admin");
    assertThatThrownBy(() -> b.tokens("ci:root:" + HASH)).hasMessageContaining("got 'root'");
    assertThatThrownBy(() -> b.tokens("just-a-token")).hasMessageContaining("NAME:ROLE");
    b.token("alice", Role.VIEWER, HASH);
    assertThatThrownBy(() -> b.token("alice", Role.ADMIN, ApiTokens.hash("q".repeat(20))))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> b.token("bob", Role.ADMIN, HASH))
        .hasMessageContaining("same hash");
    assertThatThrownBy(() -> b.jobTokenSecret("too-short")).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> b.ipRateLimit(-1, 5)).hasMessageContaining("ipRateLimit");
    assertThatThrownBy(() -> b.tokenRateLimit(5, 0)).hasMessageContaining("burst");
    assertThatThrownBy(() -> b.maxLongPolls(0)).hasMessageContaining("maxLongPolls");
    assertThatThrownBy(() -> b.maxRequestHeaderBytes(100)).hasMessageContaining("1024");
    assertThatThrownBy(() -> b.maxJsonDepth(1)).hasMessageContaining("maxJsonDepth");
  }

  @Test
  void productionNeedsCredentialsAndOpenModeNeedsLoopback() {
    assertThatThrownBy(() -> BullpenServer.checkOptions(ServerOptions.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refusing to start without credentials");
    assertThatThrownBy(() -> BullpenServer.checkOptions(ServerOptions.builder()
        .openMode(true).build())).hasMessageContaining("loopback address only")
        .hasMessageContaining("0.0.0.0");
    assertThatThrownBy(() -> BullpenServer.checkOptions(ServerOptions.builder()
        .host("192.0.2.1").openMode(true).build())).hasMessageContaining("loopback");
    for (String host : new String[] {"127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"}) {
      BullpenServer.checkOptions(ServerOptions.builder().host(host).openMode(true).build());
    }
    BullpenServer.checkOptions(ServerOptions.builder().token("a", Role.VIEWER, HASH).build());
  }

  @Test
  void auditLinesCannotBeForged() {
    AuditEvent e = new AuditEvent(Instant.parse("2026-01-01T00:00:00Z"), "ci", "operator",
        "127.0.0.1", "POST", "/api/queues/a\nFAKE 200/jobs", 201);
    assertThat(e.toLogLine()).isEqualTo(
        "2026-01-01T00:00:00Z ci/operator 127.0.0.1 POST /api/queues/a%0AFAKE%20200/jobs 201");
  }
}
