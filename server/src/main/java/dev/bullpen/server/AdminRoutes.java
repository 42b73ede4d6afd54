package dev.bullpen.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobNotFoundException;
import dev.bullpen.JobState;
import dev.bullpen.JobStateException;
import dev.bullpen.admin.Admin;
import dev.bullpen.admin.DeadLetter;
import dev.bullpen.admin.DeadLetterPage;
import dev.bullpen.admin.JobDetail;
import dev.bullpen.admin.JobFilter;
import dev.bullpen.admin.JobPage;
import dev.bullpen.admin.JobTiming;
import dev.bullpen.admin.QueueNotFoundException;
import dev.bullpen.admin.QueuePage;
import dev.bullpen.admin.QueueSummary;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The admin endpoints under {@code /api/admin} (CONTRACT.md, branch admin): a thin layer over
 * {@link Admin}. Every path, query and body parameter is checked before {@link Admin} is called
 * (which checks again before Redis), so bad input is a 4xx JSON error and writes nothing.
 * Request bodies are JSON objects; an unknown field is refused with 400 (a misspelt
 * {@code olderThanMs} must not turn a filtered action into one on every job). Failures map as:
 * bad values 400, unknown queue or job 404, wrong job state (or a job a worker holds) 409.
 */
final class AdminRoutes {
  private final Admin admin;
  private final ServerOptions opts;
  private volatile dev.bullpen.admin.Coordinator coordinator;

  AdminRoutes(Bullpen bullpen, ServerOptions opts) {
    this.admin = Admin.create(bullpen);
    this.opts = opts;
  }

  /** The coordinator whose metrics, health and alerts stats adds (null: none). */
  void useCoordinator(dev.bullpen.admin.Coordinator c) {
    this.coordinator = c;
  }

  /**
   * {@code GET /api/admin/queues?start=&end=&search=}: one page of the queues sorted by name,
   * those whose name contains {@code search} (ignoring case). Without {@code end} the page holds
   * {@link Admin#MAX_QUEUE_PAGE} queues from {@code start}, as the list did before it was paged.
   */
  void queues(Context ctx) {
    long start = Params.index("start", ctx.queryParam("start"), 0);
    long end = Params.index("end", ctx.queryParam("end"), start + Admin.MAX_QUEUE_PAGE - 1);
    if (end < start) {
      throw ApiError.badRequest("end must be at least start, got start=" + start + " end=" + end);
    }
    if (end - start >= Admin.MAX_QUEUE_PAGE) {
      throw ApiError.badRequest("a page holds at most " + Admin.MAX_QUEUE_PAGE
          + " queues, got start=" + start + " end=" + end);
    }
    String search = ctx.queryParam("search");
    if (search != null && (search.length() > 1024 || hasControl(search))) {
      throw ApiError.badRequest("search must be at most 1024 printable characters");
    }
    // Params.index caps both at 1e9 (< Integer.MAX_VALUE), so the casts are exact.
    QueuePage page = call(() -> admin.queues((int) start, (int) end, search));
    ObjectNode n = Json.object();
    n.put("total", page.total());
    n.put("start", page.start());
    n.put("end", page.end());
    ArrayNode arr = n.putArray("queues");
    for (QueueSummary s : page.queues()) {
      ObjectNode q = arr.addObject();
      q.put("name", s.name());
      q.put("paused", s.paused());
      q.set("counts", Json.counts(s.counts()));
    }
    answer(ctx, n);
  }

  /** {@code GET /api/admin/queues/{queue}/stats}. */
  void stats(Context ctx) {
    String q = queue(ctx);
    QueueSummary s = call(() -> admin.stats(q));
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("paused", s.paused());
    n.set("counts", Json.counts(s.counts()));
    CoordinatorRoutes.addToStats(n, coordinator, q);
    answer(ctx, n);
  }

  /** {@code GET …/timings?limit=}. */
  void timings(Context ctx) {
    String q = queue(ctx);
    long limit = Params.index("limit", ctx.queryParam("limit"), 50);
    if (limit < 1 || limit > Admin.MAX_TIMINGS) {
      throw ApiError.badRequest("limit must be 1 to " + Admin.MAX_TIMINGS + ", got " + limit);
    }
    List<JobTiming> timings = call(() -> admin.recentTimings(q, (int) limit));
    ObjectNode n = Json.object();
    n.put("queue", q);
    ArrayNode arr = n.putArray("jobs");
    for (JobTiming t : timings) {
      ObjectNode j = arr.addObject();
      j.put("id", t.id());
      j.put("name", t.name());
      j.put("state", t.state().wireName());
      putMs(j, "waitMs", t.waitTime());
      putMs(j, "processingMs", t.processingTime());
      putMs(j, "totalMs", t.totalTime());
      putAt(j, "timestamp", t.timestamp());
      putAt(j, "processedOn", t.processedOn());
      putAt(j, "finishedOn", t.finishedOn());
    }
    answer(ctx, n);
  }

  /** {@code GET …/jobs?state=&start=&end=&search=}. */
  void jobs(Context ctx) {
    String q = queue(ctx);
    JobState state = Params.state(ctx.queryParam("state"));
    long start = Params.index("start", ctx.queryParam("start"), 0);
    long end = Params.index("end", ctx.queryParam("end"), start + 49);
    checkPage(start, end);
    String search = ctx.queryParam("search");
    if (search != null && (search.length() > 1024 || hasControl(search))) {
      throw ApiError.badRequest("search must be at most 1024 printable characters");
    }
    JobPage page = call(() -> admin.jobs(q, state, start, end, search));
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("state", state.wireName());
    n.put("start", start);
    n.put("end", end);
    n.put("total", page.total());
    ArrayNode arr = n.putArray("jobs");
    for (Job<Object> j : page.jobs()) {
      ObjectNode o = arr.addObject();
      o.put("id", j.id());
      o.put("name", j.name());
      o.put("state", state.wireName());
      putAt(o, "timestamp", j.timestamp());
      putAt(o, "processedOn", j.processedOn());
      putAt(o, "finishedOn", j.finishedOn());
      o.put("attemptsMade", j.attemptsMade());
      o.put("failedReason", j.failedReason());
      o.set("progress", Json.parse(j.progressJson()));
    }
    answer(ctx, n);
  }

  /** {@code GET …/jobs/{id}}. */
  void job(Context ctx) {
    String q = queue(ctx);
    String id = Params.jobId(ctx.pathParam("id"));
    JobDetail d = call(() -> admin.job(q, id));
    Job<Object> j = d.job();
    ObjectNode n = Json.object();
    n.put("id", j.id());
    n.put("name", j.name());
    n.put("state", d.state().wireName());
    n.set("data", Json.parse(j.dataJson()));
    n.set("opts", Json.parse(j.optsJson()));
    n.set("progress", Json.parse(j.progressJson()));
    n.set("returnvalue", Json.parse(j.returnValueJson()));
    n.put("failedReason", j.failedReason());
    ArrayNode st = n.putArray("stacktrace");
    j.stacktrace().forEach(st::add);
    n.put("attemptsMade", j.attemptsMade());
    putAt(n, "timestamp", j.timestamp());
    putAt(n, "processedOn", j.processedOn());
    putAt(n, "finishedOn", j.finishedOn());
    putMs(n, "waitMs", d.waitTime());
    putMs(n, "processingMs", d.processingTime());
    ArrayNode logs = n.putArray("logs");
    d.logs().forEach(logs::add);
    answer(ctx, n);
  }

  /** {@code POST …/jobs/{id}/retry}. */
  void retry(Context ctx) {
    jobAction(ctx, admin::retry);
  }

  /** {@code POST …/jobs/{id}/promote}. */
  void promote(Context ctx) {
    jobAction(ctx, admin::promote);
  }

  /** {@code DELETE …/jobs/{id}}. */
  void remove(Context ctx) {
    String q = queue(ctx);
    String id = Params.jobId(ctx.pathParam("id"));
    call(() -> {
      admin.remove(q, id);
      return null;
    });
    ObjectNode n = Json.object();
    n.put("id", id);
    n.put("removed", true);
    answer(ctx, n);
  }

  /** {@code POST …/pause}. */
  void pause(Context ctx) {
    paused(ctx, true);
  }

  /** {@code POST …/resume}. */
  void resume(Context ctx) {
    paused(ctx, false);
  }

  /** {@code POST …/retry-failed} with {@code {"olderThanMs"?, "name"?, "batchSize"?}}. */
  void retryFailed(Context ctx) {
    String q = queue(ctx);
    AdminBody body = AdminBody.parse(ctx, opts, "olderThanMs", "name", "batchSize");
    JobFilter filter = body.filter();
    int batch = (int) body.number("batchSize", 1, Admin.MAX_BATCH_SIZE,
        Admin.DEFAULT_BATCH_SIZE);
    long retried = call(() -> admin.retryFailed(q, filter, batch, null));
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("retried", retried);
    answer(ctx, n);
  }

  /** {@code POST …/clean} with {@code {"state", "olderThanMs", "limit"?}}. */
  void clean(Context ctx) {
    String q = queue(ctx);
    AdminBody body = AdminBody.parse(ctx, opts, "state", "olderThanMs", "limit");
    String stateText = body.text("state", true);
    JobState state = Params.state(stateText);
    if (state == JobState.ACTIVE || state == JobState.WAITING_CHILDREN) {
      throw ApiError.badRequest("state must be completed, failed, waiting, delayed, prioritized"
          + " or paused, got '" + stateText + "'");
    }
    if (!body.has("olderThanMs")) {
      throw ApiError.badRequest("olderThanMs is required (0 cleans jobs of any age)");
    }
    Duration olderThan = Duration.ofMillis(body.number("olderThanMs", 0,
        AdminBody.MAX_AGE_MS, 0));
    int limit = (int) body.number("limit", 0, Integer.MAX_VALUE, 0);
    long removed = call(() -> admin.clean(q, state, olderThan, limit, Admin.DEFAULT_BATCH_SIZE,
        null));
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("state", state.wireName());
    n.put("removed", removed);
    answer(ctx, n);
  }

  /** {@code GET …/dead-letters?start=&end=}. */
  void deadLetters(Context ctx) {
    String q = queue(ctx);
    long start = Params.index("start", ctx.queryParam("start"), 0);
    long end = Params.index("end", ctx.queryParam("end"), start + 49);
    checkPage(start, end);
    DeadLetterPage page = call(() -> admin.deadLetters(q, start, end));
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("total", page.total());
    ArrayNode arr = n.putArray("jobs");
    for (DeadLetter d : page.jobs()) {
      ObjectNode o = arr.addObject();
      o.put("id", d.id());
      o.put("name", d.name());
      o.put("failedReason", d.failedReason());
      o.put("attemptsMade", d.attemptsMade());
      o.put("attempts", d.attempts());
      ArrayNode st = o.putArray("stacktrace");
      d.stacktrace().forEach(st::add);
      putAt(o, "finishedOn", d.finishedOn());
      o.set("data", Json.parse(d.dataJson()));
    }
    answer(ctx, n);
  }

  /** {@code POST …/dead-letters/{id}/requeue}. */
  void requeueOne(Context ctx) {
    jobAction(ctx, admin::requeueDeadLetter);
  }

  /** {@code POST …/dead-letters/requeue} with {@code {"olderThanMs"?, "name"?}}. */
  void requeueAll(Context ctx) {
    String q = queue(ctx);
    AdminBody body = AdminBody.parse(ctx, opts, "olderThanMs", "name");
    JobFilter filter = body.filter();
    long requeued = call(() -> admin.requeueDeadLetters(q, filter, Admin.DEFAULT_BATCH_SIZE,
        null));
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("requeued", requeued);
    answer(ctx, n);
  }

  private void paused(Context ctx, boolean pause) {
    String q = queue(ctx);
    call(() -> {
      if (pause) {
        admin.pause(q);
      } else {
        admin.resume(q);
      }
      return null;
    });
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("paused", pause);
    answer(ctx, n);
  }

  /** A one-job action on {@code …/{queue}/…/{id}}, answered with the job's new state. */
  private void jobAction(Context ctx,
      java.util.function.BiFunction<String, String, JobState> action) {
    String q = queue(ctx);
    String id = Params.jobId(ctx.pathParam("id"));
    jobState(ctx, id, call(() -> action.apply(q, id)));
  }

  private static void jobState(Context ctx, String id, JobState state) {
    ObjectNode n = Json.object();
    n.put("id", id);
    n.put("state", state.wireName());
    answer(ctx, n);
  }

  private static String queue(Context ctx) {
    return Params.queue(ctx.pathParam("queue"));
  }

  private static void checkPage(long start, long end) {
    if (end < start) {
      throw ApiError.badRequest("end must be at least start, got start=" + start + " end=" + end);
    }
    if (end - start >= Params.MAX_PAGE) {
      throw ApiError.badRequest("a page holds at most " + Params.MAX_PAGE + " jobs, got start="
          + start + " end=" + end);
    }
  }

  /** Runs an admin call, mapping its refusals to HTTP errors. */
  private static <T> T call(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (QueueNotFoundException | JobNotFoundException e) {
      throw ApiError.notFound(e.getMessage());
    } catch (JobStateException e) {
      throw ApiError.conflict(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  private static void answer(Context ctx, ObjectNode body) {
    ctx.header("Cache-Control", "no-store");
    ServerErrors.json(ctx, 200, body);
  }

  private static void putAt(ObjectNode n, String field, Instant at) {
    if (at == null) {
      n.putNull(field);
    } else {
      n.put(field, at.toEpochMilli());
    }
  }

  private static void putMs(ObjectNode n, String field, Duration d) {
    if (d == null) {
      n.putNull(field);
    } else {
      n.put(field, d.toMillis());
    }
  }

  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
