package dev.bullpen.internal;

import dev.bullpen.BullpenException;
import dev.bullpen.RedisUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The process's access to Redis: one shared multiplexed connection for ordinary commands and
 * scripts (concurrent callers are pipelined on it for free), and dedicated connections for the
 * blocking loops (worker fetch, events reader).
 *
 * <p>Implementation notes: every call on the shared connection has the configured timeout
 * (Lettuce's {@link TimeoutOptions}); blocking connections come from a second client without a
 * command timeout, and their callers bound each call themselves. Lettuce reconnects on its own;
 * while it is disconnected, commands are queued and fail at their timeout. Every Lettuce failure
 * leaves this class as a {@link RedisUnavailableException} (the server did not answer) or a
 * {@link BullpenException} (the server answered with an error), so no Lettuce type escapes.
 */
public final class RedisGateway implements AutoCloseable {
  private final RedisURI uri;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisClient blockingClient;
  private final StatefulRedisConnection<String, String> shared;
  private final Duration timeout;
  private final LongAdder calls = new LongAdder();

  public RedisGateway(String redisUri, Duration commandTimeout) {
    this.timeout = commandTimeout;
    try {
      this.uri = RedisURI.create(redisUri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid Redis URI " + redact(redisUri) + ": "
          + e.getMessage(), e);
    }
    uri.setTimeout(commandTimeout);
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2)
        .computationThreadPoolSize(2).build();
    SocketOptions socket = SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true)
        .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder().autoReconnect(true).socketOptions(socket)
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout)).build());
    this.blockingClient = RedisClient.create(resources, uri);
    blockingClient.setOptions(ClientOptions.builder().autoReconnect(true).socketOptions(socket)
        .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build()).build());
    try {
      this.shared = client.connect(StringCodec.UTF8);
    } catch (RuntimeException e) {
      close();
      throw translate("connect to " + redact(redisUri), e);
    }
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

  /** Runs ordinary commands on the shared connection, translating failures. */
  public <T> T call(String what, Function<RedisCommands<String, String>, T> body) {
    calls.increment();
    try {
      return body.apply(shared.sync());
    } catch (RuntimeException e) {
      throw translate(what, e);
    }
  }

  /** HGETALL of many keys, pipelined on the shared connection (one round trip). */
  public List<Map<String, String>> hgetallMany(List<String> keys) {
    calls.add(keys.size());
    try {
      RedisAsyncCommands<String, String> async = shared.async();
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
      throw new RedisUnavailableException("Redis did not answer within " + timeout.toMillis()
          + " ms (read " + keys.size() + " jobs)", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw translate("read jobs", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BullpenException("interrupted while reading jobs", e);
    } catch (RuntimeException e) {
      throw translate("read jobs", e);
    }
  }

  /**
   * Runs a script by EVALSHA, falling back to EVAL (which also caches it) when the server does
   * not know it yet (first use, or after a restart or SCRIPT FLUSH).
   */
  public <T> T eval(LuaScript script, String[] keys, String... args) {
    calls.increment();
    RedisCommands<String, String> sync = shared.sync();
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
    }
  }

  /**
   * Runs a script without blocking the caller; the future completes on a Lettuce thread, so
   * continue on your own executor. Falls back to EVAL on NOSCRIPT like {@link #eval}. Failures
   * arrive already translated.
   */
  public <T> CompletableFuture<T> evalAsync(LuaScript script, String[] keys, String... args) {
    calls.increment();
    RedisAsyncCommands<String, String> async = shared.async();
    CompletableFuture<T> out = new CompletableFuture<>();
    async.<T>evalsha(script.sha(), ScriptOutputType.MULTI, keys, args).whenComplete((r, e) -> {
      if (e == null) {
        out.complete(r);
      } else if (isNoScript(e)) {
        async.<T>eval(script.source(), ScriptOutputType.MULTI, keys, args)
            .whenComplete((r2, e2) -> {
              if (e2 == null) {
                out.complete(r2);
              } else {
                out.completeExceptionally(translate("script " + script.name(), unwrap(e2)));
              }
            });
      } else {
        out.completeExceptionally(translate("script " + script.name(), unwrap(e)));
      }
    });
    return out;
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
    calls.increment();
    RedisCommands<String, String> sync = shared.sync();
    try {
      try {
        return sync.dispatch(CommandType.EVALSHA, new NestedMultiOutput<>(StringCodec.UTF8),
            scriptArgs(script.sha(), keys, args, last));
      } catch (RedisNoScriptException e) {
        return sync.dispatch(CommandType.EVAL, new NestedMultiOutput<>(StringCodec.UTF8),
            scriptArgs(script.source(), keys, args, last));
      } catch (RedisCommandExecutionException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
          return sync.dispatch(CommandType.EVAL, new NestedMultiOutput<>(StringCodec.UTF8),
              scriptArgs(script.source(), keys, args, last));
        }
        throw e;
      }
    } catch (RuntimeException e) {
      throw translate("script " + script.name(), e);
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
    return a.add(last);
  }

  /** Like {@link #eval} for scripts whose reply is a single integer or status. */
  public Object evalValue(LuaScript script, String[] keys, String... args) {
    return eval(script, keys, args);
  }

  /**
   * Opens a dedicated connection for a blocking loop, named {@code clientName} (CLIENT SETNAME)
   * when not null. Calls on it have no timeout of their own: bound them with
   * {@link BlockingConnection#call}.
   */
  public BlockingConnection openBlocking(String clientName) {
    try {
      // The name goes into the URI so that Lettuce sets it again on every reconnect.
      RedisURI named = clientName == null ? uri
          : RedisURI.builder(uri).withClientName(clientName).build();
      StatefulRedisConnection<String, String> conn =
          blockingClient.connect(StringCodec.UTF8, named);
      return new BlockingConnection(conn, this);
    } catch (RuntimeException e) {
      throw translate("open a blocking connection", e);
    }
  }

  /** Maps a Lettuce failure to Bullpen's exceptions. */
  public RuntimeException translate(String what, Throwable e) {
    if (e instanceof BullpenException) {
      return (BullpenException) e;
    }
    if (e instanceof RedisCommandTimeoutException) {
      return new RedisUnavailableException(
          "Redis did not answer within " + timeout.toMillis() + " ms (" + what + ")", e);
    }
    if (e instanceof RedisConnectionException) {
      return new RedisUnavailableException("cannot reach Redis at " + uri.getHost() + ":"
          + uri.getPort() + " (" + what + "): " + e.getMessage(), e);
    }
    if (e instanceof RedisCommandExecutionException) {
      return new BullpenException("Redis refused " + what + ": " + e.getMessage(), e);
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

  static String redact(String uri) {
    return uri == null ? "null" : uri.replaceAll("//[^@/]*@", "//***@");
  }

  @Override
  public void close() {
    try {
      if (shared != null) {
        shared.close();
      }
    } catch (RuntimeException ignored) {
      // closing anyway
    }
    blockingClient.shutdown(0, 2, TimeUnit.SECONDS);
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
