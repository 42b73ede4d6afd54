package dev.bullpen;

import dev.bullpen.internal.Keys;
import dev.bullpen.internal.LuaScript;
import dev.bullpen.internal.RedisGateway;
import dev.bullpen.internal.Scripts;
import dev.bullpen.spi.JobCodec;
import java.util.List;

/**
 * What every handle on one queue shares: its keys, the client's connection, scripts, codec and
 * clock. Package-private: the public types hold one and never show it.
 */
final class QueueContext {
  final Bullpen client;
  final String name;
  final Keys keys;

  QueueContext(Bullpen client, String name) {
    JobIds.checkQueueName(name);
    client.checkClusterName(name);
    this.client = client;
    this.name = name;
    this.keys = new Keys(client.prefix(), name);
  }

  RedisGateway redis() {
    return client.gateway();
  }

  Scripts scripts() {
    return client.scripts();
  }

  JobCodec codec() {
    return client.codec();
  }

  long now() {
    return client.clock().millis();
  }

  /** Runs a script with the keys its header lists. */
  <T> T eval(LuaScript script, String... args) {
    return redis().eval(script, keys.forScript(script), args);
  }

  /**
   * Runs a script whose reply carries packed jobs (moveToActive, moveToFinished): bulk strings
   * come back one char per byte, for {@link Fetched#parse}.
   */
  List<Object> evalRaw(LuaScript script, String... args) {
    return redis().evalRaw(script, keys.forScript(script), args, null);
  }

  /** Runs a script whose reply is one integer. */
  long evalLong(LuaScript script, String... args) {
    Object r = redis().eval(script, keys.forScript(script), args);
    return toLong(r);
  }

  static long toLong(Object r) {
    if (r instanceof Number) {
      return ((Number) r).longValue();
    }
    if (r instanceof List && !((List<?>) r).isEmpty()) {
      return toLong(((List<?>) r).get(0));
    }
    if (r instanceof String) {
      return Long.parseLong((String) r);
    }
    throw new IllegalStateException("unexpected script reply " + r);
  }

  /**
   * The one place where a script's negative return code becomes an exception (FORMAT.md 4).
   * Returns {@code code} when it is not negative.
   */
  long check(long code, String operation, String jobId) {
    if (code >= 0) {
      return code;
    }
    String where = operation + " of job " + jobId + " in queue " + name;
    switch ((int) code) {
      case -1:
        throw new JobNotFoundException(where + " failed: the job does not exist");
      case -2:
        throw new LockLostException(where + " rejected: the job's lock is gone (it expired, so"
            + " the job may be running elsewhere after a stalled check)");
      case -3:
        throw new JobStateException(where + " failed: the job is not in the expected state");
      case -4:
        throw new JobStateException(where + " failed: the job has pending children");
      case -6:
        throw new LockLostException(where + " rejected: another worker holds the job's lock");
      case -8:
        throw new JobStateException(where + " failed: the job belongs to a job scheduler");
      case -9:
        throw new JobStateException(where + " failed: the job has failed children");
      default:
        throw new BullpenException(where + " failed with code " + code);
    }
  }
}
