package dev.bullpen.internal.coordinator;

import dev.bullpen.admin.Alert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each queue's open alerts between evaluations: an alert keeps the time its rule first
 * fired while it stays open (its level and value may change), is logged when it starts, changes
 * level and clears, and is passed to the listener (webhook, counters) on start and clear.
 */
final class AlertTracker {
  private static final Logger LOG = LoggerFactory.getLogger(AlertTracker.class);

  /** Told about starts and clears; must be fast and must not throw. */
  interface Listener {
    void started(Alert alert);

    void cleared(Alert alert, java.time.Instant at);
  }

  private final Map<String, Map<String, Alert>> open = new ConcurrentHashMap<>();
  private final Listener listener;

  AlertTracker(Listener listener) {
    this.listener = listener;
  }

  /** Replaces {@code subject}'s open alerts with {@code firing}; returns the open ones. */
  List<Alert> update(String subject, List<Alert> firing, java.time.Instant now) {
    Map<String, Alert> before = open.getOrDefault(subject, Map.of());
    Map<String, Alert> after = new LinkedHashMap<>();
    for (Alert a : firing) {
      Alert old = before.get(a.rule());
      if (old == null) {
        LOG.warn("alert started: [{}] {} ({}): {}", a.level().word(), a.rule(), subject,
            a.message());
        after.put(a.rule(), a);
        notify(() -> listener.started(a));
      } else {
        if (old.level() != a.level()) {
          LOG.warn("alert level changed: [{} -> {}] {} ({}): {}", old.level().word(),
              a.level().word(), a.rule(), subject, a.message());
        }
        after.put(a.rule(), new Alert(a.rule(), a.subject(), a.level(), a.message(), a.value(),
            a.threshold(), old.since()));
      }
    }
    for (Alert old : before.values()) {
      if (!after.containsKey(old.rule())) {
        LOG.info("alert cleared: {} ({}), open since {}", old.rule(), subject, old.since());
        notify(() -> listener.cleared(old, now));
      }
    }
    open.put(subject, after);
    return new ArrayList<>(after.values());
  }

  List<Alert> open(String subject) {
    return new ArrayList<>(open.getOrDefault(subject, Map.of()).values());
  }

  List<Alert> all() {
    List<Alert> out = new ArrayList<>();
    for (Map<String, Alert> m : open.values()) {
      out.addAll(m.values());
    }
    out.sort(java.util.Comparator.comparing(Alert::subject).thenComparing(Alert::rule));
    return out;
  }

  private static void notify(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("alert listener threw", e);
    }
  }
}
