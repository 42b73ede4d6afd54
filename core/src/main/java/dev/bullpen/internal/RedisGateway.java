package dev.bullpen.internal;

import dev.bullpen.BullpenException;
import dev.bullpen.RedisUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The process's access to Redis: one shared multiplexed connection for ordinary commands and
 * scripts (concurrent callers are pipelined on it for free), and dedicated connections for the
 * blocking loops (worker fetch, events reader). The same calls work on a single server, on the
 * master Sentinel names, and on a Redis Cluster (every key of a queue is in one slot, so each
 * script runs on the node that serves it); {@link RedisConnections} holds the topology-specific
 * parts.
 *
 * <p>Implementation notes: every call on the shared connection has the configured timeout
 * (Lettuce's {@link TimeoutOptions}); blocking connections have no command timeout, and their
 * callers bound each call themselves. Lettuce reconnects on its own; while it is disconnected,
 * commands are queued and fail at their timeout, and a command that was in flight when the
 * connection broke is sent again after the reconnect if its timeout has not passed (Lettuce's
 * at-least-once mode; every script is safe to repeat except an add without a custom id, which
 * may then add a duplicate). Every Lettuce failure leaves this class as a
 * {@link RedisUnavailableException} (the server did not answer, or answered that it cannot serve
 * the call right now: failover, resharding, loading) or a {@link BullpenException} (the server
 * refused the call), so no Lettuce type escapes.
 */
public final class RedisGateway implements AutoCloseable {
  /** Decodes reply bulk strings one char per byte: lossless for binary (packed) replies. */
  private static final StringCodec RAW = new StringCodec(StandardCharsets.ISO_8859_1);

  private static final Pattern TRANSIENT = Pattern.compile(
      "^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN|READONLY|MASTERDOWN|LOADING|UNBLOCKED|NOREPLICAS).*",
      Pattern.DOTALL);

  private final RedisTarget target;
  private final RedisConnections connections;
  private final Duration timeout;
  private final LongAdder calls = new LongAdder();
  private final CommandStats stats = new CommandStats();

  /**
   * Connects to {@code target}. {@code waitTimeout} (null when durable adds are off) lengthens
   * the timeout of WAIT commands by that much.
   */
  public RedisGateway(RedisTarget target, Duration commandTimeout, Duration waitTimeout) {
    this.target = target;
    this.timeout = commandTimeout;
    this.connections = new RedisConnections(target, commandTimeout, waitTimeout, stats);
    try {
      connections.connect();
    } catch (RuntimeException e) {
      close();
      throw translate("connect to " + target, e);
    }
  }

  /** Connects to a {@code redis://} URI (or any form {@link RedisTarget#parse} accepts). */
  public RedisGateway(String redisUri, Duration commandTimeout) {
    this(RedisTarget.parse(redisUri), commandTimeout, null);
  }

  /** The topology this gateway talks to. */
  public RedisTarget target() {
    return target;
  }

  /** Whether this is a Redis Cluster (queue keys must then share a hash tag). */
  public boolean isCluster() {
    return connections.isCluster();
  }

  /** The command timeout every ordinary call has. */
  public Duration timeout() {
    return timeout;
  }

  /** Commands sent through this gateway so far (scripts count once). */
  public long calls() {
    return calls.sum();
  }

  void countCall() {
    calls.increment();
  }

  /** Latency, errors, timeouts and connections as this client saw them. */
  public CommandStats stats() {
    return stats;
  }

  /** Runs ordinary commands on the shared connection, translating failures. */
  public <T> T call(String what, Function<RedisClusterCommands<String, String>, T> body) {
    calls.increment();
    long start = System.nanoTime();
    try {
      return body.apply(connections.shared().sync());
    } catch (RuntimeException e) {
      throw translate(what, e);
    } finally {
      stats.record(System.nanoTime() - start);
    }
  }

  /** HGETALL of many keys, pipelined on the shared connection (one round trip). */
  public List<Map<String, String>> hgetallMany(List<String> keys) {
    calls.add(keys.size());
    long start = System.nanoTime();
    try {
      RedisClusterAsyncCommands<String, String> async = connections.shared().async();
      List<RedisFuture<Map<String, String>>> futures = new ArrayList<>(keys.size());
      for (String k : keys) {
        futures.add(async.hgetall(k));
      }
      List<Map<String, String>> out = new ArrayList<>(keys.size());
      long deadline = System.nanoTime() + timeout.toNanos();
      for (RedisFuture<Map<String, String>> f : futures) {
        long left = Math.max(1, deadline - System.nanoTime());
        Map<String, String> m = f.get(left, TimeUnit.NANOSECONDS);
        out.add(m == null ? Map.of() : m);
      }
      return out;
    } catch (java.util.concurrent.TimeoutException e) {
      countTimeout();
      throw new RedisUnavailableException("Redis did not answer within " + timeout.toMillis()
          + " ms (read " + keys.size() + " jobs)", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw translate("read jobs", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BullpenException("interrupted while reading jobs", e);
    } catch (RuntimeException e) {
      throw translate("read jobs", e);
    } finally {
      stats.record(System.nanoTime() - start);
    }
  }

  /**
   * Runs a script by EVALSHA, falling back to EVAL (which also caches it) when the server does
   * not know it yet (first use, or after a restart or SCRIPT FLUSH).
   */
  public <T> T eval(LuaScript script, String[] keys, String... args) {
    calls.increment();
    RedisClusterCommands<String, String> sync = connections.shared().sync();
    long start = System.nanoTime();
    try {
      try {
        return sync.evalsha(script.sha(), ScriptOutputType.MULTI, keys, args);
      } catch (RedisNoScriptException e) {
        return sync.eval(script.source(), ScriptOutputType.MULTI, keys, args);
      }
    } catch (RedisCommandExecutionException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
        return sync.eval(script.source(), ScriptOutputType.MULTI, keys, args);
      }
      throw translate("script " + script.name(), e);
    } catch (RuntimeException e) {
      throw translate("script " + script.name(), e);
    } finally {
      stats.record(System.nanoTime() - start);
    }
  }

  /**
   * {@link #evalWithBinary} without blocking the caller; completes on a Lettuce thread with the
   * reply, or exceptionally with an already translated failure.
   */
  public CompletableFuture<List<Object>> evalWithBinaryAsync(LuaScript script, String[] keys,
      String[] args, byte[] last) {
    return binaryAsync(script, keys, args, last, StringCodec.UTF8);
  }

  /**
   * {@link #evalWithBinaryAsync} for scripts that answer with a packed buffer: bulk strings in
   * the reply come back one char per byte (ISO-8859-1), which keeps binary intact for
   * {@link MsgPack.Reader}.
   */
  public CompletableFuture<List<Object>> evalWithBinaryRawAsync(LuaScript script, String[] keys,
      String[] args, byte[] last) {
    return binaryAsync(script, keys, args, last, RAW);
  }

  private CompletableFuture<List<Object>> binaryAsync(LuaScript script, String[] keys,
      String[] args, byte[] last, StringCodec replyCodec) {
    RedisClusterAsyncCommands<String, String> async = connections.shared().async();
    return scriptAsync(script, bySha -> async.dispatch(
        bySha ? CommandType.EVALSHA : CommandType.EVAL, new NestedMultiOutput<>(replyCodec),
        scriptArgs(bySha ? script.sha() : script.source(), keys, args, last)));
  }

  /**
   * Sends a script by its sha ({@code send.apply(true)}) and, on NOSCRIPT, by its source; times
   * the call and completes with the reply or the translated failure.
   */
  private <T> CompletableFuture<T> scriptAsync(LuaScript script,
      Function<Boolean, java.util.concurrent.CompletionStage<T>> send) {
    calls.increment();
    CompletableFuture<T> out = new CompletableFuture<>();
    long start = System.nanoTime();
    send.apply(true).whenComplete((r, e) -> {
      if (e != null && isNoScript(e)) {
        send.apply(false).whenComplete((r2, e2) -> finish(out, script, start, r2, e2));
      } else {
        finish(out, script, start, r, e);
      }
    });
    return out;
  }

  private <T> void finish(CompletableFuture<T> out, LuaScript script, long start, T reply,
      Throwable e) {
    stats.record(System.nanoTime() - start);
    if (e == null) {
      out.complete(reply);
    } else {
      out.completeExceptionally(translate("script " + script.name(), unwrap(e)));
    }
  }

  private static boolean isNoScript(Throwable e) {
    Throwable t = unwrap(e);
    return t instanceof RedisNoScriptException
        || (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT"));
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof java.util.concurrent.CompletionException
        || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /**
   * Runs a script whose last argument is binary (a msgpack buffer, see {@link MsgPack}), with
   * the same EVALSHA-then-EVAL fallback as {@link #eval}.
   */
  public List<Object> evalWithBinary(LuaScript script, String[] keys, String[] args,
      byte[] last) {
    return binarySync(script, keys, args, last, StringCodec.UTF8);
  }

  /**
   * {@link #evalWithBinary} for scripts that answer with a packed buffer; bulk strings come back
   * as in {@link #evalWithBinaryRawAsync}. {@code last} may be null (no binary argument).
   */
  public List<Object> evalRaw(LuaScript script, String[] keys, String[] args, byte[] last) {
    return binarySync(script, keys, args, last, RAW);
  }

  private List<Object> binarySync(LuaScript script, String[] keys, String[] args, byte[] last,
      StringCodec replyCodec) {
    calls.increment();
    long start = System.nanoTime();
    try {
      return dispatchBinary(connections.shared().sync(), script, keys, args, last, replyCodec);
    } catch (RuntimeException e) {
      throw translate("script " + script.name(), e);
    } finally {
      stats.record(System.nanoTime() - start);
    }
  }

  /**
   * Like {@link #evalWithBinary}, then WAITs until {@code replicas} replicas acknowledged the
   * write (or {@code waitMs} passed), on a connection of its own. Returns the script's reply and
   * the replicas that acknowledged, so the caller decides what too few means. Once the script
   * has run its write stands, so a failed WAIT is reported in the result (0 acknowledged, with
   * the error), not thrown.
   */
  public Replicated evalWithBinaryReplicated(LuaScript script, String[] keys, String[] args,
      byte[] last, int replicas, long waitMs) {
    calls.add(2);
    List<Object> reply;
    long start = System.nanoTime();
    try {
      reply = dispatchBinary(connections.durable().sync(), script, keys, args, last,
          StringCodec.UTF8);
    } catch (RuntimeException e) {
      throw translate("script " + script.name(), e);
    } finally {
      stats.record(System.nanoTime() - start);
    }
    try {
      return new Replicated(reply, connections.waitForReplicas(keys[0], replicas, waitMs), null);
    } catch (RuntimeException e) {
      return new Replicated(reply, 0, translate("WAIT " + replicas + " " + waitMs, e)
          .getMessage());
    }
  }

  /**
   * A script's reply and how many replicas acknowledged the write; {@code waitError} tells why
   * the WAIT itself failed (null when it answered).
   */
  public record Replicated(List<Object> reply, long acknowledged, String waitError) {}

  private static List<Object> dispatchBinary(RedisClusterCommands<String, String> sync,
      LuaScript script, String[] keys, String[] args, byte[] last, StringCodec replyCodec) {
    try {
      return sync.dispatch(CommandType.EVALSHA, new NestedMultiOutput<>(replyCodec),
          scriptArgs(script.sha(), keys, args, last));
    } catch (RedisNoScriptException e) {
      return sync.dispatch(CommandType.EVAL, new NestedMultiOutput<>(replyCodec),
          scriptArgs(script.source(), keys, args, last));
    } catch (RedisCommandExecutionException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
        return sync.dispatch(CommandType.EVAL, new NestedMultiOutput<>(replyCodec),
            scriptArgs(script.source(), keys, args, last));
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private static CommandArgs<String, String> scriptArgs(String shaOrSource, String[] keys,
      String[] args, byte[] last) {
    CommandArgs<String, String> a = new CommandArgs<>(StringCodec.UTF8).add(shaOrSource)
        .add(keys.length).addKeys(keys);
    for (String arg : args) {
      a.addValue(arg);
    }
    return last == null ? a : a.add(last);
  }

  /**
   * Opens a dedicated connection for a blocking loop on {@code key}'s node, named
   * {@code clientName} (CLIENT SETNAME on every connect) when not null. Calls on it have no
   * timeout of their own: bound them with {@link BlockingConnection#call}.
   */
  public BlockingConnection openBlocking(String clientName, String key) {
    try {
      return connections.openBlocking(this, clientName, key);
    } catch (RuntimeException e) {
      throw translate("open a blocking connection", e);
    }
  }

  /** INFO {@code section} of the server, or of every master of a Cluster. */
  public List<String> infoOfEveryMaster(String section) {
    calls.increment();
    long start = System.nanoTime();
    try {
      return connections.infoOfEveryMaster(section);
    } catch (RuntimeException e) {
      throw translate("INFO " + section, e);
    } finally {
      stats.record(System.nanoTime() - start);
    }
  }

  /** Maps a Lettuce failure to Bullpen's exceptions. */
  public RuntimeException translate(String what, Throwable e) {
    if (e instanceof BullpenException) {
      return (BullpenException) e;
    }
    stats.onError();
    if (e instanceof RedisCommandTimeoutException) {
      stats.onTimeout();
      return new RedisUnavailableException(
          "Redis did not answer within " + timeout.toMillis() + " ms (" + what + ")", e);
    }
    if (e instanceof RedisConnectionException) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      // The root cause says why (refused, WRONGPASS, an untrusted certificate); neither it nor
      // Lettuce's message carries the password, and target.toString() is redacted.
      return new RedisUnavailableException("cannot reach Redis at " + target.describe() + " ("
          + what + "): " + e.getMessage() + (root == e ? "" : " (" + root + ")"), e);
    }
    if (e instanceof RedisCommandExecutionException) {
      String m = e.getMessage() == null ? "" : e.getMessage();
      if (TRANSIENT.matcher(m).matches()) {
        if ((m.startsWith("MOVED") || m.startsWith("ASK")) && !isCluster()) {
          return new BullpenException(target.describe() + " is a Redis Cluster node (" + what
              + " got '" + m + "'): connect with redis-cluster://host:port[,host:port]", e);
        }
        connections.onTopologyError(m);
        return new RedisUnavailableException("Redis cannot serve " + what + " right now"
            + " (failover or resharding in progress?): " + m, e);
      }
      if (m.startsWith("OOM")) {
        return new dev.bullpen.RedisOutOfMemoryException("Redis at " + target.describe()
            + " is out of memory and refused " + what + " (" + m + "); nothing was written."
            + " Free memory (clean finished jobs, lower removeOnComplete/removeOnFail) or raise"
            + " maxmemory, then retry", e);
      }
      if (m.contains("CROSSSLOT") || m.contains("hash to the same slot")) {
        return new BullpenException("Redis refused " + what + ": " + m + " (all keys of a"
            + " queue must share a hash tag such as {video} in a Redis Cluster)", e);
      }
      if (m.startsWith("NOPERM") || m.contains("can't access")) {
        return new BullpenException("Redis refused " + what + ": " + m + " (the Redis user"
            + " lacks a permission Bullpen needs: see docs/redis-acl.md for the rule set, and"
            + " check that its key pattern matches the client's prefix)", e);
      }
      return new BullpenException("Redis refused " + what + ": " + m, e);
    }
    if (e instanceof RedisException) {
      return new RedisUnavailableException("Redis failed during " + what + ": " + e.getMessage(),
          e);
    }
    if (e instanceof RuntimeException) {
      return (RuntimeException) e;
    }
    return new BullpenException(what + " failed: " + e, e);
  }

  /** Counts a call that got no answer in time and failed without passing {@link #translate}. */
  void countTimeout() {
    stats.onError();
    stats.onTimeout();
  }

  /**
   * Whether a failure that left this class may have happened after Redis received the command:
   * no reply in time, or the connection broke mid-call. Refusals (an error reply, including
   * "cannot serve right now" and OOM) mean the command did not run.
   */
  public static boolean outcomeUnknown(Throwable e) {
    Throwable c = e instanceof BullpenException && e.getCause() != null ? e.getCause() : e;
    return c instanceof RedisCommandTimeoutException
        || (c instanceof RedisException && !(c instanceof RedisCommandExecutionException)
            && !(c instanceof RedisConnectionException));
  }

  /**
   * Runs {@code listener} each time one of the client's connections (re)connects, on a Lettuce
   * thread: it must be quick and must not call Redis itself (schedule the work elsewhere).
   */
  public void onConnectionActivated(Runnable listener) {
    connections.onConnectionActivated(listener);
  }

  @Override
  public void close() {
    connections.close();
  }
}
