package dev.bullpen.admin;

import dev.bullpen.status.CircuitState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The thresholds of the Redis alert rules, each with a production default. The rules fire as
 * {@link Alert alerts} with subject {@code "redis"}, in the same health model as the queue
 * rules:
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>rule</th><th>fires when</th><th>level</th></tr>
 *   <tr><td>{@code redis-unreachable}</td><td>the last INFO failed</td><td>critical</td></tr>
 *   <tr><td>{@code redis-connections}</td><td>the client holds more than
 *       {@link Builder#maxConnections} connections (default 10)</td><td>warning</td></tr>
 *   <tr><td>{@code redis-cache-hit-rate}</td><td>the status cache answered less than
 *       {@link Builder#minCacheHitRate} (50 %) from memory, over at least 20 requests</td>
 *       <td>warning</td></tr>
 *   <tr><td>{@code redis-status-duration}</td><td>a status read from Redis took longer than
 *       {@link Builder#maxStatusDuration} (500 ms) on average</td><td>warning</td></tr>
 *   <tr><td>{@code redis-timeouts}</td><td>more than {@link Builder#maxTimeoutsPerMinute} (5)
 *       commands timed out in the last minute</td><td>warning</td></tr>
 *   <tr><td>{@code redis-slow-commands}</td><td>a command took longer than
 *       {@link Builder#maxCommandDuration} (500 ms) in the last minute</td><td>warning</td></tr>
 *   <tr><td>{@code redis-circuit-open}</td><td>the status cache stopped reading Redis</td>
 *       <td>critical</td></tr>
 *   <tr><td>{@code redis-memory}</td><td>used memory above {@link Builder#maxMemoryRatio}
 *       (80 %) of {@code maxmemory}; critical from 95 %</td><td>warning</td></tr>
 *   <tr><td>{@code redis-evictions}</td><td>Redis evicted any key (since its start or the last
 *       {@code CONFIG RESETSTAT})</td><td>critical</td></tr>
 *   <tr><td>{@code redis-eviction-policy}</td><td>{@code maxmemory-policy} is not
 *       {@code noeviction}</td><td>critical</td></tr>
 *   <tr><td>{@code redis-persistence}</td><td>the last RDB save or AOF write failed</td>
 *       <td>critical</td></tr>
 *   <tr><td>{@code redis-data-lost}</td><td>the client noticed that Redis lost its data
 *       ({@link dev.bullpen.Bullpen#redisAlerts()})</td><td>critical</td></tr>
 *   <tr><td>{@code redis-replica-lag}</td><td>a replica lags more than
 *       {@link Builder#maxReplicaLag} (10 s), or a replica's link to its master is down</td>
 *       <td>warning</td></tr>
 * </table>
 */
public final class RedisAlertRules {
  /** The production defaults listed above. */
  public static final RedisAlertRules DEFAULT = builder().build();
  /** The subject of every Redis alert. */
  public static final String SUBJECT = "redis";
  /** Status requests a hit rate needs before it is judged. */
  static final long MIN_STATUS_REQUESTS = 20;
  private static final double CRITICAL_MEMORY_RATIO = 0.95;

  private final int maxConnections;
  private final double minCacheHitRate;
  private final Duration maxStatusDuration;
  private final int maxTimeoutsPerMinute;
  private final Duration maxCommandDuration;
  private final double maxMemoryRatio;
  private final Duration maxReplicaLag;

  private RedisAlertRules(Builder b) {
    this.maxConnections = b.maxConnections;
    this.minCacheHitRate = b.minCacheHitRate;
    this.maxStatusDuration = b.maxStatusDuration;
    this.maxTimeoutsPerMinute = b.maxTimeoutsPerMinute;
    this.maxCommandDuration = b.maxCommandDuration;
    this.maxMemoryRatio = b.maxMemoryRatio;
    this.maxReplicaLag = b.maxReplicaLag;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these thresholds. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConnections = maxConnections;
    b.minCacheHitRate = minCacheHitRate;
    b.maxStatusDuration = maxStatusDuration;
    b.maxTimeoutsPerMinute = maxTimeoutsPerMinute;
    b.maxCommandDuration = maxCommandDuration;
    b.maxMemoryRatio = maxMemoryRatio;
    b.maxReplicaLag = maxReplicaLag;
    return b;
  }

  /** Connections one client may hold before {@code redis-connections} fires. */
  public int maxConnections() {
    return maxConnections;
  }

  /** The status cache hit rate below which {@code redis-cache-hit-rate} fires. */
  public double minCacheHitRate() {
    return minCacheHitRate;
  }

  /** The mean status read time above which {@code redis-status-duration} fires. */
  public Duration maxStatusDuration() {
    return maxStatusDuration;
  }

  /** Timeouts per minute above which {@code redis-timeouts} fires. */
  public int maxTimeoutsPerMinute() {
    return maxTimeoutsPerMinute;
  }

  /** The command time above which {@code redis-slow-commands} fires. */
  public Duration maxCommandDuration() {
    return maxCommandDuration;
  }

  /** The share of {@code maxmemory} above which {@code redis-memory} fires. */
  public double maxMemoryRatio() {
    return maxMemoryRatio;
  }

  /** The replica lag above which {@code redis-replica-lag} fires. */
  public Duration maxReplicaLag() {
    return maxReplicaLag;
  }

  /**
   * The rules that fire for these figures, each with {@code since = now} (the monitor keeps the
   * time a rule started firing). {@code server} is null when it could not be read, and then
   * {@code serverError} says why.
   */
  List<Alert> evaluate(RedisSnapshot server, String serverError, RedisClientFigures client,
      Instant now) {
    List<Alert> out = new ArrayList<>();
    if (serverError != null) {
      out.add(alert("redis-unreachable", HealthLevel.CRITICAL, "Redis could not be read: "
          + serverError + ". Check that it runs and answers; jobs are neither added nor"
          + " processed meanwhile.", Double.NaN, Double.NaN, now));
    }
    if (client != null) {
      clientRules(client, out, now);
    }
    if (server != null) {
      serverRules(server, out, now);
    }
    return out;
  }

  private void clientRules(RedisClientFigures c, List<Alert> out, Instant now) {
    if (c.connections() > maxConnections) {
      out.add(alert("redis-connections", HealthLevel.WARNING, "this process holds "
          + c.connections() + " Redis connections (more than " + maxConnections + "): each"
          + " worker and events reader has its own blocking connection; share QueueEvents and"
          + " raise worker concurrency instead of adding workers.", c.connections(),
          maxConnections, now));
    }
    if (c.statusRequests() >= MIN_STATUS_REQUESTS && c.statusHitRate() < minCacheHitRate) {
      out.add(alert("redis-cache-hit-rate", HealthLevel.WARNING, String.format(Locale.ROOT,
          "the status cache answered only %.0f %% of %d requests from memory (below %.0f %%):"
          + " raise its size or expiry, or check that it follows the queues' events.",
          c.statusHitRate() * 100, c.statusRequests(), minCacheHitRate * 100),
          c.statusHitRate(), minCacheHitRate, now));
    }
    if (c.statusLoadTime() != null && c.statusLoadTime().compareTo(maxStatusDuration) > 0) {
      out.add(alert("redis-status-duration", HealthLevel.WARNING, "status reads from Redis took "
          + c.statusLoadTime().toMillis() + " ms on average (over " + maxStatusDuration.toMillis()
          + " ms): Redis is slow or overloaded; look at its ops/s, slow log and latency.",
          c.statusLoadTime().toMillis(), maxStatusDuration.toMillis(), now));
    }
    if (c.timeoutsLastMinute() > maxTimeoutsPerMinute) {
      out.add(alert("redis-timeouts", HealthLevel.WARNING, c.timeoutsLastMinute()
          + " Redis commands timed out in the last minute (more than " + maxTimeoutsPerMinute
          + "): Redis is blocked, overloaded or unreachable; check its latency and slow log.",
          c.timeoutsLastMinute(), maxTimeoutsPerMinute, now));
    }
    if (c.slowestLastMinute().compareTo(maxCommandDuration) > 0) {
      out.add(alert("redis-slow-commands", HealthLevel.WARNING, "a Redis command took "
          + c.slowestLastMinute().toMillis() + " ms in the last minute (over "
          + maxCommandDuration.toMillis() + " ms): look for slow commands (SLOWLOG GET),"
          + " large keys, a saving fork or a blocked server.", c.slowestLastMinute().toMillis(),
          maxCommandDuration.toMillis(), now));
    }
    if (c.circuit() == CircuitState.OPEN) {
      out.add(alert("redis-circuit-open", HealthLevel.CRITICAL, "the status cache's circuit"
          + " breaker is open: Redis failed repeatedly, and job pages show the last known"
          + " state.", Double.NaN, Double.NaN, now));
    }
  }

  private void serverRules(RedisSnapshot s, List<Alert> out, Instant now) {
    double ratio = s.memoryRatio();
    if (!Double.isNaN(ratio) && ratio > maxMemoryRatio) {
      boolean critical = ratio >= CRITICAL_MEMORY_RATIO;
      out.add(alert("redis-memory", critical ? HealthLevel.CRITICAL : HealthLevel.WARNING,
          String.format(Locale.ROOT, "Redis uses %.0f %% of maxmemory (%d of %d bytes; alert"
              + " above %.0f %%): clean completed and failed jobs (removeOnComplete/Fail),"
              + " trim event streams, or raise maxmemory.", ratio * 100, s.usedMemoryBytes(),
              s.maxmemoryBytes(), maxMemoryRatio * 100), ratio, maxMemoryRatio, now));
    }
    if (s.evictedKeys() > 0) {
      out.add(alert("redis-evictions", HealthLevel.CRITICAL, "Redis evicted " + s.evictedKeys()
          + " keys to stay under maxmemory: jobs may be lost. Set maxmemory-policy noeviction,"
          + " free memory, then CONFIG RESETSTAT to clear this alert.", s.evictedKeys(), 0,
          now));
    }
    if (s.maxmemoryPolicy() != null && !"noeviction".equals(s.maxmemoryPolicy())) {
      out.add(alert("redis-eviction-policy", HealthLevel.CRITICAL, "maxmemory-policy is "
          + s.maxmemoryPolicy() + ": under memory pressure Redis may evict queue keys and lose"
          + " jobs. Set maxmemory-policy noeviction.", Double.NaN, Double.NaN, now));
    }
    if (!s.persistenceOk()) {
      out.add(alert("redis-persistence", HealthLevel.CRITICAL, "Redis persistence is failing"
          + " (last RDB save " + s.rdbLastSaveStatus() + ", last AOF write "
          + s.aofLastWriteStatus() + ", last AOF rewrite " + s.aofLastRewriteStatus() + "): a"
          + " restart would lose jobs, and Redis may refuse writes. Check disk space and the"
          + " permissions of its dir; see its log.", Double.NaN, Double.NaN, now));
    }
    if ("down".equals(s.masterLinkStatus())) {
      out.add(alert("redis-replica-lag", HealthLevel.WARNING, "this Redis is a replica whose"
          + " link to its master is down.", Double.NaN, maxReplicaLag.toSeconds(), now));
    } else if (s.replicaLag() != null && s.replicaLag().compareTo(maxReplicaLag) > 0) {
      out.add(alert("redis-replica-lag", HealthLevel.WARNING, "a replica lags "
          + s.replicaLag().toSeconds() + " s behind (over " + maxReplicaLag.toSeconds()
          + " s): a failover now would lose recent jobs. Check the replica's network and"
          + " load.", s.replicaLag().toSeconds(), maxReplicaLag.toSeconds(), now));
    }
  }

  private static Alert alert(String rule, HealthLevel level, String message, double value,
      double threshold, Instant now) {
    return new Alert(rule, SUBJECT, level, message, value, threshold, now);
  }

  /** Builds {@link RedisAlertRules}; each setter validates at once. */
  public static final class Builder {
    private int maxConnections = 10;
    private double minCacheHitRate = 0.5;
    private Duration maxStatusDuration = Duration.ofMillis(500);
    private int maxTimeoutsPerMinute = 5;
    private Duration maxCommandDuration = Duration.ofMillis(500);
    private double maxMemoryRatio = 0.8;
    private Duration maxReplicaLag = Duration.ofSeconds(10);

    private Builder() {}

    /** Connections per client above which {@code redis-connections} fires (default 10). */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1, got " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /** Status cache hit rate (0..1) below which the rule fires (default 0.5). */
    public Builder minCacheHitRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("minCacheHitRate must be within 0..1, got " + rate);
      }
      this.minCacheHitRate = rate;
      return this;
    }

    /** Mean status read time above which the rule fires (default 500 ms). */
    public Builder maxStatusDuration(Duration max) {
      this.maxStatusDuration = positive("maxStatusDuration", max);
      return this;
    }

    /** Timeouts per minute above which the rule fires (default 5). */
    public Builder maxTimeoutsPerMinute(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxTimeoutsPerMinute must be at least 0, got "
            + max);
      }
      this.maxTimeoutsPerMinute = max;
      return this;
    }

    /** Command time above which {@code redis-slow-commands} fires (default 500 ms). */
    public Builder maxCommandDuration(Duration max) {
      this.maxCommandDuration = positive("maxCommandDuration", max);
      return this;
    }

    /** Share of maxmemory (0..1, exclusive) above which the rule fires (default 0.8). */
    public Builder maxMemoryRatio(double ratio) {
      if (!(ratio > 0 && ratio < 1)) {
        throw new IllegalArgumentException("maxMemoryRatio must be within (0, 1), got "
            + ratio);
      }
      this.maxMemoryRatio = ratio;
      return this;
    }

    /** Replica lag above which the rule fires (default 10 s). */
    public Builder maxReplicaLag(Duration max) {
      this.maxReplicaLag = positive("maxReplicaLag", max);
      return this;
    }

    /** The rules. */
    public RedisAlertRules build() {
      return new RedisAlertRules(this);
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
