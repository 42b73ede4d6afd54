package dev.bullpen.cli;

import dev.bullpen.Job;
import dev.bullpen.JobCounts;
import dev.bullpen.JobOptions;
import dev.bullpen.WorkerListener;
import dev.bullpen.event.QueueEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prints what happens in the demo, one line per thing, as it happens: jobs added, started,
 * progressing (read back from the queue's events stream), completed, retried and failed; then
 * the summary. Also keeps this run's tallies.
 *
 * <p>Called from worker threads and events readers at once: every line is printed whole.
 */
final class DemoPrinter implements WorkerListener<Video> {
  private final PrintWriter out;
  private final long start = System.nanoTime();
  /** "queue/id" to "name file", so progress events (which carry only the id) read well. */
  private final Map<String, String> labels = new ConcurrentHashMap<>();
  final AtomicInteger added = new AtomicInteger();
  final AtomicInteger completed = new AtomicInteger();
  final AtomicInteger retried = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();

  DemoPrinter(PrintWriter out) {
    this.out = out;
  }

  /** A line that is not about one job. */
  void note(String text) {
    line(String.format("%7s  %s", elapsed(), text));
  }

  void added(Job<Video> job, JobOptions opts) {
    added.incrementAndGet();
    remember(job);
    List<String> notes = new ArrayList<>();
    if (!opts.delay().isZero()) {
      notes.add("delay " + seconds(opts.delay()));
    }
    if (opts.priority() > 0) {
      notes.add("priority " + opts.priority());
    }
    if (opts.attempts() > 1) {
      notes.add("attempts " + opts.attempts()
          + (opts.backoff() == null ? "" : ", backoff " + seconds(opts.backoff().delay())));
    }
    job(job.queueName(), job.id(), "added" + (notes.isEmpty() ? "" : " (" + String.join(", ",
        notes) + ")"));
  }

  @Override
  public void onActive(Job<Video> job) {
    remember(job);
    int attempt = job.attemptsMade() + 1;
    job(job.queueName(), job.id(), attempt > 1 ? "started, attempt " + attempt + " of "
        + attempts(job) : "started");
  }

  @Override
  public void onCompleted(Job<Video> job, Object result) {
    completed.incrementAndGet();
    Instant began = job.processedOn();
    String took = began == null ? "" : " in " + seconds(Duration.between(began, Instant.now()));
    job(job.queueName(), job.id(), "completed" + took + (result == null ? "" : " -> " + result));
  }

  @Override
  public void onFailed(Job<Video> job, Throwable error, boolean retrying) {
    String why = error.getMessage() == null ? error.getClass().getSimpleName()
        : error.getMessage();
    int attempt = job.attemptsMade() + 1;
    if (retrying) {
      retried.incrementAndGet();
      job(job.queueName(), job.id(), "failed attempt " + attempt + " of " + attempts(job) + ": "
          + why + "; will retry");
    } else {
      failed.incrementAndGet();
      job(job.queueName(), job.id(), "FAILED for good after attempt " + attempt + ": " + why);
    }
  }

  @Override
  public void onError(Throwable error) {
    note("worker error: " + error.getMessage());
  }

  /** A queue event; only progress is shown (the worker listener shows the rest). */
  void onEvent(String queue, QueueEvent event) {
    if ("progress".equals(event.event()) && event.jobId() != null) {
      job(queue, event.jobId(), "progress " + progress(event.field("data")));
    }
  }

  /** "50%" for 50, "50% TRANSCODING" for {"stage": "TRANSCODING", "percent": 50}. */
  static String progress(String data) {
    if (data == null) {
      return "";
    }
    if (data.matches("\\d+")) {
      return data + "%";
    }
    java.util.regex.Matcher pct = java.util.regex.Pattern.compile("\"percent\"\\s*:\\s*(\\d+)")
        .matcher(data);
    java.util.regex.Matcher stage = java.util.regex.Pattern
        .compile("\"stage\"\\s*:\\s*\"(\\w+)\"").matcher(data);
    if (pct.find()) {
      return pct.group(1) + "%" + (stage.find() ? " " + stage.group(1) : "");
    }
    return data;
  }

  void summary(Duration ran, String redisDescription, Map<String, JobCounts> counts) {
    line("");
    line("Summary after " + seconds(ran) + " on " + redisDescription + ":");
    line(String.format("  this run: %d added, %d completed, %d retried, %d failed for good",
        added.get(), completed.get(), retried.get(), failed.get()));
    line(String.format("  %-22s %8s %11s %8s %7s %10s %7s", "queue", "waiting", "prioritized",
        "delayed", "active", "completed", "failed"));
    counts.forEach((queue, c) -> line(String.format("  %-22s %8d %11d %8d %7d %10d %7d", queue,
        c.waiting(), c.prioritized(), c.delayed(), c.active(), c.completed(), c.failed())));
  }

  private void remember(Job<Video> job) {
    Video v = job.data();
    labels.put(job.queueName() + "/" + job.id(), String.format("%-9s  %-24s", job.name(),
        v == null ? "" : v.file()));
  }

  private void job(String queue, String id, String text) {
    String label = labels.getOrDefault(queue + "/" + id, String.format("%-9s  %-24s", "", ""));
    line(String.format("%7s  %-16s %5s  %s %s", elapsed(), queue, "#" + id, label, text));
  }

  private synchronized void line(String text) {
    out.println(text);
    out.flush();
  }

  private String elapsed() {
    return String.format("%.1fs", (System.nanoTime() - start) / 1e9);
  }

  private static int attempts(Job<Video> job) {
    return Math.max(1, job.opts().attempts());
  }

  static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }
}
