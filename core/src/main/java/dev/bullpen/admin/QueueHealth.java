package dev.bullpen.admin;

import java.util.List;
import java.util.Objects;

/**
 * How a queue is doing: the worst level among its open alerts ({@link HealthLevel#EXCELLENT}
 * when none is open), and those alerts.
 *
 * @param queue the queue's name
 * @param level the worst level of {@code alerts}, or EXCELLENT
 * @param alerts the queue's open alerts, in rule order
 */
public record QueueHealth(String queue, HealthLevel level, List<Alert> alerts) {
  /** Checks that queue and level are not null and copies the alerts. */
  public QueueHealth {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(level, "level");
    alerts = List.copyOf(alerts);
  }
}
