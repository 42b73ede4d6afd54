package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobOptions;
import dev.bullpen.Queue;
import dev.bullpen.Worker;
import dev.bullpen.testing.RedisServer;
import dev.bullpen.testing.RedisTest;
import dev.bullpen.testing.TestNames;
import java.time.Duration;
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
 * The job page in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}; .ci/run installs them): it follows a job live over SSE, shows the
 * failure of a failed job, escapes what it shows, and falls back to smart polling.
 */
@RedisTest
class JobPageIT {
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
    server = BullpenServer.start(bullpen, ServerOptions.builder().host("127.0.0.1").port(0)
        .openMode(true)
        .build());
    q = TestNames.uniqueQueue("page");
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
    new WebDriverWait(browser, Duration.ofSeconds(15)).withMessage(what)
        .until(d -> condition.getAsBoolean());
  }

  @Test
  void followsAJobLiveFromWaitingToCompletedWithStagesAndLogs() throws Exception {
    String hostile = "<img src=x onerror=\"window.__owned=1\">render";
    Job<Object> job = bullpen.queue(q).add(hostile, Map.of("file", "intro.mp4"));
    browser.get(server.jobPageUrl(q, job.id()));
    waitUntil("waiting shown", () -> text("state").equals("waiting"));
    assertThat(text("job-name")).isEqualTo(hostile);
    assertThat(body("data-transport")).isEqualTo("sse");

    CountDownLatch[] steps = {new CountDownLatch(1), new CountDownLatch(1)};
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      j.log("analyzing <b>intro.mp4</b>");
      j.updateProgress(Map.of("stage", "TRANSCODING", "percent", 40));
      steps[0].await(10, TimeUnit.SECONDS);
      j.updateProgress(Map.of("stage", "THUMBNAILS", "percent", 90));
      steps[1].await(10, TimeUnit.SECONDS);
      return Map.of("url", "https://cdn.example/intro.webm");
    })) {
      waitUntil("active at 40 %", () -> text("state").equals("active")
          && text("stage").equals("TRANSCODING"));
      assertThat(text("percent")).isEqualTo("40%");
      assertThat(browser.findElement(By.id("progress")).getAttribute("aria-valuenow"))
          .isEqualTo("40");
      steps[0].countDown();
      waitUntil("thumbnails at 90 %", () -> text("stage").equals("THUMBNAILS"));
      assertThat(text("percent")).isEqualTo("90%");
      steps[1].countDown();
      waitUntil("completed", () -> text("state").equals("completed"));
    }
    assertThat(text("percent")).isEqualTo("100%");
    assertThat(text("result")).contains("https://cdn.example/intro.webm");
    assertThat(text("t-finished")).isNotEqualTo("–");
    waitUntil("stream ended", () -> "final".equals(body("data-transport")));
    waitUntil("log shown", () -> text("logs").contains("analyzing <b>intro.mp4</b>"));
    assertThat(browser.findElements(By.cssSelector("#logs b"))).as("log rows are text")
        .isEmpty();
    assertThat(browser.findElements(By.cssSelector("img"))).as("names are text").isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__owned"))
        .isNull();
  }

  @Test
  void showsTheErrorOfAFailedJob() {
    Queue<Object> queue = bullpen.queue(q);
    Job<Object> job = queue.add("render", 1, JobOptions.builder().attempts(1).build());
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      throw new IllegalStateException("codec <script>alert(1)</script> not supported");
    })) {
      browser.get(server.jobPageUrl(q, job.id()));
      waitUntil("failed shown", () -> text("state").equals("failed"));
    }
    assertThat(text("error")).isEqualTo("codec <script>alert(1)</script> not supported");
    assertThat(browser.findElement(By.id("error-box")).isDisplayed()).isTrue();
    assertThat(browser.findElement(By.id("result-box")).isDisplayed()).isFalse();
  }

  @Test
  void pollsSmartlyWhenTheStreamIsNotUsed() {
    Queue<Object> queue = bullpen.queue(q);
    Job<Object> waiting = queue.add("render", 1);
    browser.get(server.jobPageUrl(q, waiting.id()) + "?transport=poll");
    waitUntil("waiting shown", () -> text("state").equals("waiting"));
    waitUntil("polling", () -> "poll".equals(body("data-transport")));
    assertThat(body("data-next-poll-ms")).as("waiting: every 60 s").isEqualTo("60000");

    CountDownLatch hold = new CountDownLatch(1);
    Job<Object> active = queue.add("render", 2);
    try (Worker<Object> w = bullpen.worker(q, Object.class, j -> {
      if (j.id().equals(active.id())) {
        hold.await(10, TimeUnit.SECONDS);
      }
      return "ok";
    })) {
      waitUntil("second job active", () -> bullpen.queue(q).getState(active.id())
          == dev.bullpen.JobState.ACTIVE);
      browser.get(server.jobPageUrl(q, active.id()) + "?transport=poll");
      waitUntil("active shown", () -> text("state").equals("active"));
      assertThat(body("data-next-poll-ms")).as("active: every 15 s").isEqualTo("15000");
      hold.countDown();
      waitUntil("first job completed", () -> bullpen.queue(q).getState(waiting.id())
          == dev.bullpen.JobState.COMPLETED);
    }
    browser.get(server.jobPageUrl(q, waiting.id()) + "?transport=poll");
    waitUntil("completed shown", () -> text("state").equals("completed"));
    assertThat(body("data-transport")).as("finished: no more polls").isEqualTo("final");
    assertThat(body("data-next-poll-ms")).isNull();

    browser.get(server.jobPageUrl(q, "404") + "?transport=poll");
    waitUntil("missing job", () -> "not-found".equals(body("data-state")));
  }
}
