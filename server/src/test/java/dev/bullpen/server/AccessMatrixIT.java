package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import io.javalin.http.HandlerType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Walks every route the server declares ({@link BullpenServer#routes()}, so routes added later
 * are covered too) with no credentials, a wrong token, a job token, each role's token, and in
 * open mode, and checks who gets in: 401 without credentials, 403 with too low a role, and
 * never a refusal for a caller the route's role allows. Every route but GET refuses requests
 * from another site's pages (CSRF), even with an admin token.
 */
@RedisTest
class AccessMatrixIT {
  private static final String JOB = "no-such-job";
  private Bullpen bullpen;
  private BullpenServer secured;
  private BullpenServer open;
  private String q;

  @BeforeEach
  void start(RedisServer redis) {
    bullpen = Bullpen.connect(redis.uri());
    secured = BullpenServer.start(bullpen, Secured.options().build());
    open = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .openMode(true).build());
    q = TestNames.uniqueQueue("matrix");
  }

  @AfterEach
  void stop() {
    secured.close();
    open.close();
    bullpen.close();
  }

  private String path(RouteTable.Route r) {
    return r.path().replace("{queue}", q).replace("{id}", JOB).replaceAll("\\{[^}]+}", "x");
  }

  private static HttpResponse<String> call(Http http, RouteTable.Route r, String path,
      String... headers) {
    HttpRequest.Builder b = http.request(path, headers).timeout(Duration.ofSeconds(20));
    if (r.method() == HandlerType.GET) {
      b.GET();
    } else {
      b.header("Content-Type", "application/json")
          .method(r.method().name(), HttpRequest.BodyPublishers.ofString("{}"));
    }
    return http.send(b.build());
  }

  private static void assertRefused(HttpResponse<String> res, int status, String what) {
    assertThat(res.statusCode()).as(what + ": " + res.body()).isEqualTo(status);
    JsonNode body = Http.json(res);
    assertThat(body.get("error").asText()).isEqualTo(status == 401 ? "unauthorized"
        : "forbidden");
    assertThat(body.get("message").asText()).isNotBlank();
    if (status == 401) {
      assertThat(res.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }
  }

  private static void assertAllowed(HttpResponse<String> res, String what) {
    assertThat(res.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
    assertThat(res.headers().firstValue("Content-Security-Policy")).as(what).isPresent();
    assertThat(res.statusCode()).as(what + ": " + res.body()).isNotIn(401, 403, 429)
        .isLessThan(500);
  }

  @Test
  void everyRouteAnswersEachRoleAsItsDeclaredRoleSays() {
    List<RouteTable.Route> routes = secured.routes();
    assertThat(routes).hasSizeGreaterThan(10);
    Http s = new Http(secured.url());
    Http o = new Http(open.url());
    String jobToken = secured.jobTokens().mint(q, JOB, Duration.ofMinutes(5));
    List<String> checked = new ArrayList<>();
    for (RouteTable.Route r : routes) {
      String p = path(r);
      String what = r.method() + " " + r.path() + " (" + r.role() + ")";
      boolean anonymous = r.role() == Role.ANONYMOUS;

      HttpResponse<String> none = call(s, r, p);
      if (anonymous) {
        assertAllowed(none, what + " without credentials");
      } else {
        assertRefused(none, 401, what + " without credentials");
      }
      assertRefused(call(s, r, p, Secured.bearer("not-a-token-of-this-server")), 401,
          what + " with a wrong token");

      String withJobToken = p + (p.contains("?") ? "&" : "?") + "token=" + jobToken;
      boolean jobScoped = r.path().contains("{queue}") && r.path().contains("{id}");
      HttpResponse<String> job = call(s, r, withJobToken);
      if (anonymous || (r.role() == Role.PUBLIC && jobScoped)) {
        assertAllowed(job, what + " with the job's token");
      } else {
        assertRefused(job, 401, what + " with a job token");
      }

      for (Role role : List.of(Role.VIEWER, Role.OPERATOR, Role.ADMIN)) {
        String token = role == Role.VIEWER ? Secured.VIEWER
            : role == Role.OPERATOR ? Secured.OPERATOR : Secured.ADMIN;
        HttpResponse<String> res = call(s, r, p, Secured.bearer(token));
        if (role.allows(r.role())) {
          assertAllowed(res, what + " as " + role);
        } else {
          assertRefused(res, 403, what + " as " + role);
          assertThat(Http.json(res).get("message").asText()).contains(role.word(),
              r.role().word());
        }
      }

      assertAllowed(call(o, r, p), what + " in open mode");
      if (r.method() != HandlerType.GET) {
        HttpResponse<String> csrf = call(o, r, p, "Origin", "https://evil.example");
        assertRefused(csrf, 403, what + " from another site's page");
        assertThat(Http.json(csrf).get("message").asText()).contains("another site");
        assertRefused(call(s, r, p, "Authorization", "Bearer " + Secured.ADMIN,
            "Sec-Fetch-Site", "cross-site"), 403, what + " cross-site with a token");
        assertAllowed(call(s, r, p, "Authorization", "Bearer " + Secured.ADMIN, "Origin",
            secured.url()), what + " from this server's page");
      }
      checked.add(what);
    }
    assertThat(checked).hasSameSizeAs(routes);
  }

  @Test
  void aJobTokenOpensOnlyItsOwnJob() {
    Http s = new Http(secured.url());
    String token = secured.jobTokens().mint(q, "7", Duration.ofMinutes(5));
    String status = "/api/queues/" + q + "/jobs/";
    assertThat(s.get(status + "7?token=" + token).statusCode()).as("its job: allowed, absent")
        .isEqualTo(404);
    assertRefused(s.get(status + "8?token=" + token), 401, "another id");
    assertRefused(s.get("/api/queues/" + q + "-other/jobs/7?token=" + token), 401,
        "another queue");
    assertRefused(s.get("/api/queues/" + q + "?token=" + token), 401, "the queue");
    assertRefused(s.get(status + "7?token=" + token.substring(0, token.length() - 2) + "AA"),
        401, "a tampered token");
  }
}
