package dev.bullpen.internal.coordinator;

import dev.bullpen.admin.Alert;
import dev.bullpen.admin.AlertRules;
import dev.bullpen.admin.HealthLevel;
import dev.bullpen.admin.QueueMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The queue alert rules as a pure function of one metrics snapshot (see {@link AlertRules} for
 * the table). Values and thresholds of time rules are in milliseconds, rates in 0..1, throughput
 * in jobs per minute. {@code since} is the evaluation time; {@link AlertTracker} keeps the time a
 * rule first fired.
 */
final class HealthRules {
  private HealthRules() {}

  static List<Alert> evaluate(QueueMetrics m, AlertRules r, long watchedMs, Instant now) {
    List<Alert> out = new ArrayList<>(5);
    String q = m.queue();
    double f = r.criticalFactor();
    if (m.waitTime().count() > 0) {
      double avg = m.waitTime().average().toMillis();
      double max = r.maxAverageWait().toMillis();
      if (avg > max) {
        out.add(new Alert(AlertRules.WAIT_TIME, q, avg > max * f ? HealthLevel.CRITICAL
            : HealthLevel.WARNING, "jobs of queue " + q + " waited " + seconds(avg)
            + " on average before starting (threshold " + seconds(max) + "): add workers or"
            + " concurrency", avg, max, now));
      }
    }
    if (m.processingTime().count() > 0) {
      double avg = m.processingTime().average().toMillis();
      double max = r.maxAverageProcessing().toMillis();
      if (avg > max) {
        out.add(new Alert(AlertRules.PROCESSING_TIME, q, avg > max * f ? HealthLevel.CRITICAL
            : HealthLevel.WARNING, "jobs of queue " + q + " took " + seconds(avg)
            + " on average to process (threshold " + seconds(max) + "): look at the handler or"
            + " what it calls", avg, max, now));
      }
    }
    long finished = m.completed() + m.failed();
    if (finished >= r.minJobsForFailureRate() && m.failureRate() > r.maxFailureRate()) {
      double max = r.maxFailureRate();
      out.add(new Alert(AlertRules.FAILURE_RATE, q, m.failureRate() > max * f
          ? HealthLevel.CRITICAL : HealthLevel.WARNING, String.format(java.util.Locale.ROOT,
              "%.1f %% of the jobs of queue %s that finished recently failed (threshold %.1f %%):"
              + " see the failed jobs' reasons", m.failureRate() * 100, q, max * 100),
          m.failureRate(), max, now));
    }
    if (m.backlog() > r.maxBacklog()) {
      double max = r.maxBacklog();
      out.add(new Alert(AlertRules.BACKLOG, q, m.backlog() > max * f ? HealthLevel.CRITICAL
          : HealthLevel.WARNING, m.backlog() + " jobs of queue " + q + " are waiting (threshold "
          + r.maxBacklog() + "): add workers or concurrency", m.backlog(), max, now));
    }
    double min = r.minThroughputPerMinute();
    if (min > 0 && m.backlog() > 0 && watchedMs >= 60_000 && m.throughputPerMinute() < min) {
      out.add(new Alert(AlertRules.THROUGHPUT, q, m.throughputPerMinute() < min / f
          ? HealthLevel.CRITICAL : HealthLevel.WARNING, String.format(java.util.Locale.ROOT,
              "queue %s finishes %.2f jobs per minute while %d wait (threshold %.2f / min): are"
              + " its workers running?", q, m.throughputPerMinute(), m.backlog(), min),
          m.throughputPerMinute(), min, now));
    }
    return out;
  }

  static HealthLevel level(List<Alert> alerts) {
    HealthLevel l = HealthLevel.EXCELLENT;
    for (Alert a : alerts) {
      l = l.worst(a.level());
    }
    return l;
  }

  private static String seconds(double ms) {
    return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000);
  }
}
