package dev.bullpen.server;

import dev.bullpen.JobState;
import dev.bullpen.status.JobStatusListener;
import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.JobView;
import dev.bullpen.status.Subscription;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/queues/{queue}/jobs/{id}/events}: a Server-Sent Events stream of one job.
 *
 * <p>Protocol: every message carries the whole view as JSON {@code data} and the view's etag as
 * {@code id}. Event {@code state} when the state changed since the last message (and first),
 * {@code progress} when only progress or details did. When the job completes or fails the
 * stream sends that view, then {@code end}, and closes; when it is removed, {@code removed} and
 * closes. A reconnecting client sends {@code Last-Event-ID}: it gets the current view only if
 * its etag differs, and a finished job it already has the final view of answers 204, which
 * tells {@code EventSource} to stop reconnecting. A comment line goes out every heartbeat; a
 * stream without any change for the idle timeout is closed (browsers reconnect on their own).
 *
 * <p>Implementation notes: status listeners run on the status service's notifier threads and
 * must not block, so they only put the newest update into the stream's {@code pending} slot
 * and schedule a send on this class's writer pool (at most one queued per stream: conflation).
 * Writes to one stream are serialized by its monitor; a failed write (client gone) closes it.
 * Heartbeats and idle checks run on one timer over all streams.
 */
final class JobStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobStreams.class);
  private static final Object REMOVED = new Object();

  private final JobStatusService status;
  private final ServerOptions opts;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final AtomicInteger open = new AtomicInteger();
  private final ExecutorService writers = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "bullpen-sse-writer");
    t.setDaemon(true);
    return t;
  });
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bullpen-sse-timer");
    t.setDaemon(true);
    return t;
  });

  JobStreams(JobStatusService status, ServerOptions opts) {
    this.status = status;
    this.opts = opts;
    long beat = opts.sseHeartbeat().toMillis();
    timer.scheduleWithFixedDelay(this::tick, beat, beat, TimeUnit.MILLISECONDS);
  }

  int openStreams() {
    return open.get();
  }

  void handle(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    String id = Params.jobId(ctx.pathParam("id"));
    List<String> lastIds = Params.etags(ctx.header("Last-Event-ID"));
    JobView now = status.get(q, id).orElseThrow(() -> JobRoutes.notFound(q, id));
    if (now.finished() && !now.stale() && lastIds.contains(now.etag())) {
      ctx.status(204); // the client has the final view: EventSource stops reconnecting
      return;
    }
    if (open.incrementAndGet() > opts.maxSseStreams()) {
      open.decrementAndGet();
      throw ApiError.unavailable("too many open event streams (" + opts.maxSseStreams()
          + "); poll GET /api/queues/{queue}/jobs/{id} instead");
    }
    ctx.header("X-Accel-Buffering", "no"); // proxies must not buffer the stream
    try {
      new SseHandler(0, client -> start(client, q, id, now, lastIds)).handle(ctx);
    } catch (Exception e) {
      open.decrementAndGet();
      throw new IllegalStateException("cannot start the event stream", e);
    }
  }

  private void start(SseClient client, String q, String id, JobView now, List<String> lastIds) {
    client.keepAlive();
    Stream s = new Stream(client, lastIds.isEmpty() ? null : lastIds.get(0));
    streams.add(s);
    client.onClose(s::closed);
    s.offer(now);
    s.subscription = status.watch(q, id, s);
    if (s.done.get()) {
      s.subscription.close();
    }
  }

  private void tick() {
    long idleNanos = opts.sseIdleTimeout().toNanos();
    long t = System.nanoTime();
    for (Stream s : streams) {
      if (t - s.lastChange > idleNanos) {
        s.finish(null, null);
      } else {
        s.heartbeat();
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (Stream s : streams) {
      s.finish(null, null);
    }
    writers.shutdownNow();
  }

  /** One open stream: the status listener, the conflation slot and the writer. */
  private final class Stream implements JobStatusListener {
    final SseClient client;
    final AtomicReference<Object> pending = new AtomicReference<>();
    final AtomicBoolean scheduled = new AtomicBoolean();
    final AtomicBoolean done = new AtomicBoolean();
    volatile Subscription subscription;
    volatile long lastChange = System.nanoTime();
    private String lastEtag;
    private JobState lastState;

    Stream(SseClient client, String lastEventId) {
      this.client = client;
      this.lastEtag = lastEventId;
    }

    @Override
    public void onView(JobView view) {
      offer(view);
    }

    @Override
    public void onRemoved() {
      offer(REMOVED);
    }

    void offer(Object update) {
      if (done.get()) {
        return;
      }
      pending.set(update);
      if (scheduled.compareAndSet(false, true)) {
        try {
          writers.execute(this::drain);
        } catch (RejectedExecutionException e) {
          scheduled.set(false);
        }
      }
    }

    private void drain() {
      while (true) {
        Object u = pending.getAndSet(null);
        if (u == null) {
          scheduled.set(false);
          if (pending.get() != null && scheduled.compareAndSet(false, true)) {
            continue;
          }
          return;
        }
        send(u);
      }
    }

    private synchronized void send(Object u) {
      if (done.get()) {
        return;
      }
      try {
        if (u == REMOVED) {
          finish("removed", "{}");
          return;
        }
        JobView v = (JobView) u;
        if (v.etag().equals(lastEtag) && !v.finished()) {
          lastState = v.state();
          return;
        }
        if (!v.etag().equals(lastEtag)) {
          String event = lastState == null || lastState != v.state() ? "state" : "progress";
          client.sendEvent(event, Json.write(Json.view(v)), v.etag());
          lastEtag = v.etag();
          lastState = v.state();
          lastChange = System.nanoTime();
        }
        if (v.finished() && !v.stale()) {
          finish("end", "{}");
        }
      } catch (RuntimeException e) {
        LOG.debug("event stream write failed; closing it", e);
        finish(null, null);
      }
    }

    synchronized void heartbeat() {
      if (!done.get()) {
        try {
          client.sendComment("ping");
        } catch (RuntimeException e) {
          finish(null, null);
        }
      }
    }

    /** Sends a last event (when {@code event} is not null) and closes the stream. */
    synchronized void finish(String event, String data) {
      if (done.getAndSet(true)) {
        return;
      }
      try {
        if (event != null) {
          client.sendEvent(event, data, lastEtag);
        }
      } catch (RuntimeException e) {
        LOG.debug("event stream closing write failed", e);
      }
      try {
        client.close();
      } catch (RuntimeException e) {
        LOG.debug("closing an event stream failed", e);
      }
      closed();
    }

    void closed() {
      done.set(true);
      if (streams.remove(this)) {
        open.decrementAndGet();
      }
      Subscription sub = subscription;
      if (sub != null) {
        sub.close();
      }
    }
  }
}
