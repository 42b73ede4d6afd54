package dev.bullpen.admin;

import dev.bullpen.Bullpen;
import dev.bullpen.BullpenException;
import dev.bullpen.internal.ClientAccess;
import dev.bullpen.internal.InfoText;
import dev.bullpen.internal.QueueFootprint;
import dev.bullpen.internal.RedisGateway;
import dev.bullpen.status.JobStatusService;
import dev.bullpen.status.StatusCounters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the Redis server under a {@link Bullpen} client and the client's own view of it, and
 * judges both with the {@link RedisAlertRules}: the server's figures ({@link RedisSnapshot}, one
 * {@code INFO} per refresh), a memory and events estimate per queue
 * ({@link QueueRedisFigures}), this process's connections, latencies, errors and timeouts
 * ({@link RedisClientFigures}), and the {@link RedisDoctor}'s findings.
 *
 * <pre>{@code
 * RedisMonitor monitor = RedisMonitor.builder(bullpen)
 *     .statusService(status)             // adds cache hit rate and circuit breaker
 *     .refreshInterval(Duration.ofSeconds(10))
 *     .build();
 * monitor.bindTo(prometheusRegistry);    // bullpen.redis.* meters
 * RedisReport report = monitor.report(); // for an admin page: cheap, cached
 * }</pre>
 *
 * <h2>Cost</h2>
 * Reads are served from a cache. The server is read at most once per
 * {@linkplain Builder#refreshInterval refresh interval} (default 10 s) however many threads,
 * HTTP requests or metric scrapes ask: one {@code INFO} (one per master on a cluster). Queue
 * estimates are refreshed at most once per {@linkplain Builder#queueInterval queue interval}
 * (default 60 s; about forty commands per queue, at most {@link Builder#maxQueues} queues), the
 * doctor at most once per {@linkplain Builder#doctorInterval doctor interval} (default 5 min,
 * about fifteen commands). The client figures cost nothing in Redis.
 *
 * <p>ACL: with the least-privilege user of {@code docs/redis-acl.md}, add
 * {@code +memory|usage +xlen} for the queue estimates and what {@link RedisDoctor} lists.
 *
 * <h2>Implementation notes</h2>
 * The state of the last refresh is one immutable {@code State} in a volatile field. A reader
 * whose state is younger than the interval returns it. Otherwise exactly one reader (the one
 * that installs the in-flight future under the monitor's lock) refreshes, on its own thread;
 * concurrent readers return the previous state at once, or, when there is none yet, wait for
 * the same future. A failed refresh still counts as a refresh: it is stored with its error, so
 * an unreachable Redis costs one timed-out INFO per interval, not one per request. Time comes
 * from the injected {@link Clock} (tests move it).
 */
public final class RedisMonitor implements MeterBinder {
  /** Default time between two reads of the server's INFO. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);
  /** Default time between two estimates of the queues' memory. */
  public static final Duration DEFAULT_QUEUE_INTERVAL = Duration.ofSeconds(60);
  /** Default time between two doctor runs. */
  public static final Duration DEFAULT_DOCTOR_INTERVAL = Duration.ofMinutes(5);
  /** Default bound on the queues estimated per refresh. */
  public static final int DEFAULT_MAX_QUEUES = 50;
  /** Default number of job hashes measured per queue. */
  public static final int DEFAULT_JOB_SAMPLE = 10;

  private final Bullpen bullpen;
  private final RedisGateway gateway;
  private final Clock clock;
  private final long refreshMs;
  private final long queueMs;
  private final long doctorMs;
  private final List<String> fixedQueues;
  private final int maxQueues;
  private final int jobSample;
  private final RedisAlertRules rules;
  private final JobStatusService status;
  private final Map<String, Instant> firingSince = new ConcurrentHashMap<>();
  private final AtomicLong infoCommands = new AtomicLong();
  private final RedisMeters meters = new RedisMeters(this);
  private volatile State state;
  private CompletableFuture<State> inFlight; // guarded by this

  /** What one refresh found; immutable. */
  record State(RedisSnapshot server, List<Map<String, String>> infos, String error,
      List<QueueRedisFigures> queues, long queuesAt, List<Finding> findings, long findingsAt,
      StatusWindow status, StatusCounters baseline, long attemptedAt) {}

  /** Status service figures over the last refresh interval. */
  record StatusWindow(long requests, double hitRate, Duration loadTime) {
    static final StatusWindow NONE = new StatusWindow(0, Double.NaN, null);
  }

  private RedisMonitor(Builder b) {
    this.bullpen = b.bullpen;
    this.gateway = ClientAccess.gateway(b.bullpen);
    this.clock = b.clock;
    this.refreshMs = b.refreshInterval.toMillis();
    this.queueMs = b.queueInterval.toMillis();
    this.doctorMs = b.doctorInterval.toMillis();
    this.fixedQueues = b.queues;
    this.maxQueues = b.maxQueues;
    this.jobSample = b.jobSample;
    this.rules = b.rules;
    this.status = b.status;
  }

  /** A monitor with the defaults. */
  public static RedisMonitor create(Bullpen bullpen) {
    return builder(bullpen).build();
  }

  /** Configures a monitor of {@code bullpen}'s Redis. */
  public static Builder builder(Bullpen bullpen) {
    if (bullpen == null) {
      throw new IllegalArgumentException("bullpen must not be null");
    }
    return new Builder(bullpen);
  }

  /**
   * Everything known now: the cached server figures, queue estimates and findings (refreshed
   * first if their interval has passed), the live client figures, and the alerts they raise.
   */
  public RedisReport report() {
    State s = current();
    RedisClientFigures client = client(s);
    List<Alert> alerts = alerts(s, client);
    return new RedisReport(s.server(), s.error(), client, s.queues(), alerts, s.findings(),
        Instant.ofEpochMilli(s.attemptedAt()));
  }

  /** The server's figures from the last successful read (refreshed if due), or null if none. */
  public RedisSnapshot snapshot() {
    return current().server();
  }

  /** This process's own figures now (no Redis command). */
  public RedisClientFigures client() {
    State s = state;
    return client(s);
  }

  /** The Redis alert rules that fire now. */
  public List<Alert> alerts() {
    return report().alerts();
  }

  /** The doctor's findings from its last periodic run (run first if due). */
  public List<Finding> findings() {
    return current().findings();
  }

  /** The per-queue estimates from the last queue refresh (refreshed first if due). */
  public List<QueueRedisFigures> queues() {
    return current().queues();
  }

  /** The thresholds in use. */
  public RedisAlertRules rules() {
    return rules;
  }

  /** INFO commands this monitor has sent (for proving that reads are cached). */
  public long infoCommandsSent() {
    return infoCommands.get();
  }

  /**
   * Registers the {@code bullpen.redis.*} meters: server figures as gauges and function
   * counters (read from the cache, so a scrape never sends more than the refresh allows), the
   * client figures (connections, commands, errors, timeouts, a latency histogram as
   * {@code bullpen.redis.client.command.latency} counters tagged {@code le}), per-queue memory
   * and events (tagged {@code queue}, at most {@link Builder#maxQueues} queues), and
   * {@code bullpen.redis.health} (0 excellent .. 3 critical).
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    meters.bindTo(registry, gateway.stats());
  }

  private State current() {
    long now = clock.millis();
    State s = state;
    if (s != null && now - s.attemptedAt() < refreshMs) {
      return s;
    }
    CompletableFuture<State> f;
    boolean mine = false;
    synchronized (this) {
      s = state;
      if (s != null && now - s.attemptedAt() < refreshMs) {
        return s;
      }
      if (inFlight == null) {
        inFlight = new CompletableFuture<>();
        mine = true;
      }
      f = inFlight;
    }
    if (!mine) {
      return s != null ? s : f.join();
    }
    State next = null;
    try {
      next = refresh(s, now);
      state = next;
      return next;
    } finally {
      synchronized (this) {
        inFlight = null;
      }
      if (next != null) {
        f.complete(next);
      } else {
        f.completeExceptionally(new IllegalStateException("refresh failed"));
      }
    }
  }

  private State refresh(State prev, long now) {
    RedisSnapshot server = prev == null ? null : prev.server();
    List<Map<String, String>> infos = prev == null ? List.of() : prev.infos();
    String error = null;
    try {
      infoCommands.incrementAndGet();
      List<Map<String, String>> read = new ArrayList<>();
      for (String text : gateway.infoOfEveryMaster("default")) {
        read.add(InfoText.parse(text));
      }
      infos = List.copyOf(read);
      server = RedisSnapshot.of(infos, gateway.isCluster(), Instant.ofEpochMilli(now));
    } catch (RuntimeException e) {
      // any failure is stored with this refresh, so it is not retried before the interval
      error = e instanceof BullpenException ? e.getMessage() : "cannot read INFO: " + e;
    }
    List<QueueRedisFigures> queues = prev == null ? List.of() : prev.queues();
    long queuesAt = prev == null ? Long.MIN_VALUE : prev.queuesAt();
    List<String> names = null;
    if (error == null && (prev == null || now - queuesAt >= queueMs)) {
      names = queueNames();
      queues = measure(names, queues);
      queuesAt = now;
      meters.onQueues(queues);
    }
    List<Finding> findings = prev == null ? List.of() : prev.findings();
    long findingsAt = prev == null ? Long.MIN_VALUE : prev.findingsAt();
    if (error == null && (prev == null || now - findingsAt >= doctorMs)) {
      try {
        findings = List.copyOf(RedisDoctor.examine(gateway, bullpen.prefix(), infos,
            names != null ? names : queueNames()));
      } catch (RuntimeException e) {
        findings = List.of(new Finding("connection", HealthLevel.CRITICAL, "the doctor could"
            + " not finish: " + e.getMessage(), "Check that Redis answers."));
      }
      findingsAt = now;
    }
    StatusWindow window = StatusWindow.NONE;
    StatusCounters baseline = null;
    if (status != null) {
      try {
        baseline = status.counters();
        window = window(prev == null ? null : prev.baseline(), baseline);
      } catch (RuntimeException e) {
        baseline = prev == null ? null : prev.baseline();
      }
    }
    return new State(server, infos, error, queues, queuesAt, findings, findingsAt, window,
        baseline, now);
  }

  private List<String> queueNames() {
    List<String> names = fixedQueues;
    if (names == null) {
      try {
        names = bullpen.queueNames();
      } catch (RuntimeException e) {
        return List.of();
      }
    }
    return names.size() > maxQueues ? names.subList(0, maxQueues) : names;
  }

  private List<QueueRedisFigures> measure(List<String> names, List<QueueRedisFigures> prev) {
    List<QueueRedisFigures> out = new ArrayList<>();
    for (String q : names) {
      try {
        QueueFootprint.Estimate e = QueueFootprint.measure(gateway, bullpen.prefix(), q,
            jobSample);
        out.add(new QueueRedisFigures(q, e.memoryBytes(), e.eventsLength(), e.jobs(),
            e.sampledJobs()));
      } catch (RuntimeException e) {
        for (QueueRedisFigures p : prev) {
          if (p.queue().equals(q)) {
            out.add(p);
          }
        }
      }
    }
    return List.copyOf(out);
  }

  private static StatusWindow window(StatusCounters before, StatusCounters now) {
    long hits = now.hits() - (before == null ? 0 : before.hits());
    long requests = now.requests() - (before == null ? 0 : before.requests());
    long reads = now.redisReads() - (before == null ? 0 : before.redisReads());
    Duration load = now.loadTime().minus(before == null ? Duration.ZERO : before.loadTime());
    return new StatusWindow(requests, requests == 0 ? Double.NaN : (double) hits / requests,
        reads <= 0 ? null : load.dividedBy(reads));
  }

  private RedisClientFigures client(State s) {
    StatusWindow w = s == null ? StatusWindow.NONE : s.status();
    return RedisClientFigures.of(gateway.stats().figures(),
        status == null ? null : status.circuitState(), w.requests(), w.hitRate(), w.loadTime());
  }

  private List<Alert> alerts(State s, RedisClientFigures client) {
    Instant now = clock.instant();
    List<Alert> raw = rules.evaluate(s.server(), s.error(),
        client, now);
    List<Alert> out = new ArrayList<>(raw.size());
    java.util.Set<String> firing = new java.util.HashSet<>();
    for (Alert a : raw) {
      firing.add(a.rule());
      Instant since = firingSince.computeIfAbsent(a.rule(), r -> now);
      out.add(new Alert(a.rule(), a.subject(), a.level(), a.message(), a.value(),
          a.threshold(), since));
    }
    firingSince.keySet().retainAll(firing);
    // the client's own findings (a loss of Redis data it noticed), unless a rule here covers it
    for (Alert a : bullpen.redisAlerts()) {
      if (!firing.contains(a.rule())) {
        out.add(a);
      }
    }
    return List.copyOf(out);
  }

  /** Builds a {@link RedisMonitor}; each setter validates at once. */
  public static final class Builder {
    private final Bullpen bullpen;
    private Clock clock = Clock.systemUTC();
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private Duration queueInterval = DEFAULT_QUEUE_INTERVAL;
    private Duration doctorInterval = DEFAULT_DOCTOR_INTERVAL;
    private List<String> queues;
    private int maxQueues = DEFAULT_MAX_QUEUES;
    private int jobSample = DEFAULT_JOB_SAMPLE;
    private RedisAlertRules rules = RedisAlertRules.DEFAULT;
    private JobStatusService status;

    private Builder(Bullpen bullpen) {
      this.bullpen = bullpen;
    }

    /** Least time between two INFO reads (default 10 s, at least 100 ms). */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = atLeast("refreshInterval", interval, Duration.ofMillis(100));
      return this;
    }

    /** Least time between two estimates of the queues (default 60 s, at least 100 ms). */
    public Builder queueInterval(Duration interval) {
      this.queueInterval = atLeast("queueInterval", interval, Duration.ofMillis(100));
      return this;
    }

    /** Least time between two doctor runs (default 5 min, at least 100 ms). */
    public Builder doctorInterval(Duration interval) {
      this.doctorInterval = atLeast("doctorInterval", interval, Duration.ofMillis(100));
      return this;
    }

    /**
     * The queues to estimate and to check for hash tags; by default the queues found under the
     * client's prefix (a SCAN per queue interval).
     */
    public Builder queues(List<String> queues) {
      Objects.requireNonNull(queues, "queues");
      for (String q : queues) {
        if (q == null || q.isEmpty() || q.indexOf(':') >= 0) {
          throw new IllegalArgumentException("queue names must be non-empty without ':', got '"
              + q + "'");
        }
      }
      this.queues = List.copyOf(queues);
      return this;
    }

    /** Most queues estimated per refresh (default 50). */
    public Builder maxQueues(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxQueues must be at least 0, got " + max);
      }
      this.maxQueues = max;
      return this;
    }

    /** Job hashes measured per queue for its memory estimate (default 10, 0 to 1000). */
    public Builder jobSample(int sample) {
      if (sample < 0 || sample > 1000) {
        throw new IllegalArgumentException("jobSample must be within 0..1000, got " + sample);
      }
      this.jobSample = sample;
      return this;
    }

    /** The alert thresholds (default {@link RedisAlertRules#DEFAULT}). */
    public Builder rules(RedisAlertRules rules) {
      this.rules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /** A status service whose hit rate, load time and circuit breaker to watch. */
    public Builder statusService(JobStatusService status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /** The clock deciding when figures are stale (tests move a fake one). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The monitor; it reads Redis only when first asked. */
    public RedisMonitor build() {
      return new RedisMonitor(this);
    }

    private static Duration atLeast(String name, Duration d, Duration min) {
      if (d == null || d.compareTo(min) < 0) {
        throw new IllegalArgumentException(name + " must be at least " + min.toMillis()
            + " ms, got " + d);
      }
      return d;
    }
  }
}
