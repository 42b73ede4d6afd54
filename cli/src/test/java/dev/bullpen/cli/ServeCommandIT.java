package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bullpen.Bullpen;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bullpen serve} and the server the demo starts, driven in-process over HTTP. */
@RedisTest
class ServeCommandIT {
  private static final Pattern URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)");
  private final HttpClient http = HttpClient.newHttpClient();

  /** A command running in the background, with its output readable while it runs. */
  record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
    String baseUrl() {
      await().atMost(Duration.ofSeconds(30)).until(() -> URL.matcher(out.toString()).find()
          || exit.isDone());
      Matcher m = URL.matcher(out.toString());
      assertThat(m.find()).as(out + "\n" + err).isTrue();
      return m.group(1);
    }
  }

  private static Running start(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Running(CompletableFuture.supplyAsync(() -> cli.execute(args)), out, err);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void serveAnswersTheApiAndRunsWorkersFromTheClassPath(RedisServer redis) throws Exception {
    String q = TestNames.uniqueQueue("serve");
    String token = "serve-test-token-123";
    Running run = start("serve", "--redis", redis.uri(), "--host", "127.0.0.1", "--port", "0",
        "--token", token, "--worker", q + "=" + EchoHandler.class.getName() + ":2",
        "--exit-after", "5");
    String base = run.baseUrl();
    assertThat(run.out().toString()).contains("access: bearer tokens api-token:admin",
        "worker: queue " + q + ", " + EchoHandler.class.getName() + ", concurrency 2");

    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/health/ready"))).statusCode())
        .isEqualTo(200);
    HttpResponse<String> added = send(HttpRequest.newBuilder(URI.create(base + "/api/queues/"
        + q + "/jobs")).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"hi\",\"data\":{\"n\":1}}")));
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    String location = added.headers().firstValue("Location").orElseThrow();
    await().atMost(Duration.ofSeconds(10)).until(() -> send(HttpRequest.newBuilder(
        URI.create(base + location)).header("Authorization", "Bearer " + token)).body()
        .contains("\"state\":\"completed\""));
    Matcher signed = Pattern.compile("\"statusUrl\":\"([^\"]+)\"").matcher(added.body());
    assertThat(signed.find()).as(added.body()).isTrue();
    String statusUrl = signed.group(1);
    assertThat(send(HttpRequest.newBuilder(URI.create(base + statusUrl))).body())
        .as("the signed status link needs no role token")
        .contains("\"returnValue\":{\"echo\":{\"n\":1}}");
    assertThat(send(HttpRequest.newBuilder(URI.create(base + location))).statusCode())
        .isEqualTo(401);

    assertThat(run.exit().get(20, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
  }

  @Test
  void badWorkerSpecsAreUsageErrors(RedisServer redis) {
    CliRun notAHandler = CliRun.of("serve", "--redis", redis.uri(), "--port", "0",
        "--worker", "q=java.lang.String");
    assertThat(notAHandler.exitCode()).isEqualTo(Main.USAGE);
    assertThat(notAHandler.err()).contains("does not implement dev.bullpen.JobHandler");
    CliRun malformed = CliRun.of("serve", "--redis", redis.uri(), "--worker", "nonsense");
    assertThat(malformed.exitCode()).isEqualTo(Main.USAGE);
    assertThat(malformed.err()).contains("QUEUE=CLASS");
    CliRun shortToken = CliRun.of("serve", "--redis", redis.uri(), "--token", "short");
    assertThat(shortToken.exitCode()).isEqualTo(Main.USAGE);
    assertThat(shortToken.err()).contains("apiToken must be at least 16 characters");
  }

  @Test
  void serveRefusesToStartWithoutCredentialsOrWithOpenModeOffLoopback(RedisServer redis) {
    CliRun none = CliRun.of("serve", "--redis", redis.uri(), "--port", "0");
    assertThat(none.exitCode()).as(none.err()).isEqualTo(Main.USAGE);
    assertThat(none.err()).contains("refusing to start without credentials");
    CliRun wide = CliRun.of("serve", "--redis", redis.uri(), "--port", "0", "--open",
        "--host", "0.0.0.0");
    assertThat(wide.exitCode()).as(wide.err()).isEqualTo(Main.USAGE);
    assertThat(wide.err()).contains("loopback address only");
    CliRun badGrant = CliRun.of("serve", "--redis", redis.uri(), "--port", "0", "--grant",
        "ci:root:sha256:00");
    assertThat(badGrant.exitCode()).isEqualTo(Main.USAGE);
    assertThat(badGrant.err()).contains("viewer, operator or admin");
    CliRun badRate = CliRun.of("serve", "--redis", redis.uri(), "--port", "0", "--open",
        "--rate-limit", "lots");
    assertThat(badRate.exitCode()).isEqualTo(Main.USAGE);
    assertThat(badRate.err()).contains("--rate-limit must look like 50 or 50:200");
  }

  @Test
  void openModeListensOnLoopbackByItselfAndSaysSoLoudly(RedisServer redis) throws Exception {
    Running run = start("serve", "--redis", redis.uri(), "--port", "0", "--open",
        "--exit-after", "3");
    String base = run.baseUrl(); // open mode off loopback would have refused to start
    assertThat(run.out().toString()).contains("access: OPEN to anyone on this machine");
    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/queues"))).statusCode())
        .isEqualTo(200);
    assertThat(run.exit().get(20, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
  }

  @Test
  void aTokenMadeByTheTokenCommandOpensAServeStartedWithItsGrant(RedisServer redis)
      throws Exception {
    CliRun made = CliRun.of("token", "--name", "ci", "--role", "operator");
    assertThat(made.exitCode()).as(made.err()).isZero();
    Matcher t = Pattern.compile("token: (\\S+)").matcher(made.out());
    Matcher g = Pattern.compile("grant: (ci:operator:sha256:[0-9a-f]{64})").matcher(made.out());
    assertThat(t.find() && g.find()).as(made.out()).isTrue();
    String q = TestNames.uniqueQueue("serve-grant");
    Running run = start("serve", "--redis", redis.uri(), "--host", "127.0.0.1", "--port", "0",
        "--grant", g.group(1), "--exit-after", "5");
    String base = run.baseUrl();
    assertThat(run.out().toString()).contains("access: bearer tokens ci:operator");
    HttpRequest.Builder add = HttpRequest.newBuilder(URI.create(base + "/api/queues/" + q
        + "/jobs")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"hi\"}"));
    assertThat(send(add).statusCode()).isEqualTo(401);
    HttpResponse<String> added = send(add.header("Authorization", "Bearer " + t.group(1)));
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    assertThat(run.exit().get(20, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
  }

  @Test
  void demoStartsTheServerAndPrintsAJobPageThatAnswers(RedisServer redis) throws Exception {
    String prefix = TestNames.uniqueQueue("demo-web");
    Running run = start("demo", "--redis", redis.uri(), "--exit-after", "6", "--port", "0",
        "--queue-prefix", prefix, "--jobs", "4");
    await().atMost(Duration.ofSeconds(30)).until(() -> run.out().toString()
        .contains("watch a video being transcoded: "));
    Matcher page = Pattern.compile("watch a video being transcoded: (http://\\S+/jobs/"
        + Pattern.quote(prefix) + "-videos/(\\d+))").matcher(run.out().toString());
    assertThat(page.find()).as(run.out().toString()).isTrue();
    HttpResponse<String> html = send(HttpRequest.newBuilder(URI.create(page.group(1))));
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.body()).contains("/assets/job.js");
    String api = page.group(1).replace("/jobs/", "/api/queues/").replace("-videos/",
        "-videos/jobs/");
    await().atMost(Duration.ofSeconds(20)).until(() -> send(HttpRequest.newBuilder(
        URI.create(api))).body().contains("\"stage\":\"THUMBNAILS\""));
    assertThat(run.exit().get(30, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
    try (Bullpen bullpen = Bullpen.connect(redis.uri())) {
      assertThat(bullpen.queue(prefix + "-videos").getJobCounts().active()).isZero();
    }
  }
}
