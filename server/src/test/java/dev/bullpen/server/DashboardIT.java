package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import dev.bullpen.JobState;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium against a real server and Redis: the overview lists
 * queues with counts and follows new jobs live, a queue's job lists page and search, the actions
 * change Redis (pause/resume, retry, promote, remove, clean, retry-failed, dead-letter requeue),
 * job detail shows data, logs and stack trace, the Redis panel shows figures, and whatever a job
 * carries renders as text. Screenshots of the main pages go to {@code target/screenshots}.
 */
@RedisTest
class DashboardIT {
  private static final String TOKEN = "dashboard-it-token-0123456789";
  private static HeadlessChromium browser;
  private Bullpen bullpen;
  private BullpenServer server;
  private String q;

  @BeforeAll
  static void browser() {
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void start(RedisServer redis) {
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .apiToken(TOKEN).build());
    q = TestNames.uniqueQueue("dash");
  }

  @AfterEach
  void stop() {
    assertThat(browser.consoleErrors()).as("no script errors or CSP violations")
        .noneMatch(m -> m.contains("Uncaught") || m.contains("Content Security Policy")
            || m.contains("Refused to"));
    server.close();
    bullpen.close();
  }

  /** Opens a dashboard route and types the token into the token box, as an operator would. */
  private void open(String route) {
    openWithoutToken(route);
    browser.type("#token", TOKEN);
    browser.click("#token-save");
    browser.waitUntil("token in use", () -> "set".equals(browser.bodyData("token")));
  }

  private void openWithoutToken(String route) {
    browser.get(server.url() + "/dashboard#" + route);
    browser.waitUntil("dashboard started", () -> browser.bodyData("token") != null);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String row(String queue) {
    return "#queue-rows tr[data-queue=\"" + queue + "\"]";
  }

  private void confirm() {
    browser.waitUntil("confirm dialog open", () -> browser.find("#confirm").isDisplayed());
    browser.click("#confirm-ok");
  }

  private void awaitRedis(String what, java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(20)).until(condition);
  }

  /** Runs jobs to failure (attempts 1) with a log row and a stack trace; returns their ids. */
  private List<String> failedJobs(String queue, int n) throws Exception {
    Queue<Object> qu = bullpen.queue(queue);
    List<String> ids = IntStream.range(0, n).mapToObj(i -> qu.add("encode-" + i,
        Map.of("file", "clip-" + i + ".mp4"), JobOptions.builder().attempts(1).build()).id())
        .toList();
    try (Worker<Object> w = bullpen.worker(queue, Object.class, j -> {
      j.log("probing " + j.name());
      throw new IllegalStateException("codec missing for " + j.name());
    })) {
      awaitRedis("jobs failed", () -> qu.getJobCounts().failed() == n);
    }
    return ids;
  }

  @Test
  void servesTheShellUnderAStrictPolicyAndTheChartLibraryFromItsWebJar() {
    Http http = new Http(server.url());
    var page = http.get("/dashboard");
    assertThat(page.statusCode()).isEqualTo(200);
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertThat(csp).contains("script-src 'self'").contains("style-src 'self'")
        .doesNotContain("unsafe-inline").doesNotContain("http");
    String version = DashboardPage.uplotVersion();
    assertThat(page.body()).contains("/webjars/uplot/" + version + "/dist/uPlot.iife.min.js")
        .doesNotContain("{{").doesNotContain("<script>").doesNotContain(" style=");
    var lib = http.get("/webjars/uplot/" + version + "/dist/uPlot.iife.min.js");
    assertThat(lib.statusCode()).isEqualTo(200);
    assertThat(lib.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    assertThat(http.get("/assets/dashboard/app.js").statusCode()).isEqualTo(200);
    assertThat(http.get("/").body()).contains("href=\"/dashboard\"");
  }

  @Test
  void overviewShowsQueuesWithCountsAndFollowsNewJobsLive() {
    Queue<Object> a = bullpen.queue(q);
    for (int i = 0; i < 3; i++) {
      a.add("render", Map.of("i", i));
    }
    String other = q + "-other";
    Queue<Object> b = bullpen.queue(other);
    b.add("later", 1, JobOptions.builder().delay(Duration.ofHours(1)).build());
    b.pause();

    open("/?filter=" + enc(q));
    browser.waitUntil("queue listed with 3 waiting",
        () -> browser.text(row(q) + " td[data-count=waiting]").equals("3"));
    assertThat(browser.text(row(other) + " td[data-count=delayed]")).isEqualTo("1");
    assertThat(browser.text(row(other))).contains("paused");
    assertThat(browser.text(row(q))).contains("running");
    assertThat(browser.all("#queue-rows tr")).hasSize(2);
    assertThat(browser.exists(".chart[data-chart^='Throughput'] canvas")).isTrue();

    browser.script("window.__sameDocument = 42");
    a.add("render", Map.of("i", 3));
    a.add("render", Map.of("i", 4));
    browser.waitUntil("count updated live",
        () -> browser.text(row(q) + " td[data-count=waiting]").equals("5"));
    assertThat(browser.script("return window.__sameDocument")).as("no reload").isEqualTo(42L);
    browser.screenshot("overview");

    browser.click(row(q) + " a.queue-link");
    browser.waitUntil("queue view", () -> "queue".equals(browser.bodyData("view"))
        && browser.text("#queue-title").equals(q));
  }

  @Test
  void showsTheCoordinatorsHealthAlertsAndPerformance() throws Exception {
    Queue<Object> qu = bullpen.queue(q);
    qu.add("quick", 0);
    open("/?filter=" + enc(q));
    browser.waitUntil("listed", () -> browser.exists(row(q)));
    // The coordinator measures the jobs that finish once it watches the queue (from the page).
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> "ok")) {
      awaitRedis("one completed", () -> qu.getJobCounts().completed() == 1);
    }
    for (int i = 0; i < 60; i++) {
      qu.add("backed-up", i);
    }
    String alert = "#alerts li[data-rule=backlog][data-subject=\"" + q + "\"]";
    browser.waitUntil("backlog alert listed", () -> browser.exists(alert));
    String level = browser.text(alert + " .health");
    assertThat(level).isIn("warning", "critical");
    browser.waitUntil("row health follows", () -> browser.text(row(q) + " .health").equals(level));
    assertThat(browser.find("#leader").getAttribute("data-leader")).isEqualTo("true");

    browser.click(row(q) + " a.queue-link");
    browser.waitUntil("queue health", () -> browser.text("#queue-health").equals(level));
    browser.waitUntil("backlog figure", () -> browser.text("#perf-backlog").equals("60"));
    assertThat(browser.text("#queue-alerts")).contains("backlog");
    browser.waitUntil("processing measured",
        () -> browser.text("#perf-processing").matches("[0-9.]+ m?s / .*"));
  }

  @Test
  void pagesTheQueueList() {
    for (int i = 0; i < 30; i++) {
      bullpen.queue(q + "-" + (100 + i)).add("render", i);
    }
    open("/?filter=" + enc(q + "-1"));
    browser.waitUntil("first page", () -> browser.text("#queue-pager .range").equals("1–25 of 30"));
    assertThat(browser.all("#queue-rows tr")).hasSize(25);
    assertThat(browser.exists(row(q + "-100"))).isTrue();
    browser.click("#queue-pager .next");
    browser.waitUntil("second page", () -> browser.text("#queue-pager .range").equals("26–30 of 30"));
    assertThat(browser.all("#queue-rows tr")).hasSize(5);
    assertThat(browser.exists(row(q + "-129"))).isTrue();
    assertThat(browser.text(row(q + "-129") + " td[data-count=waiting]")).isEqualTo("1");
    assertThat(browser.script("return performance.getEntriesByType('resource')"
        + ".some((e) => e.name.includes('/api/admin/queues?start=25&end=49&search='))"))
        .as("the server pages and searches the list").isEqualTo(true);

    browser.type("#queue-filter", q.toUpperCase(java.util.Locale.ROOT) + "-12");
    browser.waitUntil("filtered on the server",
        () -> browser.text("#queue-pager .range").equals("1–10 of 10"));
    assertThat(browser.all("#queue-rows tr")).hasSize(10);
    assertThat(browser.text("#totals [data-total=queues] strong")).isEqualTo("10");
    browser.type("#queue-filter", q + "-nothing");
    browser.waitUntil("nothing matches",
        () -> browser.text("#queue-rows").equals("No queue matches the filter."));
  }

  @Test
  void refreshingStopsWhileTheTabIsHiddenAndResumesWhenShown() {
    bullpen.queue(q).add("render", 1);
    open("/?filter=" + enc(q));
    browser.waitUntil("refreshing", () -> Integer.parseInt(browser.bodyData("refreshes")) >= 2);
    browser.script("Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        + "document.dispatchEvent(new Event('visibilitychange'));");
    browser.waitUntil("paused", () -> browser.text("#live").contains("paused")
        && "false".equals(browser.bodyData("busy")));
    int before = Integer.parseInt(browser.bodyData("refreshes"));
    bullpen.queue(q).add("render", 2);
    Awaitility.await("no refresh while hidden").during(Duration.ofSeconds(7))
        .atMost(Duration.ofSeconds(10))
        .until(() -> Integer.parseInt(browser.bodyData("refreshes")) == before);
    assertThat(browser.text(row(q) + " td[data-count=waiting]")).isEqualTo("1");

    browser.script("Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
        + "document.dispatchEvent(new Event('visibilitychange'));");
    browser.waitUntil("refreshed at once when shown",
        () -> browser.text(row(q) + " td[data-count=waiting]").equals("2"));
  }

  @Test
  void queueJobListPagesAndSearchesByNameAndId() {
    Queue<Object> qu = bullpen.queue(q);
    List<String> ids = IntStream.range(0, 45).mapToObj(i -> qu.add("render-" + i, i).id())
        .toList();
    qu.add("needle-job", Map.of("find", "me"));

    open("/queues/" + enc(q) + "?state=waiting");
    browser.waitUntil("first page", () -> browser.text("#job-pager .range").equals("1–20 of 46"));
    assertThat(browser.all("#jobs tbody tr")).hasSize(20);
    assertThat(browser.text("[data-count=waiting]")).isEqualTo("46");

    browser.click("#job-pager .next");
    browser.waitUntil("second page", () -> browser.text("#job-pager .range").equals("21–40 of 46"));
    assertThat(browser.all("#jobs tbody tr")).hasSize(20);
    browser.click("#job-pager .next");
    browser.waitUntil("last page", () -> browser.text("#job-pager .range").equals("41–46 of 46"));
    assertThat(browser.all("#jobs tbody tr")).hasSize(6);
    browser.screenshot("queue");

    browser.type("#job-search", "needle");
    browser.waitUntil("found by name", () -> browser.all("#jobs tbody tr").size() == 1
        && browser.text("#jobs tbody tr .name").equals("needle-job"));

    String id = ids.get(7);
    browser.type("#job-search", id);
    browser.waitUntil("found by id", () -> browser.all("#jobs tbody tr").size() >= 1
        && browser.all("#jobs tbody tr[data-job-id=\"" + id + "\"]").size() == 1);

    browser.type("#job-search", "no-such-job-anywhere");
    browser.waitUntil("nothing found", () -> browser.exists("#no-jobs"));
  }

  @Test
  void pauseAndResumeNeedTheTokenAndChangeThePausedFlagInRedis() {
    bullpen.queue(q).add("render", 1);
    openWithoutToken("/queues/" + enc(q));
    browser.waitUntil("queue view", () -> browser.exists("#pause-toggle"));
    browser.click("#pause-toggle");
    browser.waitUntil("asks for the token", () -> browser.text("#banner").contains("token"));
    assertThat(bullpen.queue(q).isPaused()).as("nothing changed without the token").isFalse();

    browser.type("#token", TOKEN);
    browser.click("#token-save");
    browser.waitUntil("running shown", () -> "false".equals(
        browser.find("#queue-paused").getAttribute("data-paused")));
    browser.click("#pause-toggle");
    awaitRedis("paused in Redis", () -> bullpen.queue(q).isPaused());
    browser.waitUntil("paused shown", () -> "true".equals(
        browser.find("#queue-paused").getAttribute("data-paused"))
        && browser.text("#pause-toggle").equals("Resume"));

    browser.click("#pause-toggle");
    awaitRedis("resumed in Redis", () -> !bullpen.queue(q).isPaused());
    browser.waitUntil("running shown", () -> browser.text("#pause-toggle").equals("Pause"));
  }

  @Test
  void aViewerTokenReadsButItsActionsAreRefusedWithNothingChanged() {
    String viewer = "dashboard-it-viewer-0123456789";
    server.close();
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .apiToken(TOKEN).token("watcher", Role.VIEWER, ApiTokens.hash(viewer)).build());
    bullpen.queue(q).add("render", 1);
    openWithoutToken("/queues/" + enc(q));
    browser.type("#token", viewer);
    browser.click("#token-save");
    browser.waitUntil("reads work", () -> browser.text("[data-count=waiting]").equals("1"));
    browser.click("#pause-toggle");
    browser.waitUntil("refused", () -> browser.text("#banner").startsWith("Not allowed"));
    assertThat(bullpen.queue(q).isPaused()).isFalse();
  }

  @Test
  void jobDetailShowsDataLogsAndStackTraceAndRetriesAFailedJob() throws Exception {
    String id = failedJobs(q, 1).get(0);
    open("/queues/" + enc(q) + "/jobs/" + enc(id));
    browser.waitUntil("failed shown", () -> browser.text("#job-state").equals("failed"));
    assertThat(browser.text("#job-name")).isEqualTo("encode-0");
    assertThat(browser.text("#job-error")).contains("codec missing for encode-0");
    assertThat(browser.content("#job-stack")).contains("IllegalStateException");
    assertThat(browser.text("#job-data")).contains("clip-0.mp4");
    assertThat(browser.text("#job-opts")).contains("attempts");
    assertThat(browser.text("#job-logs")).contains("probing encode-0");
    assertThat(browser.text("#t-attempts")).isEqualTo("1");
    assertThat(browser.text("#t-finished")).isNotEqualTo("–");
    assertThat(browser.find("#job-promote").isDisplayed()).isFalse();
    browser.screenshot("job");

    browser.click("#job-retry");
    awaitRedis("retried", () -> bullpen.queue(q).getState(id) == JobState.WAITING);
    browser.waitUntil("waiting shown", () -> browser.text("#job-state").equals("waiting"));
    assertThat(browser.find("#job-retry").isDisplayed()).isFalse();
  }

  @Test
  void promotesADelayedJobAndRemovesAJobAfterConfirming() {
    Queue<Object> qu = bullpen.queue(q);
    Job<Object> delayed = qu.add("later", Map.of("n", 1),
        JobOptions.builder().delay(Duration.ofHours(2)).build());
    Job<Object> fromList = qu.add("later", Map.of("n", 2),
        JobOptions.builder().delay(Duration.ofHours(3)).build());
    open("/queues/" + enc(q) + "?state=delayed");
    browser.waitUntil("delayed listed", () -> browser.all("#jobs tbody tr").size() == 2);
    browser.click("#jobs tbody tr[data-job-id=\"" + fromList.id() + "\"] .row-promote");
    awaitRedis("promoted from the list", () -> qu.getState(fromList.id()) == JobState.WAITING);
    browser.waitUntil("list follows", () -> browser.all("#jobs tbody tr").size() == 1);

    browser.click("#jobs tbody tr a.job-link");
    browser.waitUntil("delayed shown", () -> browser.text("#job-state").equals("delayed"));
    browser.click("#job-promote");
    awaitRedis("promoted", () -> qu.getState(delayed.id()) == JobState.WAITING);
    browser.waitUntil("waiting shown", () -> browser.text("#job-state").equals("waiting"));

    browser.click("#job-remove");
    browser.waitUntil("confirm dialog open", () -> browser.find("#confirm").isDisplayed());
    assertThat(browser.text("#confirm-text")).contains(delayed.id());
    browser.click("#confirm-cancel");
    assertThat(qu.getJob(delayed.id())).as("cancel keeps the job").isPresent();

    browser.click("#job-remove");
    confirm();
    awaitRedis("removed", () -> qu.getJob(delayed.id()).isEmpty());
    browser.waitUntil("removal shown", () -> browser.exists("#job-missing"));
  }

  @Test
  void cleansRetriesFailedAndRequeuesDeadLetters() throws Exception {
    Queue<Object> qu = bullpen.queue(q);
    List<String> failed = failedJobs(q, 3);
    qu.add("quick", 1);
    qu.add("quick", 2);
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> "ok")) {
      awaitRedis("completed", () -> qu.getJobCounts().completed() == 2);
    }

    open("/queues/" + enc(q) + "?state=failed");
    browser.waitUntil("failed listed", () -> browser.all("#jobs tbody tr").size() == 3);
    assertThat(browser.text("#jobs")).contains("codec missing");

    browser.click(".tab[data-state='dead-letters']");
    browser.waitUntil("dead letters listed", () -> browser.all("#dead tbody tr").size() == 3);
    String first = browser.find("#dead tbody tr").getAttribute("data-job-id");
    assertThat(failed).contains(first);
    browser.click("#dead tbody tr .requeue");
    awaitRedis("requeued", () -> qu.getState(first) == JobState.WAITING);
    browser.waitUntil("two dead letters left", () -> browser.all("#dead tbody tr").size() == 2);

    browser.click("#retry-failed");
    confirm();
    awaitRedis("failed retried", () -> qu.getJobCounts().failed() == 0);
    browser.waitUntil("retried shown", () -> browser.text("#banner").contains("2 jobs"));

    new Select(browser.find("#clean-state")).selectByValue("completed");
    browser.type("#clean-age", "0");
    browser.click("#clean");
    confirm();
    awaitRedis("completed cleaned", () -> qu.getJobCounts().completed() == 0);
    browser.waitUntil("count shown", () -> browser.text("[data-count=completed]").equals("0"));
    assertThat(qu.getJobCounts().waiting()).as("clean leaves other states").isEqualTo(3);
  }

  @Test
  void requeuesEveryDeadLetterAfterConfirming() throws Exception {
    Queue<Object> qu = bullpen.queue(q);
    failedJobs(q, 2);
    open("/queues/" + enc(q) + "/dead-letters");
    browser.waitUntil("dead letters listed", () -> browser.all("#dead tbody tr").size() == 2);
    assertThat(browser.text("#dead")).contains("codec missing");
    assertThat(browser.text("#dead-total")).isEqualTo("2");
    browser.click("#requeue-all");
    confirm();
    awaitRedis("all requeued", () -> qu.getJobCounts().failed() == 0
        && qu.getJobCounts().waiting() == 2);
    browser.waitUntil("list emptied", () -> browser.exists("#no-dead"));
  }

  @Test
  void redisPanelShowsServerFiguresQueuesAndChart() {
    bullpen.queue(q).add("render", Map.of("size", "x".repeat(500)));
    // The monitor measures queues when it starts and then once a minute: start it now.
    server.close();
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .apiToken(TOKEN).build());
    open("/redis");
    browser.waitUntil("memory shown", () -> browser.text("[data-figure=memory] strong")
        .matches("[0-9.]+ (B|KiB|MiB|GiB)"));
    assertThat(browser.text("[data-figure=clients] strong")).matches("[0-9,]+");
    assertThat(browser.text("[data-figure=version] strong")).matches("[0-9]+\\..*");
    assertThat(browser.text("#redis-server")).contains("used memory");
    assertThat(browser.all("#redis-findings li[data-check]")).as("doctor findings").isNotEmpty();
    browser.waitUntil("queue measured", () -> browser.exists(
        "#redis-queue-table tr[data-queue=\"" + q + "\"]"));
    assertThat(browser.text("#redis-queue-table tr[data-queue=\"" + q + "\"]")).contains("B");
    assertThat(browser.exists(".chart[data-chart='Used memory'] canvas")).isTrue();
    browser.waitUntil("chart has a sample", () -> Integer.parseInt(
        browser.find(".chart[data-chart='Used memory']").getAttribute("data-points")) >= 1);
    browser.screenshot("redis");
  }

  @Test
  void whateverAJobCarriesRendersAsText() throws Exception {
    String hostileQueue = q + "-<img src=x onerror=window.__owned=4>";
    Queue<Object> qu = bullpen.queue(hostileQueue);
    String name = "<img src=x onerror=\"window.__owned=1\">";
    Job<Object> job = qu.add(name, Map.of("html",
        "<script>window.__owned=2</script><img src=y onerror=\"window.__owned=3\">"));

    open("/?filter=" + enc(q));
    browser.waitUntil("hostile queue listed as text",
        () -> browser.text("#queue-rows a.queue-link").equals(hostileQueue));
    browser.click("#queue-rows a.queue-link");
    browser.waitUntil("job listed", () -> browser.text("#jobs tbody tr .name").equals(name));
    browser.click("#jobs tbody tr a.job-link");
    browser.waitUntil("detail shown", () -> browser.text("#job-name").equals(name));
    assertThat(browser.text("#job-data")).contains("<script>window.__owned=2</script>");
    assertThat(browser.text("#job-queue")).isEqualTo(hostileQueue);
    assertThat(browser.all("#view img, #view script")).isEmpty();
    assertThat(browser.script("return window.__owned")).isNull();
    assertThat(qu.getJob(job.id())).isPresent();
  }
}
