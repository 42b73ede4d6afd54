package dev.bullpen;

import dev.bullpen.internal.InfoText;
import dev.bullpen.internal.RedisGateway;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Startup checks of the Redis server: version and eviction policy (FORMAT.md 9.1). A policy other
 * than {@code noeviction} is refused unless tolerated: under it Redis evicts keys when memory
 * runs short, which silently loses jobs that add() accepted (or their locks, so they run twice).
 */
final class ServerCheck {
  private ServerCheck() {}

  /**
   * Checks the server; returns the evicting {@code maxmemory-policy} found (null when every
   * master has {@code noeviction} or INFO could not be read).
   *
   * @throws UnsafeRedisConfigException on an evicting policy that is not tolerated
   */
  static String checkServer(RedisGateway gateway, Logger log, boolean tolerateEviction) {
    List<String> infos = new ArrayList<>();
    try {
      List<String> server = gateway.infoOfEveryMaster("server");
      List<String> memory = gateway.infoOfEveryMaster("memory");
      for (int i = 0; i < Math.min(server.size(), memory.size()); i++) {
        infos.add(server.get(i) + "\n" + memory.get(i));
      }
      if (!gateway.isCluster() && "1".equals(field(gateway.call("INFO cluster",
          r -> r.info("cluster")), "cluster_enabled"))) {
        log.warn("{} is a Redis Cluster node: connect with redis-cluster://host:port so that"
            + " every queue is served by the node that owns its slot", gateway.target()
            .describe());
      }
    } catch (BullpenException e) {
      log.warn("could not read INFO from Redis: {}; cannot check its maxmemory-policy (it must"
          + " be noeviction)", e.getMessage());
      return null;
    }
    String evicting = null;
    for (String info : infos) {
      String where = field(info, "tcp_port");
      String version = field(info, "redis_version");
      if (version != null && InfoText.compareVersions(version, "6.2.0") < 0) {
        log.warn("Redis {} (port {}) is older than 6.2.0, the oldest version Bullpen supports",
            version, where);
      }
      String policy = field(info, "maxmemory_policy");
      if (policy != null && !policy.equals("noeviction")) {
        String server = gateway.target().describe() + (gateway.isCluster() ? " (node port "
            + where + ")" : "");
        if (!tolerateEviction) {
          throw new UnsafeRedisConfigException("Redis at " + server + " has maxmemory-policy '"
              + policy + "': when memory runs short it silently evicts keys, including jobs"
              + " whose add() already returned and the locks of running jobs. Bullpen refuses"
              + " to start on it. Fix: CONFIG SET maxmemory-policy noeviction (and set it in"
              + " redis.conf so it survives a restart). To run anyway and accept losing jobs,"
              + " build the client with Bullpen.builder().tolerateEvictionPolicy(true).");
        }
        log.error("Redis at {} has maxmemory-policy '{}': it may EVICT queue keys and lose"
            + " accepted jobs under memory pressure. Tolerated by configuration"
            + " (tolerateEvictionPolicy); set maxmemory-policy noeviction for job queues.",
            server, policy);
        evicting = policy;
      }
    }
    return evicting;
  }

  static String field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }
}
