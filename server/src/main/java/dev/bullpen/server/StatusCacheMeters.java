package dev.bullpen.server;

import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.StatusCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The status cache's counters ({@link StatusCounters}) as Micrometer meters, read at scrape
 * time: {@code bullpen.status.answers{result=hit|miss|stale|unavailable}},
 * {@code bullpen.status.redis.reads}, {@code bullpen.status.redis.read.failures},
 * {@code bullpen.status.events.applied}, {@code bullpen.status.evictions} (counters) and
 * {@code bullpen.status.cached}, {@code bullpen.status.queues}, {@code bullpen.status.circuit}
 * (0 closed, 1 half-open, 2 open) (gauges).
 */
final class StatusCacheMeters {
  private StatusCacheMeters() {}

  static void bind(MeterRegistry registry, JobStatusService status) {
    counter(registry, "bullpen.status.answers", status, c -> c.hits(), "result", "hit");
    counter(registry, "bullpen.status.answers", status, c -> c.misses(), "result", "miss");
    counter(registry, "bullpen.status.answers", status, c -> c.staleAnswers(), "result",
        "stale");
    counter(registry, "bullpen.status.answers", status, c -> c.unavailableAnswers(), "result",
        "unavailable");
    counter(registry, "bullpen.status.redis.reads", status, c -> c.redisReads());
    counter(registry, "bullpen.status.redis.read.failures", status, c -> c.redisReadFailures());
    counter(registry, "bullpen.status.events.applied", status, c -> c.eventsApplied());
    counter(registry, "bullpen.status.evictions", status, c -> c.evictions());
    Gauge.builder("bullpen.status.cached", status, s -> s.counters().size())
        .description("Job views cached").register(registry);
    Gauge.builder("bullpen.status.queues", status, s -> s.counters().queuesFollowed())
        .description("Queues whose events the status cache follows").register(registry);
    Gauge.builder("bullpen.status.circuit", status, s -> circuit(s.counters().circuit()))
        .description("Circuit breaker: 0 closed, 1 half-open, 2 open").register(registry);
  }

  private static int circuit(dev.bullpen.status.CircuitState state) {
    switch (state) {
      case OPEN:
        return 2;
      case HALF_OPEN:
        return 1;
      default:
        return 0;
    }
  }

  private static void counter(MeterRegistry registry, String name, JobStatusService status,
      ToDoubleFunction<StatusCounters> f, String... tags) {
    FunctionCounter.builder(name, status, s -> f.applyAsDouble(s.counters())).tags(tags)
        .register(registry);
  }
}
