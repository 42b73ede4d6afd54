package dev.bullpen.admin;

import dev.bullpen.internal.InfoText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Redis server's own figures at one moment, read from one {@code INFO} (on a Redis Cluster,
 * one per master, combined: sizes and counters are summed over the masters, ratios and lags are
 * the worst master's, a status is "ok" only when every master's is).
 *
 * @param version {@code redis_version} (the lowest among the masters)
 * @param mode {@code "standalone"} or {@code "cluster"}
 * @param nodes masters read (1 unless a cluster)
 * @param uptime time since the server started (the youngest master's)
 * @param usedMemoryBytes {@code used_memory}
 * @param peakMemoryBytes {@code used_memory_peak}
 * @param rssMemoryBytes {@code used_memory_rss}
 * @param fragmentationRatio {@code mem_fragmentation_ratio} (NaN when not reported)
 * @param maxmemoryBytes {@code maxmemory}; 0 means no limit
 * @param maxmemoryPolicy {@code maxmemory_policy}, e.g. {@code noeviction}
 * @param connectedClients {@code connected_clients}
 * @param blockedClients {@code blocked_clients} (workers waiting for jobs are blocked clients)
 * @param opsPerSecond {@code instantaneous_ops_per_sec}
 * @param keyspaceHits {@code keyspace_hits} since start or CONFIG RESETSTAT
 * @param keyspaceMisses {@code keyspace_misses}
 * @param evictedKeys {@code evicted_keys}: keys Redis dropped to stay under maxmemory
 * @param expiredKeys {@code expired_keys}
 * @param keys keys in every database
 * @param aofEnabled whether the append-only file is on
 * @param aofRewriteInProgress {@code aof_rewrite_in_progress}
 * @param aofLastWriteStatus {@code aof_last_write_status} ("ok" or "err")
 * @param aofLastRewriteStatus {@code aof_last_bgrewrite_status}
 * @param rdbSaveInProgress {@code rdb_bgsave_in_progress}
 * @param rdbLastSaveStatus {@code rdb_last_bgsave_status} ("ok" or "err")
 * @param rdbLastSaveAt {@code rdb_last_save_time}
 * @param rdbChangesSinceLastSave {@code rdb_changes_since_last_save}
 * @param role {@code "master"} or {@code "slave"} (a replica)
 * @param connectedReplicas {@code connected_slaves}
 * @param replicaLag the largest replica lag a master reports, or on a replica the time since it
 *     last heard from its master; null when there is no replication
 * @param masterLinkStatus on a replica, {@code "up"} or {@code "down"}; null on a master
 * @param readAt when the figures were read
 */
public record RedisSnapshot(String version, String mode, int nodes, Duration uptime,
    long usedMemoryBytes, long peakMemoryBytes, long rssMemoryBytes, double fragmentationRatio,
    long maxmemoryBytes, String maxmemoryPolicy, long connectedClients, long blockedClients,
    long opsPerSecond, long keyspaceHits, long keyspaceMisses, long evictedKeys,
    long expiredKeys, long keys, boolean aofEnabled, boolean aofRewriteInProgress,
    String aofLastWriteStatus, String aofLastRewriteStatus, boolean rdbSaveInProgress,
    String rdbLastSaveStatus, Instant rdbLastSaveAt, long rdbChangesSinceLastSave, String role,
    int connectedReplicas, Duration replicaLag, String masterLinkStatus, Instant readAt) {

  /** Used memory as a share of {@code maxmemory} (0..1+), or NaN when there is no limit. */
  public double memoryRatio() {
    return maxmemoryBytes <= 0 ? Double.NaN : (double) usedMemoryBytes / maxmemoryBytes;
  }

  /** Keyspace hits among lookups (0..1), or NaN before the first lookup. */
  public double keyspaceHitRate() {
    long all = keyspaceHits + keyspaceMisses;
    return all == 0 ? Double.NaN : (double) keyspaceHits / all;
  }

  /** Whether the last RDB save and the last AOF write (when AOF is on) succeeded. */
  public boolean persistenceOk() {
    return "ok".equals(rdbLastSaveStatus)
        && (!aofEnabled || ("ok".equals(aofLastWriteStatus)
            && !"err".equals(aofLastRewriteStatus)));
  }

  /** Combines the parsed INFO of one server, or of every master of a cluster. */
  static RedisSnapshot of(List<Map<String, String>> infos, boolean cluster, Instant readAt) {
    if (infos.isEmpty()) {
      throw new IllegalArgumentException("no INFO to read figures from");
    }
    String version = null;
    long uptime = Long.MAX_VALUE;
    long used = 0;
    long peak = 0;
    long rss = 0;
    double frag = Double.NaN;
    long max = 0;
    String policy = null;
    long clients = 0;
    long blocked = 0;
    long ops = 0;
    long hits = 0;
    long misses = 0;
    long evicted = 0;
    long expired = 0;
    long keys = 0;
    boolean aof = false;
    boolean aofRewriting = false;
    String aofWrite = "ok";
    String aofRewrite = "ok";
    boolean rdbSaving = false;
    String rdbStatus = "ok";
    long lastSave = Long.MAX_VALUE;
    long changes = 0;
    String role = null;
    int replicas = 0;
    long lagSeconds = -1;
    String link = null;
    for (Map<String, String> i : infos) {
      String v = i.getOrDefault("redis_version", "0");
      version = version == null || InfoText.compareVersions(v, version) < 0 ? v : version;
      uptime = Math.min(uptime, InfoText.longField(i, "uptime_in_seconds", 0));
      used += InfoText.longField(i, "used_memory", 0);
      peak += InfoText.longField(i, "used_memory_peak", 0);
      rss += InfoText.longField(i, "used_memory_rss", 0);
      double f = InfoText.doubleField(i, "mem_fragmentation_ratio");
      frag = Double.isNaN(frag) ? f : Double.isNaN(f) ? frag : Math.max(frag, f);
      max += InfoText.longField(i, "maxmemory", 0);
      String p = i.get("maxmemory_policy");
      policy = policy == null || "noeviction".equals(policy) ? p : policy;
      clients += InfoText.longField(i, "connected_clients", 0);
      blocked += InfoText.longField(i, "blocked_clients", 0);
      ops += InfoText.longField(i, "instantaneous_ops_per_sec", 0);
      hits += InfoText.longField(i, "keyspace_hits", 0);
      misses += InfoText.longField(i, "keyspace_misses", 0);
      evicted += InfoText.longField(i, "evicted_keys", 0);
      expired += InfoText.longField(i, "expired_keys", 0);
      for (Map.Entry<String, String> e : i.entrySet()) {
        if (e.getKey().matches("db\\d+")) {
          String k = InfoText.part(e.getValue(), "keys");
          keys += k == null ? 0 : Long.parseLong(k);
        }
      }
      aof |= "1".equals(i.get("aof_enabled"));
      aofRewriting |= "1".equals(i.get("aof_rewrite_in_progress"));
      aofWrite = worse(aofWrite, i.get("aof_last_write_status"));
      aofRewrite = worse(aofRewrite, i.get("aof_last_bgrewrite_status"));
      rdbSaving |= "1".equals(i.get("rdb_bgsave_in_progress"));
      rdbStatus = worse(rdbStatus, i.get("rdb_last_bgsave_status"));
      lastSave = Math.min(lastSave, InfoText.longField(i, "rdb_last_save_time", 0));
      changes += InfoText.longField(i, "rdb_changes_since_last_save", 0);
      String r = i.getOrDefault("role", "master");
      role = role == null || "master".equals(role) ? r : role;
      replicas += (int) InfoText.longField(i, "connected_slaves", 0);
      if ("slave".equals(r)) {
        String l = i.get("master_link_status");
        link = link == null || "up".equals(link) ? l : link;
        lagSeconds = Math.max(lagSeconds, InfoText.longField(i, "master_last_io_seconds_ago",
            -1));
      }
      for (Map.Entry<String, String> e : i.entrySet()) {
        if (e.getKey().matches("slave\\d+")) {
          String lag = InfoText.part(e.getValue(), "lag");
          if (lag != null) {
            lagSeconds = Math.max(lagSeconds, Long.parseLong(lag));
          }
        }
      }
    }
    return new RedisSnapshot(version, cluster ? "cluster" : "standalone", infos.size(),
        Duration.ofSeconds(uptime), used, peak, rss, frag, max, policy, clients, blocked, ops,
        hits, misses, evicted, expired, keys, aof, aofRewriting, aofWrite, aofRewrite, rdbSaving,
        rdbStatus, Instant.ofEpochSecond(lastSave), changes, role, replicas,
        lagSeconds < 0 ? null : Duration.ofSeconds(lagSeconds), link, readAt);
  }

  private static String worse(String so, String next) {
    return next == null || "ok".equals(so) && "ok".equals(next) ? so : "ok".equals(so) ? next
        : so;
  }
}
