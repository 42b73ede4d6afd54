package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import dev.bullpen.Worker;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The job page of a production server (tokens, no open mode) in headless Chromium, opened by an
 * end user's signed link: it reaches its job live with the link's token (the stream through a
 * short-lived URL, polls with the token), and script payloads in the job's name, progress, logs,
 * failure and result show as text: no element is made from them and no script runs.
 */
@RedisTest
class JobPageSecurityIT {
  private static final List<String> PAYLOADS = List.of(
      "<script>window.__owned='script'</script>",
      "<img src=x onerror=\"window.__owned='img'\">",
      "\"'><svg onload=\"window.__owned='svg'\">");
  private static final String ALL = String.join(" ", PAYLOADS);
  private static WebDriver browser;
  private Bullpen bullpen;
  private BullpenServer server;
  private String q;

  @BeforeAll
  static void browser() {
    browser = HeadlessChromium.start().driver;
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void start(RedisServer redis) {
    bullpen = Bullpen.connect(redis.uri());
    server = BullpenServer.start(bullpen, Secured.options().build());
    q = TestNames.uniqueQueue("xss");
  }

  @AfterEach
  void stop() {
    server.close();
    bullpen.close();
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private String body(String attribute) {
    return browser.findElement(By.tagName("body")).getAttribute(attribute);
  }

  private void waitUntil(String what, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(what)
        .until(d -> condition.getAsBoolean());
  }

  private void assertNothingRan() {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    assertThat(js.executeScript("return window.__owned === undefined")).isEqualTo(true);
    assertThat(js.executeScript("return document.querySelectorAll('body script, body img,"
        + " body svg, body iframe, [onerror], [onload]').length")).isEqualTo(0L);
  }

  @Test
  void aSignedLinkFollowsTheJobLiveAndPayloadsStayText() {
    Job<Object> job = bullpen.queue(q).add(ALL, Map.of("html", ALL),
        JobOptions.builder().attempts(1).build());
    browser.get(server.signedJobUrl(q, job.id(), Duration.ofMinutes(10)));
    waitUntil("waiting shown", () -> text("state").equals("waiting"));
    assertThat(body("data-transport")).as("live over the signed stream URL").isEqualTo("sse");
    assertThat(text("job-name")).isEqualTo(ALL);

    CountDownLatch shown = new CountDownLatch(1);
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      j.log(PAYLOADS.get(0));
      j.log(PAYLOADS.get(1));
      j.updateProgress(Map.of("html", ALL));
      shown.await(15, TimeUnit.SECONDS);
      throw new IllegalStateException(ALL);
    })) {
      waitUntil("raw progress shown", () -> text("progress-raw").contains("onerror"));
      assertThat(text("progress-raw")).contains(PAYLOADS.get(1).replace("\"", "\\\""));
      assertNothingRan();
      shown.countDown();
      waitUntil("failed shown", () -> text("state").equals("failed"));
    }
    assertThat(text("error")).isEqualTo(ALL);
    waitUntil("logs shown", () -> text("logs").contains("onerror"));
    assertThat(text("logs")).contains(PAYLOADS.get(0), PAYLOADS.get(1));
    waitUntil("stream ended", () -> "final".equals(body("data-transport")));
    assertNothingRan();
  }

  @Test
  void pollingCarriesTheTokenAndResultsStayText() throws Exception {
    Job<Object> job = bullpen.queue(q).add("render", Map.of());
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> Map.of("html", ALL))) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
          bullpen.queue(q).getState(job.id()) == dev.bullpen.JobState.COMPLETED);
    }
    browser.get(server.signedJobUrl(q, job.id(), Duration.ofMinutes(10)) + "&transport=poll");
    waitUntil("completed shown", () -> text("state").equals("completed"));
    assertThat(text("result")).contains(PAYLOADS.get(0), "onerror", "onload");
    assertNothingRan();

    browser.get(server.signedJobUrl(q, "999", Duration.ofMinutes(10)).replace("/999?",
        "/" + job.id() + "?") + "&transport=poll");
    assertThat(browser.getPageSource()).as("a token for another job opens nothing")
        .contains("unauthorized");
  }
}
