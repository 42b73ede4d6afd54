package dev.bullpen.internal;

import dev.bullpen.RedisUnavailableException;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A dedicated connection for one blocking loop, on the master (standalone, Sentinel) or on the
 * node that serves the queue's slot (Cluster). Each call is bounded by the caller's deadline (a
 * watchdog: the blocking timeout plus a margin); a call that overruns it means the connection is
 * stuck, so it is closed and the caller gets a {@link RedisUnavailableException} and opens a new
 * one. The connection does not reconnect by itself: when it breaks, or Redis answers with a
 * topology error (MOVED after a slot moved, READONLY from a demoted master), the call fails at
 * once, the connection is closed and the caller's next {@code openBlocking} goes to the node that
 * serves the slot now.
 */
public final class BlockingConnection implements AutoCloseable {
  private final StatefulRedisConnection<String, String> conn;
  private final RedisGateway gateway;
  private final int slot;
  private final String node;
  private final Consumer<BlockingConnection> onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  BlockingConnection(StatefulRedisConnection<String, String> conn, RedisGateway gateway, int slot,
      String node, Consumer<BlockingConnection> onClose) {
    this.conn = conn;
    this.gateway = gateway;
    this.slot = slot;
    this.node = node;
    this.onClose = onClose;
  }

  /** The Cluster slot this connection blocks on, or -1 outside a Cluster. */
  int slot() {
    return slot;
  }

  /** host:port of the node this connection talks to. */
  String node() {
    return node;
  }

  /** Runs one command, waiting at most {@code limit} for its reply. */
  public <T> T call(String what, Duration limit,
      Function<RedisAsyncCommands<String, String>, Future<T>> body) throws InterruptedException {
    Future<T> f;
    gateway.countCall();
    try {
      f = body.apply(conn.async());
    } catch (RuntimeException e) {
      throw gateway.translate(what, e);
    }
    try {
      return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      close();
      gateway.countTimeout();
      throw new RedisUnavailableException(
          "blocking call overran its deadline of " + limit.toMillis() + " ms (" + what + ")", e);
    } catch (ExecutionException e) {
      RuntimeException t = gateway.translate(what, e.getCause());
      if (t instanceof RedisUnavailableException) {
        close();
      }
      throw t;
    }
  }

  /** A member popped from a sorted set, with its score. */
  public record Popped(String member, double score) {}

  /** BZPOPMIN with a fractional timeout; null when it timed out. */
  public Popped bzpopmin(String key, long timeoutMs) throws InterruptedException {
    double seconds = Math.max(timeoutMs, 1) / 1000.0;
    KeyValue<String, ScoredValue<String>> kv = call("BZPOPMIN " + key,
        Duration.ofMillis(timeoutMs + 5000), a -> a.bzpopmin(seconds, key));
    if (kv == null || !kv.hasValue()) {
      return null;
    }
    return new Popped(kv.getValue().getValue(), kv.getValue().getScore());
  }

  /** One stream entry: its id and its field/value pairs in order. */
  public record Entry(String id, Map<String, String> fields) {}

  /** XREAD BLOCK from one stream after {@code lastId}; empty when it timed out. */
  @SuppressWarnings("unchecked")
  public List<Entry> xread(String key, String lastId, long blockMs, int count)
      throws InterruptedException {
    List<StreamMessage<String, String>> msgs = call("XREAD " + key,
        Duration.ofMillis(blockMs + 5000), a -> a.xread(XReadArgs.Builder.block(blockMs)
            .count(count), XReadArgs.StreamOffset.from(key, lastId)));
    if (msgs == null || msgs.isEmpty()) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>(msgs.size());
    for (StreamMessage<String, String> m : msgs) {
      out.add(new Entry(m.getId(), m.getBody()));
    }
    return out;
  }

  public boolean isOpen() {
    return !closed.get() && conn.isOpen();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    onClose.accept(this);
    try {
      conn.closeAsync();
    } catch (RuntimeException ignored) {
      // already closed
    }
  }
}
