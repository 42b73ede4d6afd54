package dev.bullpen.internal;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where Redis is: one server, a master found through Sentinel, or a Cluster found through seed
 * nodes. Parsed from the URI forms the public builder accepts:
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]}, {@code rediss://} (TLS),
 *       {@code redis-socket://path}: one server;
 *   <li>{@code redis-sentinel://[password@]host:port[,host:port...][/db]#masterName} (Lettuce's
 *       format; {@code rediss-sentinel://} for TLS): the master the sentinels name;
 *   <li>{@code redis-cluster://[user:password@]host:port[,host:port...]} ({@code rediss-cluster://}
 *       for TLS): a Redis Cluster, the hosts being seeds (one reachable seed is enough).
 * </ul>
 */
public final class RedisTarget {
  /** The three topologies Bullpen runs on. */
  public enum Kind { STANDALONE, SENTINEL, CLUSTER }

  /**
   * Which certificate authorities a TLS connection trusts instead of the JDK's defaults: a PEM
   * file of CA certificates, or a key store (JKS or PKCS#12) with its password.
   */
  public record Trust(java.nio.file.Path caCertificate, java.nio.file.Path trustStore,
      char[] trustStorePassword) {}

  private final Kind kind;
  private final List<RedisURI> uris;
  private final String text;
  private final Trust trust;

  private RedisTarget(Kind kind, List<RedisURI> uris, String text) {
    this(kind, uris, text, null);
  }

  private RedisTarget(Kind kind, List<RedisURI> uris, String text, Trust trust) {
    this.kind = kind;
    this.uris = List.copyOf(uris);
    this.text = text;
    this.trust = trust;
  }

  /** This target, trusting {@code trust} for TLS connections (null = the JDK's defaults). */
  public RedisTarget withTrust(Trust trust) {
    return new RedisTarget(kind, uris, text, trust);
  }

  /** The custom TLS trust, or null for the JDK's default trust store. */
  public Trust trust() {
    return trust;
  }

  /** The URI schemes {@link #parse} accepts, for error messages. */
  public static final String SCHEMES = "redis://, rediss://, redis-socket://, redis-sentinel://,"
      + " rediss-sentinel://, redis-cluster:// or rediss-cluster://";

  /** True when {@code uri} starts with one of the {@link #SCHEMES}. */
  public static boolean hasKnownScheme(String uri) {
    if (uri == null) {
      return false;
    }
    String u = uri.toLowerCase(Locale.ROOT);
    for (String s : new String[] {"redis://", "rediss://", "redis-socket://", "redis-sentinel://",
        "rediss-sentinel://", "redis-cluster://", "rediss-cluster://"}) {
      if (u.startsWith(s)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses one of the URI forms above.
   *
   * @throws IllegalArgumentException naming the (redacted) URI and what is wrong with it
   */
  public static RedisTarget parse(String uri) {
    if (!hasKnownScheme(uri)) {
      throw new IllegalArgumentException("uri must start with " + SCHEMES + ", got "
          + (uri == null ? "null" : "'" + redact(uri) + "'"));
    }
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://")) {
      return parseCluster(uri, lower.startsWith("rediss"));
    }
    if (lower.contains("-sentinel://") && !uri.contains("#")) {
      throw new IllegalArgumentException("Sentinel URI " + redact(uri) + " names no master: add"
          + " '#masterName', e.g. redis-sentinel://host:26379,host2:26379#mymaster");
    }
    RedisURI parsed = create(uri);
    if (parsed.getSentinels().isEmpty()) {
      return new RedisTarget(Kind.STANDALONE, List.of(parsed), redact(uri));
    }
    if (parsed.getSentinelMasterId() == null || parsed.getSentinelMasterId().isEmpty()) {
      throw new IllegalArgumentException("Sentinel URI " + redact(uri) + " names no master: add"
          + " '#masterName', e.g. redis-sentinel://host:26379,host2:26379#mymaster");
    }
    return new RedisTarget(Kind.SENTINEL, List.of(parsed), redact(uri));
  }

  /** A Cluster from seed URIs, each {@code redis://} or {@code rediss://}. */
  public static RedisTarget cluster(List<String> seedUris) {
    if (seedUris == null || seedUris.isEmpty()) {
      throw new IllegalArgumentException("cluster seed URIs must not be empty");
    }
    List<RedisURI> seeds = new ArrayList<>();
    for (String s : seedUris) {
      String l = s == null ? "" : s.toLowerCase(Locale.ROOT);
      if (!(l.startsWith("redis://") || l.startsWith("rediss://"))) {
        throw new IllegalArgumentException("every cluster seed must be a redis:// or rediss:// URI,"
            + " got " + (s == null ? "null" : "'" + redact(s) + "'"));
      }
      RedisURI u = create(s);
      if (u.getDatabase() != 0) {
        throw new IllegalArgumentException("Redis Cluster has only database 0, got seed "
            + redact(s));
      }
      seeds.add(u);
    }
    return new RedisTarget(Kind.CLUSTER, seeds, "redis-cluster://" + seeds.stream()
        .map(u -> u.getHost() + ":" + u.getPort()).collect(Collectors.joining(",")));
  }

  private static RedisTarget parseCluster(String uri, boolean tls) {
    String rest = uri.substring(uri.indexOf("://") + 3);
    int q = rest.indexOf('?');
    String query = q >= 0 ? rest.substring(q) : "";
    rest = q >= 0 ? rest.substring(0, q) : rest;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String db = rest.substring(slash + 1);
      if (!db.isEmpty() && !db.equals("0")) {
        throw new IllegalArgumentException("Redis Cluster has only database 0, got "
            + redact(uri));
      }
      rest = rest.substring(0, slash);
    }
    int at = rest.lastIndexOf('@');
    String userInfo = at >= 0 ? rest.substring(0, at + 1) : "";
    String hosts = at >= 0 ? rest.substring(at + 1) : rest;
    List<String> seeds = new ArrayList<>();
    for (String hostPort : hosts.split(",")) {
      if (hostPort.isBlank()) {
        throw new IllegalArgumentException("empty seed in " + redact(uri));
      }
      seeds.add((tls ? "rediss://" : "redis://") + userInfo + hostPort.trim() + query);
    }
    return cluster(seeds);
  }

  private static RedisURI create(String uri) {
    try {
      return RedisURI.create(uri);
    } catch (RuntimeException e) {
      // Not chained: Lettuce's message and cause may quote the URI with its password.
      throw new IllegalArgumentException("invalid Redis URI " + redact(uri) + ": "
          + scrub(e.getMessage(), uri));
    }
  }

  public Kind kind() {
    return kind;
  }

  /** The one URI of a standalone or Sentinel target. */
  public RedisURI uri() {
    return uris.get(0);
  }

  /** The seeds of a Cluster target. */
  public List<RedisURI> seeds() {
    return uris;
  }

  /** The target for messages, without passwords. */
  public String describe() {
    if (kind == Kind.STANDALONE) {
      RedisURI u = uri();
      return u.getSocket() != null ? u.getSocket() : u.getHost() + ":" + u.getPort();
    }
    if (kind == Kind.SENTINEL) {
      return "master '" + uri().getSentinelMasterId() + "' via sentinels " + uri().getSentinels()
          .stream().map(s -> s.getHost() + ":" + s.getPort()).collect(Collectors.joining(","));
    }
    return "Redis Cluster " + text;
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * The URI with its credentials replaced by {@code ***}: everything between {@code ://} and the
   * last {@code @} (a password may itself contain {@code @}, {@code /} or {@code :}, a host
   * never contains {@code @}), and any {@code password=} query value.
   */
  public static String redact(String uri) {
    if (uri == null) {
      return "null";
    }
    String out = uri;
    int start = out.indexOf("://");
    int at = out.lastIndexOf('@');
    if (start >= 0 && at > start) {
      out = out.substring(0, start + 3) + "***" + out.substring(at);
    } else if (start < 0 && at >= 0) {
      out = "***" + out.substring(at);
    }
    return out.replaceAll("(?i)(password=)[^&#]*", "$1***");
  }

  /** {@code text} with every occurrence of {@code uri} and of its password masked. */
  static String scrub(String text, String uri) {
    if (text == null || uri == null) {
      return text;
    }
    String out = text.replace(uri, redact(uri));
    int start = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (start >= 0 && at > start) {
      String userInfo = uri.substring(start + 3, at);
      int colon = userInfo.indexOf(':');
      String secret = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
      if (!secret.isEmpty()) {
        out = out.replace(secret, "***");
      }
    }
    return out;
  }
}
