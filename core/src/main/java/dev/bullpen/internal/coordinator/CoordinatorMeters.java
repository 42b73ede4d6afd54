package dev.bullpen.internal.coordinator;

import dev.bullpen.JobState;
import dev.bullpen.admin.AlertRules;
import dev.bullpen.admin.QueueMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * The coordinator's Micrometer meters. Tags are only {@code queue}, {@code state}, {@code rule}
 * and {@code task}: finite sets, never job ids or job names. Gauges read the last snapshot (no
 * Redis call at scrape time). Every meter registered here is removed again on close.
 */
final class CoordinatorMeters {
  private static final JobState[] STATES = {JobState.WAITING, JobState.PRIORITIZED,
    JobState.DELAYED, JobState.ACTIVE, JobState.COMPLETED, JobState.FAILED, JobState.PAUSED,
    JobState.WAITING_CHILDREN};

  private final MeterRegistry registry;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter[]> finished = new ConcurrentHashMap<>();

  CoordinatorMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  <T> void gauge(String name, String description, T obj, ToDoubleFunction<T> f,
      String... tags) {
    meters.add(Gauge.builder(name, obj, f).description(description).tags(tags)
        .strongReference(true).register(registry));
  }

  Counter counter(String name, String description, String... tags) {
    Counter c = Counter.builder(name).description(description).tags(tags).register(registry);
    meters.add(c);
    return c;
  }

  /** Registers the per-queue meters; {@code last} gives the newest snapshot. */
  void queue(String q, java.util.function.Supplier<QueueMetrics> last,
      java.util.function.Supplier<dev.bullpen.admin.QueueHealth> health,
      java.util.function.Function<String, Integer> alertLevel) {
    for (JobState s : STATES) {
      gauge("bullpen.queue.jobs", "Jobs of the queue in each state", last,
          l -> l.get().counts().get(s), "queue", q, "state", s.wireName());
    }
    gauge("bullpen.queue.backlog", "Jobs waiting to run (waiting + prioritized)", last,
        l -> l.get().backlog(), "queue", q);
    gauge("bullpen.queue.workers", "Worker connections open on the queue", last,
        l -> l.get().activeWorkers(), "queue", q);
    gauge("bullpen.queue.throughput", "Jobs finished per minute over the window", last,
        l -> l.get().throughputPerMinute(), "queue", q);
    gauge("bullpen.queue.failure.ratio", "Failed / finished jobs over the window", last,
        l -> l.get().failureRate(), "queue", q);
    gauge("bullpen.queue.wait.average", "Mean wait over the window, seconds", last,
        l -> l.get().waitTime().average().toNanos() / 1e9, "queue", q);
    gauge("bullpen.queue.processing.average", "Mean processing over the window, seconds", last,
        l -> l.get().processingTime().average().toNanos() / 1e9, "queue", q);
    gauge("bullpen.queue.health", "0 excellent, 1 good, 2 warning, 3 critical", health,
        h -> h.get().level().ordinal(), "queue", q);
    for (String rule : AlertRules.RULES) {
      gauge("bullpen.alerts", "Open alert level per rule: 0 none, 2 warning, 3 critical",
          alertLevel, f -> f.apply(rule), "queue", q, "rule", rule);
    }
    Timer[] t = new Timer[3];
    String[] names = {"bullpen.queue.wait", "bullpen.queue.processing", "bullpen.queue.total"};
    String[] what = {"From added (plus delay) to started", "From started to finished",
      "From added to finished"};
    for (int i = 0; i < 3; i++) {
      t[i] = Timer.builder(names[i]).description(what[i]).tags("queue", q)
          .publishPercentiles(0.5, 0.95, 0.99).distributionStatisticExpiry(Duration.ofMinutes(5))
          .register(registry);
      meters.add(t[i]);
    }
    timers.put(q, t);
    finished.put(q, new Counter[] {
      counter("bullpen.queue.finished", "Jobs finished, seen in the events stream", "queue", q,
          "state", "completed"),
      counter("bullpen.queue.finished", "Jobs finished, seen in the events stream", "queue", q,
          "state", "failed")});
  }

  void finished(String q, boolean failed, long waitMs, long processingMs, long totalMs) {
    Counter[] c = finished.get(q);
    if (c != null) {
      c[failed ? 1 : 0].increment();
    }
    Timer[] t = timers.get(q);
    if (t != null && waitMs >= 0) {
      t[0].record(Duration.ofMillis(waitMs));
      t[1].record(Duration.ofMillis(processingMs));
      t[2].record(Duration.ofMillis(totalMs));
    }
  }

  void close() {
    for (Meter m : meters) {
      registry.remove(m);
    }
    meters.clear();
  }
}
