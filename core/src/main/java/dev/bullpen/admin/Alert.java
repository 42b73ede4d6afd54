package dev.bullpen.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * One alert rule that currently fires for one subject: a queue's name, or {@code "redis"} for
 * the Redis server's own rules. Queue rules and Redis rules share this shape so that the API,
 * the dashboard and the metrics show them together.
 *
 * @param rule the rule's stable id, e.g. {@code "wait-time"}, {@code "redis-evictions"}
 * @param subject the queue name, or {@code "redis"}
 * @param level how bad it is ({@link HealthLevel#GOOD} for informational alerts)
 * @param message one sentence for a person: what is wrong and what to do
 * @param value the observed value that crossed the threshold (NaN when not numeric)
 * @param threshold the configured threshold (NaN when not numeric)
 * @param since when the rule started firing
 */
public record Alert(String rule, String subject, HealthLevel level, String message, double value,
    double threshold, Instant since) {
  public Alert {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(since, "since");
  }
}
