package dev.bullpen;

import dev.bullpen.event.QueueEvent;
import dev.bullpen.event.QueueEventListener;
import dev.bullpen.internal.BlockingConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one queue's events stream (XREAD BLOCK on a dedicated connection named as BullMQ names
 * its QueueEvents) and fans every event out to in-process listeners. One reader per queue per
 * process is enough for any number of listeners.
 *
 * <p>Implementation notes: the reader starts after the stream's newest entry at construction
 * (so events that happen after {@code queueEvents()} returns are never missed), or after a given
 * id. It remembers the last id it delivered; when the connection breaks it reconnects with
 * backoff and resumes after that id, so nothing still in the stream is skipped.
 */
public final class QueueEvents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueueEvents.class);
  /**
   * How long one XREAD blocks when the stream is quiet. Events arrive at once whatever it is; it
   * sets what an idle reader costs: 4 XREADs a minute (BullMQ blocks 10 s: 6 a minute), so a
   * reader plus its client's once-a-minute data-loss check stays under BullMQ's idle cost.
   */
  static final long BLOCK_MS = 15_000;
  private static final int READ_COUNT = 1000;

  private final QueueContext ctx;
  private final List<QueueEventListener> listeners = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile String lastId;
  private volatile boolean closed;
  private volatile BlockingConnection conn;
  private volatile long batchWindowMillis;

  QueueEvents(QueueContext ctx, String startAfter) {
    this.ctx = ctx;
    this.lastId = startAfter != null ? startAfter : newestId();
    this.reader = new Thread(this::readLoop, "bullpen-events-" + ctx.name);
    reader.setDaemon(true);
    reader.start();
  }

  private String newestId() {
    List<String> ids = ctx.redis().call("read the newest event id", r -> {
      var last = r.xrevrange(ctx.keys.key("events"), io.lettuce.core.Range.create("-", "+"),
          io.lettuce.core.Limit.from(1));
      return last.stream().map(m -> m.getId()).collect(java.util.stream.Collectors.toList());
    });
    return ids.isEmpty() ? "0-0" : ids.get(0);
  }

  /** Adds a listener; see {@link QueueEventListener} for the contract. */
  public QueueEvents addListener(QueueEventListener listener) {
    listeners.add(listener);
    return this;
  }

  public void removeListener(QueueEventListener listener) {
    listeners.remove(listener);
  }

  /**
   * Gathers events into batches: after a read that returned less than a full batch, the reader
   * waits this long before it reads again, so a burst of events costs Redis one XREAD instead
   * of one per event. Events then reach listeners up to this much later. Zero (the default)
   * reads again at once. The status service uses {@code StatusOptions#eventBatchWindow()}.
   *
   * @throws IllegalArgumentException when negative or longer than a second
   */
  public QueueEvents batchWindow(java.time.Duration window) {
    if (window == null || window.isNegative() || window.toMillis() > 1000) {
      throw new IllegalArgumentException("batchWindow must be 0..1000 ms, got " + window);
    }
    this.batchWindowMillis = window.toMillis();
    return this;
  }

  /** The id of the last event delivered (resume point). */
  public String lastEventId() {
    return lastId;
  }

  /** The queue whose events this reads. */
  public String queueName() {
    return ctx.name;
  }

  private void readLoop() {
    String key = ctx.keys.key("events");
    int failures = 0;
    while (!closed) {
      try {
        BlockingConnection c = conn;
        if (c == null || !c.isOpen()) {
          c = ctx.redis().openBlocking(ctx.keys.clientName(":qe"), key);
          conn = c;
          if (closed) {
            c.close();
            break;
          }
        }
        List<BlockingConnection.Entry> entries = c.xread(key, lastId, BLOCK_MS, READ_COUNT);
        failures = 0;
        for (BlockingConnection.Entry e : entries) {
          QueueEvent event = new QueueEvent(e.id(), e.fields().get("event"),
              e.fields().get("jobId"), java.util.Collections.unmodifiableMap(e.fields()));
          for (QueueEventListener l : listeners) {
            try {
              l.onEvent(event);
            } catch (RuntimeException ex) {
              LOG.warn("queue {}: event listener {} threw", ctx.name, l, ex);
            }
          }
          lastId = e.id();
        }
        long window = batchWindowMillis;
        if (window > 0 && !entries.isEmpty() && entries.size() < READ_COUNT) {
          Thread.sleep(window);
        }
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        failures++;
        long backoff = Worker.reconnectBackoff(failures);
        LOG.warn("queue {}: events reader failed ({}); reconnecting in {} ms", ctx.name,
            e.getMessage(), backoff);
        BlockingConnection c = conn;
        if (c != null) {
          c.close();
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          if (closed) {
            break;
          }
        }
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    BlockingConnection c = conn;
    if (c != null) {
      c.close();
    }
    reader.interrupt();
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ctx.client.forget(this);
  }
}
