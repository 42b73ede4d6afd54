package dev.bullpen.admin;

import java.time.Instant;
import java.util.List;

/**
 * Everything {@link RedisMonitor} knows at one moment, as the admin API and the dashboard show
 * it.
 *
 * @param server the server's figures from the last successful read, or null if none succeeded
 * @param serverError why the last read of the server failed, or null when it succeeded
 * @param client this process's own figures
 * @param queues per-queue estimates, by queue name
 * @param alerts the Redis alert rules that fire now (subject {@code "redis"})
 * @param findings the last {@link RedisDoctor} findings
 * @param readAt when the server figures were last read (or tried)
 */
public record RedisReport(RedisSnapshot server, String serverError, RedisClientFigures client,
    List<QueueRedisFigures> queues, List<Alert> alerts, List<Finding> findings, Instant readAt) {

  /** The worst level among the alerts and the findings. */
  public HealthLevel health() {
    HealthLevel h = HealthLevel.EXCELLENT;
    for (Alert a : alerts) {
      h = h.worst(a.level());
    }
    for (Finding f : findings) {
      if (f.isProblem()) {
        h = h.worst(f.severity());
      }
    }
    return h;
  }
}
