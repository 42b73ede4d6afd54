package dev.bullpen.cli;

import dev.bullpen.Backoff;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobCounts;
import dev.bullpen.JobHandler;
import dev.bullpen.JobOptions;
import dev.bullpen.KeepJobs;
import dev.bullpen.NewJob;
import dev.bullpen.Queue;
import dev.bullpen.QueueEvents;
import dev.bullpen.UnrecoverableJobException;
import dev.bullpen.Worker;
import dev.bullpen.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's small video pipeline on two queues: {@code <prefix>-videos} runs {@code transcode}
 * jobs (which add a {@code thumbnail} job when done) and {@code publish} jobs; {@code
 * <prefix>-thumbnails} runs {@code thumbnail} jobs (which add a {@code publish} job when done).
 * Handlers sleep a little and report progress as they go (transcode jobs as
 * {@code {"stage": "TRANSCODING", "percent": 50}}, with stages ANALYZING, TRANSCODING and
 * THUMBNAILS, and a log row per step).
 *
 * <p>The first batch mixes options on purpose: one flaky job that fails once and succeeds on a
 * retry (attempts and backoff), one corrupt file that fails for good, a few delayed and a few
 * prioritized jobs. After it, a trickle of new videos arrives until {@link #stop()}.
 */
final class VideoPipeline {
  static final String TRANSCODE = "transcode";
  static final String THUMBNAIL = "thumbnail";
  static final String PUBLISH = "publish";
  private static final String[] SUBJECTS = {
    "beach-trip", "birthday-cake", "cat-vs-laser", "drone-sunrise", "keynote", "first-steps",
    "mountain-bike", "wedding-toast", "city-timelapse", "pasta-night", "lecture", "road-trip"
  };
  private static final KeepJobs KEEP = KeepJobs.last(1000);
  /** The stage of each of a transcode job's four steps, shown with its progress. */
  static final String[] STAGES = {"ANALYZING", "TRANSCODING", "TRANSCODING", "THUMBNAILS"};

  private final Bullpen bullpen;
  private final DemoPrinter printer;
  private final Duration trickleEvery;
  private final Random random = new Random();
  private final AtomicInteger fileCounter = new AtomicInteger();
  private final Queue<Video> videos;
  private final Queue<Video> thumbnails;
  private final List<QueueEvents> events = new ArrayList<>();
  private final List<Worker<Video>> workers = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bullpen-demo-trickle");
    t.setDaemon(true);
    return t;
  });

  VideoPipeline(Bullpen bullpen, String prefix, DemoPrinter printer, Duration trickleEvery) {
    this.bullpen = bullpen;
    this.printer = printer;
    this.trickleEvery = trickleEvery;
    this.videos = bullpen.queue(prefix + "-videos", Video.class);
    this.thumbnails = bullpen.queue(prefix + "-thumbnails", Video.class);
  }

  /**
   * Starts the events readers, adds the first {@code jobs}, starts the workers, the trickle.
   * Returns the jobs of the first batch.
   */
  List<Job<Video>> start(int jobs) {
    for (Queue<Video> q : List.of(videos, thumbnails)) {
      String name = q.name();
      events.add(bullpen.queueEvents(name).addListener(e -> printer.onEvent(name, e)));
    }
    List<NewJob<Video>> batch = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      batch.add(firstBatchJob(i));
    }
    List<Job<Video>> added = List.of();
    if (!batch.isEmpty()) {
      added = videos.addBulk(batch);
      for (int i = 0; i < added.size(); i++) {
        printer.added(added.get(i), batch.get(i).opts());
      }
    }
    workers.add(startWorker(videos.name(), 3, this::processVideo));
    workers.add(startWorker(thumbnails.name(), 2, this::processThumbnail));
    long every = trickleEvery.toMillis();
    trickle.scheduleWithFixedDelay(this::addTrickleJob, every, every, TimeUnit.MILLISECONDS);
    return added;
  }

  /** Stops adding jobs, closes the workers (running jobs finish) and the events readers. */
  void stop(Duration workerShutdown) {
    trickle.shutdownNow();
    try {
      trickle.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    CompletableFuture.allOf(workers.stream()
        .map(w -> CompletableFuture.runAsync(() -> w.close(workerShutdown)))
        .toArray(CompletableFuture[]::new)).join();
    events.forEach(QueueEvents::close);
  }

  /** Each queue's counts, read now. */
  Map<String, JobCounts> counts() {
    Map<String, JobCounts> m = new LinkedHashMap<>();
    m.put(videos.name(), videos.getJobCounts());
    m.put(thumbnails.name(), thumbnails.getJobCounts());
    return m;
  }

  /** Deletes both queues and their jobs (after {@link #stop}). */
  void obliterate() {
    videos.obliterate(true);
    thumbnails.obliterate(true);
  }

  private Worker<Video> startWorker(String queue, int concurrency, JobHandler<Video, ?> handler) {
    WorkerOptions opts = WorkerOptions.builder().concurrency(concurrency).name("bullpen-demo")
        .removeOnComplete(KEEP).removeOnFail(KEEP).autorun(false).build();
    Worker<Video> w = bullpen.worker(queue, Video.class, handler, opts);
    w.addListener(printer);
    w.start();
    return w;
  }

  private NewJob<Video> firstBatchJob(int i) {
    Video v = Video.plain(nextFile(), 20 + random.nextInt(100));
    JobOptions.Builder o = JobOptions.builder();
    if (i == 0) {
      v = new Video(v.file(), v.seconds(), true, false);
      o.attempts(3).backoff(Backoff.fixed(Duration.ofSeconds(1)));
    } else if (i == 1) {
      v = new Video(v.file(), v.seconds(), false, true);
      o.attempts(3);
    } else if (i % 4 == 2) {
      o.delay(Duration.ofSeconds(2 + (i / 4) % 3));
    } else if (i % 4 == 3) {
      o.priority(1 + i % 3);
    }
    return new NewJob<>(TRANSCODE, v, o.build());
  }

  private void addTrickleJob() {
    try {
      JobOptions.Builder o = JobOptions.builder();
      int dice = random.nextInt(10);
      if (dice < 2) {
        o.delay(Duration.ofMillis(1000 + random.nextInt(2000)));
      } else if (dice < 4) {
        o.priority(1 + random.nextInt(3));
      }
      JobOptions opts = o.build();
      Job<Video> job = videos.add(TRANSCODE, Video.plain(nextFile(), 20 + random.nextInt(100)),
          opts);
      printer.added(job, opts);
    } catch (RuntimeException e) {
      printer.note("could not add a video: " + e.getMessage());
    }
  }

  private Object processVideo(Job<Video> job) throws Exception {
    Video v = job.data();
    if (PUBLISH.equals(job.name())) {
      sleep(100, 200);
      return "https://videos.example/" + v.file().replace(".mp4", "");
    }
    for (int step = 1; step <= 4; step++) {
      sleep(150 + v.seconds(), 300 + 2 * v.seconds());
      if (v.corrupt() && step == 2) {
        throw new UnrecoverableJobException("corrupt input, no video stream (not retried)");
      }
      if (v.flaky() && step == 3 && job.attemptsMade() == 0) {
        throw new IllegalStateException("encoder crashed (simulated, once)");
      }
      job.log(STAGES[step - 1].toLowerCase(java.util.Locale.ROOT) + " " + v.file() + ": step "
          + step + " of 4 done");
      job.updateProgress(Map.of("stage", STAGES[step - 1], "percent", step * 25));
    }
    follow(thumbnails, THUMBNAIL, v);
    return v.file().replace(".mp4", "-720p.mp4");
  }

  private Object processThumbnail(Job<Video> job) throws Exception {
    Video v = job.data();
    for (int step = 1; step <= 3; step++) {
      sleep(80, 200);
      job.updateProgress(step == 3 ? 100 : step * 33);
    }
    follow(videos, PUBLISH, v);
    return v.file().replace(".mp4", ".jpg");
  }

  private void follow(Queue<Video> queue, String name, Video v) {
    Job<Video> next = queue.add(name, Video.plain(v.file(), v.seconds()), JobOptions.DEFAULT);
    printer.added(next, JobOptions.DEFAULT);
  }

  private String nextFile() {
    int n = fileCounter.incrementAndGet();
    return String.format("%s-%02d.mp4", SUBJECTS[(n - 1) % SUBJECTS.length], n);
  }

  private void sleep(int minMs, int maxMs) throws InterruptedException {
    Thread.sleep(minMs + random.nextInt(Math.max(1, maxMs - minMs)));
  }
}
