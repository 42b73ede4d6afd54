package dev.bullpen.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.Bullpen;
import dev.bullpen.Queue;
import io.javalin.http.Context;
import java.util.List;

/** {@code GET /api/queues} and {@code GET /api/queues/{queue}}: counts and paused flags. */
final class QueueRoutes {
  /** Queues listed at most (each costs two commands). */
  static final int MAX_LISTED = 500;

  private final Bullpen bullpen;

  QueueRoutes(Bullpen bullpen) {
    this.bullpen = bullpen;
  }

  void list(Context ctx) {
    List<String> names = bullpen.queueNames();
    ObjectNode n = Json.object();
    ArrayNode arr = n.putArray("queues");
    for (String name : names.subList(0, Math.min(names.size(), MAX_LISTED))) {
      arr.add(describe(name));
    }
    n.put("truncated", names.size() > MAX_LISTED);
    ctx.header("Cache-Control", "no-cache");
    ServerErrors.json(ctx, 200, n);
  }

  void get(Context ctx) {
    String q = Params.queue(ctx.pathParam("queue"));
    ctx.header("Cache-Control", "no-cache");
    ServerErrors.json(ctx, 200, describe(q));
  }

  private ObjectNode describe(String name) {
    Queue<Object> q = bullpen.queue(name);
    ObjectNode n = Json.object();
    n.put("name", name);
    n.put("paused", q.isPaused());
    n.set("counts", Json.counts(q.getJobCounts()));
    return n;
  }
}
