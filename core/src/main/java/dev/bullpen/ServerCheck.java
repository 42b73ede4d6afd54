package dev.bullpen;

import dev.bullpen.internal.RedisGateway;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/** Startup checks of the Redis server: version and eviction policy (FORMAT.md 9.1). */
final class ServerCheck {
  private ServerCheck() {}

  static void warnAboutServer(RedisGateway gateway, Logger log) {
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
      log.warn("could not read INFO from Redis: {}", e.getMessage());
      return;
    }
    for (String info : infos) {
      String where = field(info, "tcp_port");
      String version = field(info, "redis_version");
      if (version != null && compare(version, "6.2.0") < 0) {
        log.warn("Redis {} (port {}) is older than 6.2.0, the oldest version Bullpen supports",
            version, where);
      }
      String policy = field(info, "maxmemory_policy");
      if (policy != null && !policy.equals("noeviction")) {
        log.warn("Redis maxmemory-policy is '{}' (port {}): Redis may EVICT queue keys and lose"
            + " jobs under memory pressure. Set maxmemory-policy noeviction for job queues.",
            policy, where);
      }
    }
  }

  static String field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length ? parse(x[i]) : 0;
      int q = i < y.length ? parse(y[i]) : 0;
      if (p != q) {
        return Integer.compare(p, q);
      }
    }
    return 0;
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s.replaceAll("[^0-9].*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
