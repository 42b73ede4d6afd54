package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Actions on operator and admin routes are audited with who, from where, what and the outcome,
 * whether allowed or refused; reads are not.
 */
@RedisTest
class AuditIT {
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private Bullpen bullpen;
  private BullpenServer server;
  private BullpenServer open;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, Secured.options().auditSink(events::add).build());
    open = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .openMode(true).auditSink(events::add).build());
    q = TestNames.uniqueQueue("audit");
  }

  @AfterEach
  void stop() {
    server.close();
    open.close();
    bullpen.close();
  }

  @Test
  void actionsAreAuditedWithWhoWhereWhatAndOutcome() {
    Http http = new Http(server.url());
    String jobs = "/api/queues/" + q + "/jobs";
    http.post(jobs, "{\"name\":\"a\"}", Secured.bearer(Secured.OPERATOR));
    http.get(jobs + "/1", Secured.bearer(Secured.OPERATOR));
    http.get("/api/queues/" + q, Secured.bearer(Secured.VIEWER));
    http.post(jobs, "{\"name\":\"b\"}", Secured.bearer(Secured.VIEWER));
    http.post(jobs, "{\"name\":\"c\"}");
    http.delete(jobs + "/1", Secured.bearer(Secured.ADMIN));
    http.post(jobs + "/1/retry", "", Secured.bearer(Secured.ADMIN));
    new Http(open.url()).post(jobs, "{\"nope\":1}");

    assertThat(events).extracting(e -> e.principal() + "/" + e.role() + " " + e.method() + " "
        + e.path() + " " + e.status()).containsExactly(
            "ci/operator POST " + jobs + " 201",
            "alice/viewer POST " + jobs + " 403",
            "anonymous/none POST " + jobs + " 401",
            "root/admin DELETE " + jobs + "/1 204",
            "root/admin POST " + jobs + "/1/retry 404",
            "open/admin POST " + jobs + " 400");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.clientIp()).isIn("127.0.0.1", "[0:0:0:0:0:0:0:1]", "0:0:0:0:0:0:0:1");
      assertThat(e.time()).isNotNull();
    });
  }
}
