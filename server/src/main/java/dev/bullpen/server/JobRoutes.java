package dev.bullpen.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.JobNotFoundException;
import dev.bullpen.JobState;
import dev.bullpen.JobStateException;
import dev.bullpen.Queue;
import dev.bullpen.status.JobLogs;
import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.JobView;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The job endpoints under {@code /api/queues/{queue}/jobs}. Status reads go through the
 * {@link JobStatusService} (cached, exact, never hanging); lists and writes through the queue.
 *
 * <p>Caching: a fresh view carries a strong {@code ETag} (the view's digest) and
 * {@code Cache-Control: no-cache} while the job can change, {@code public, max-age=300} once it
 * completed or failed (CDNs and browsers may keep it; a retry within that time is rare and the
 * job page revalidates). A stale view (Redis unreachable) is sent with {@code no-store}, no ETag
 * and never as 304, so the {@code stale} flag always reaches the client.
 */
final class JobRoutes {
  static final String FINISHED_CACHE = "public, max-age=300";
  static final String FINISHED_PRIVATE_CACHE = "private, max-age=300";
  static final String ACTIVE_CACHE = "no-cache";

  private final Bullpen bullpen;
  private final JobStatusService status;
  private final ServerOptions opts;
  private final JobTokens tokens;
  private final ObjectMapper requests;
  private final AtomicInteger longPolls = new AtomicInteger();

  JobRoutes(Bullpen bullpen, JobStatusService status, ServerOptions opts, JobTokens tokens) {
    this.bullpen = bullpen;
    this.status = status;
    this.opts = opts;
    this.tokens = tokens;
    this.requests = Json.requestMapper(opts.maxJsonDepth(), opts.maxRequestBytes());
  }

  int waitingLongPolls() {
    return longPolls.get();
  }

  /** {@code GET …/jobs/{id}}, with If-None-Match and {@code ?waitForChange=}. */
  void get(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    String id = Params.jobId(ctx.pathParam("id"));
    String wait = ctx.queryParam("waitForChange");
    Duration maxWait = wait == null ? Duration.ZERO : Params.waitForChange(wait, opts.maxLongPoll());
    List<String> known = Params.etags(ctx.header("If-None-Match"));
    JobView view = status.get(q, id).orElseThrow(() -> notFound(q, id));
    boolean unchanged = !view.stale() && known.contains(view.etag());
    if (!unchanged || maxWait.isZero()) {
      answer(ctx, view, known);
      return;
    }
    if (longPolls.incrementAndGet() > opts.maxLongPolls()) {
      longPolls.decrementAndGet();
      throw ApiError.unavailable("too many long polls waiting (" + opts.maxLongPolls()
          + "); ask again without waitForChange or later");
    }
    CompletableFuture<Optional<JobView>> change;
    try {
      change = status.awaitChange(q, id, view.etag(), maxWait);
    } catch (RuntimeException e) {
      longPolls.decrementAndGet();
      throw e;
    }
    change.whenComplete((r, e) -> longPolls.decrementAndGet());
    ctx.future(() -> change.handle((r, e) -> {
      if (e != null) {
        ServerErrors.write(ctx, ServerErrors.toApiError(e));
      } else if (r.isEmpty()) {
        ServerErrors.write(ctx, notFound(q, id));
      } else {
        answer(ctx, r.get(), known);
      }
      return null;
    }));
  }

  static void answer(Context ctx, JobView view, List<String> known) {
    if (view.stale()) {
      ctx.header("Cache-Control", "no-store");
      ctx.header("Warning", "110 - \"Response is Stale\"");
      ServerErrors.json(ctx, 200, Json.view(view));
      return;
    }
    ctx.header("ETag", "\"" + view.etag() + "\"");
    // Answers to callers with credentials must not land in shared caches.
    ctx.header("Cache-Control", !view.finished() ? ACTIVE_CACHE
        : AccessControl.authenticated(ctx) ? FINISHED_PRIVATE_CACHE : FINISHED_CACHE);
    if (known.contains(view.etag())) {
      ctx.status(304);
      return;
    }
    ServerErrors.json(ctx, 200, Json.view(view));
  }

  /**
   * {@code GET …/jobs/{id}/events-url}: a short-lived URL of the job's event stream, for pages
   * (browsers' EventSource cannot send an Authorization header).
   */
  void eventsUrl(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    String id = Params.jobId(ctx.pathParam("id"));
    String token = tokens.mintStream(q, id, opts.streamTokenTtl());
    ObjectNode n = Json.object();
    n.put("url", "/api/queues/" + enc(q) + "/jobs/" + enc(id) + "/events?token=" + token);
    n.put("expiresAt", tokens.expiry(opts.streamTokenTtl()).toEpochMilli());
    ctx.header("Cache-Control", "no-store");
    ServerErrors.json(ctx, 200, n);
  }

  /** {@code GET …/jobs/{id}/logs}: the newest rows of the job's log. */
  void logs(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    String id = Params.jobId(ctx.pathParam("id"));
    status.get(q, id).orElseThrow(() -> notFound(q, id));
    JobLogs logs = status.logs(q, id);
    ObjectNode n = Json.object();
    ArrayNode rows = n.putArray("rows");
    logs.rows().forEach(rows::add);
    n.put("stale", logs.stale());
    ctx.header("Cache-Control", "no-cache");
    ServerErrors.json(ctx, 200, n);
  }

  /** {@code POST /api/queues/{queue}/jobs}: adds a job, 201 with its id and location. */
  void add(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(415, "unsupported_media_type", "send the job as application/json");
    }
    AddRequest req = AddRequest.parse(requests, ServerErrors.body(ctx, opts.maxRequestBytes()));
    Queue<Object> queue = bullpen.queue(q);
    Job<Object> job;
    try {
      job = queue.add(req.name(), req.data(), req.options());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
    String location = "/api/queues/" + enc(q) + "/jobs/" + enc(job.id());
    ObjectNode n = Json.object();
    n.put("id", job.id());
    n.put("queue", q);
    n.put("name", req.name());
    n.put("location", location);
    n.put("page", "/jobs/" + enc(q) + "/" + enc(job.id()));
    // Links for the person who waits for the job: they need no role token.
    String token = tokens.mint(q, job.id(), opts.jobTokenTtl());
    n.put("token", token);
    n.put("tokenExpiresAt", tokens.expiry(opts.jobTokenTtl()).toEpochMilli());
    n.put("pageUrl", "/jobs/" + enc(q) + "/" + enc(job.id()) + "?token=" + token);
    n.put("statusUrl", location + "?token=" + token);
    ctx.header("Location", location);
    ServerErrors.json(ctx, 201, n);
  }

  /** {@code GET /api/queues/{queue}/jobs?state=&start=&end=}: a page of jobs in one state. */
  void list(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    JobState state = Params.state(ctx.queryParam("state"));
    long start = Params.index("start", ctx.queryParam("start"), 0);
    long end = Params.index("end", ctx.queryParam("end"), start + 49);
    if (end < start) {
      throw ApiError.badRequest("end must be at least start, got start=" + start + " end=" + end);
    }
    if (end - start + 1 > Params.MAX_PAGE) {
      throw ApiError.badRequest("a page holds at most " + Params.MAX_PAGE + " jobs, got "
          + (end - start + 1));
    }
    String order = ctx.queryParam("order");
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw ApiError.badRequest("order must be asc or desc, got '" + order + "'");
    }
    List<Job<Object>> jobs = bullpen.queue(q).getJobs(state, start, end, "asc".equals(order));
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("state", state.wireName());
    n.put("start", start);
    n.put("end", end);
    ArrayNode arr = n.putArray("jobs");
    Instant now = bullpen.clock().instant();
    for (Job<Object> j : jobs) {
      arr.add(Json.view(JobView.of(j, state, now)));
    }
    ctx.header("Cache-Control", "no-cache");
    ServerErrors.json(ctx, 200, n);
  }

  /** {@code POST …/jobs/{id}/retry}: runs a failed or completed job again. */
  void retry(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    String id = Params.jobId(ctx.pathParam("id"));
    Job<Object> job = bullpen.queue(q).getJob(id).orElseThrow(() -> notFound(q, id));
    try {
      job.retry();
    } catch (JobNotFoundException e) {
      throw notFound(q, id);
    } catch (JobStateException e) {
      throw ApiError.conflict(e.getMessage());
    }
    ObjectNode n = Json.object();
    n.put("queue", q);
    n.put("id", id);
    n.put("retried", true);
    ServerErrors.json(ctx, 200, n);
  }

  /** {@code DELETE …/jobs/{id}}: removes a job unless a worker holds it. */
  void remove(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    String id = Params.jobId(ctx.pathParam("id"));
    boolean removed;
    try {
      removed = bullpen.queue(q).remove(id);
    } catch (JobStateException e) {
      throw ApiError.conflict(e.getMessage());
    }
    if (!removed) {
      throw notFound(q, id);
    }
    ctx.status(204);
  }

  static ApiError notFound(String q, String id) {
    return ApiError.notFound("job " + id + " of queue " + q + " does not exist");
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
