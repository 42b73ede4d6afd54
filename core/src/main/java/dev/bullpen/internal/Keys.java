package dev.bullpen.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The one place that knows a queue's Redis key names (FORMAT.md 1): {@code P:Q:suffix} for queue
 * keys, {@code P:Q:id} for a job, {@code P:Q:id:sub} for its sub-keys.
 */
public final class Keys {
  private final String prefix;
  private final String queue;
  private final String base;

  public Keys(String prefix, String queue) {
    this.prefix = prefix;
    this.queue = queue;
    this.base = prefix + ":" + queue + ":";
  }

  /**
   * The hash tag every key of queue {@code queue} under {@code prefix} carries (Redis Cluster's
   * rule: the text between the first '{' and the next '}', if not empty), or null when the keys
   * of the queue would hash to different slots. The tag must end inside {@code P:Q:} so that job
   * keys ({@code P:Q:id}, {@code P:Q:id:lock}) carry it too.
   */
  public static String hashTag(String prefix, String queue) {
    String base = prefix + ":" + queue + ":";
    int open = base.indexOf('{');
    if (open < 0) {
      return null;
    }
    int close = base.indexOf('}', open + 1);
    if (close < 0 || close == open + 1) {
      return null;
    }
    return base.substring(open + 1, close);
  }

  /** {@code P:Q:}, with the trailing colon. */
  public String base() {
    return base;
  }

  /** {@code P:Q}, the queue's qualified name. */
  public String qualifiedName() {
    return prefix + ":" + queue;
  }

  public String key(String suffix) {
    return base + suffix;
  }

  public String job(String jobId) {
    return base + jobId;
  }

  public String lock(String jobId) {
    return base + jobId + ":lock";
  }

  public String logs(String jobId) {
    return base + jobId + ":logs";
  }

  /** The KEYS a script takes, in its header's order. */
  public String[] forScript(LuaScript script) {
    List<String> names = script.keyNames();
    String[] keys = new String[names.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = base + names.get(i);
    }
    return keys;
  }

  /**
   * The client name BullMQ uses to discover workers and listeners: {@code P:base64(Q)} plus
   * {@code suffix} (e.g. ":w:name" or ":qe").
   */
  public String clientName(String suffix) {
    return prefix + ":"
        + Base64.getEncoder().encodeToString(queue.getBytes(StandardCharsets.UTF_8)) + suffix;
  }
}
