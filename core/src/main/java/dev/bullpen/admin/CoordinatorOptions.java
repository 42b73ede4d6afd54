package dev.bullpen.admin;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How a {@link Coordinator} watches and maintains queues. Immutable; {@link #builder()} starts
 * from the defaults and {@link #toBuilder()} from these. Every setter validates at once and names
 * the field and the value it refused.
 *
 * <pre>{@code
 * CoordinatorOptions opts = CoordinatorOptions.builder()
 *     .queues("videos", "emails")
 *     .retention(Duration.ofDays(7), Duration.ofDays(30))   // finished jobs older than that go
 *     .alertRules(AlertRules.builder().maxBacklog(500).build())
 *     .webhook(URI.create("https://hooks.example/bullpen"))
 *     .build();
 * }</pre>
 */
public final class CoordinatorOptions {
  /** Default time between two refreshes of the metrics and alerts. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(5);
  /** Default sliding window of rates and timings. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  /** Default bound on the timings kept per queue for percentiles. */
  public static final int DEFAULT_MAX_SAMPLES = 10_000;
  /** Default lock period of the leader lock (hand-over time after a crash). */
  public static final Duration DEFAULT_LEADER_LOCK_PERIOD = Duration.ofSeconds(15);
  /** Default time between two trims and retention cleanups of the leader. */
  public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofMinutes(1);
  /** Default approximate length the leader trims events streams to (BullMQ's own default). */
  public static final long DEFAULT_EVENTS_MAX_LENGTH = 10_000;
  /** Default minutes of throughput history kept in Redis (24 h). */
  public static final int DEFAULT_HISTORY_MINUTES = 24 * 60;
  /** Default timeout of one webhook request. */
  public static final Duration DEFAULT_WEBHOOK_TIMEOUT = Duration.ofSeconds(5);
  /** Default bound on the number of queues one coordinator watches. */
  public static final int DEFAULT_MAX_QUEUES = 1000;
  /** The defaults (no queues named; {@link Coordinator#watch} adds them). */
  public static final CoordinatorOptions DEFAULT = builder().build();

  private final List<String> queues;
  private final Duration refreshInterval;
  private final Duration window;
  private final int maxSamples;
  private final Duration leaderLockPeriod;
  private final Duration maintenanceInterval;
  private final long eventsMaxLength;
  private final Duration completedRetention;
  private final Duration failedRetention;
  private final Map<String, Duration[]> retentionByQueue;
  private final int historyMinutes;
  private final boolean writeMetrics;
  private final AlertRules alertRules;
  private final URI webhook;
  private final Duration webhookTimeout;
  private final String instanceId;
  private final int maxQueues;

  private CoordinatorOptions(Builder b) {
    this.queues = List.copyOf(b.queues);
    this.refreshInterval = b.refreshInterval;
    this.window = b.window;
    this.maxSamples = b.maxSamples;
    this.leaderLockPeriod = b.leaderLockPeriod;
    this.maintenanceInterval = b.maintenanceInterval;
    this.eventsMaxLength = b.eventsMaxLength;
    this.completedRetention = b.completedRetention;
    this.failedRetention = b.failedRetention;
    this.retentionByQueue = Map.copyOf(b.retentionByQueue);
    this.historyMinutes = b.historyMinutes;
    this.writeMetrics = b.writeMetrics;
    this.alertRules = b.alertRules;
    this.webhook = b.webhook;
    this.webhookTimeout = b.webhookTimeout;
    this.instanceId = b.instanceId;
    this.maxQueues = b.maxQueues;
  }

  /** A new id: host, process id and a random part. */
  static String newInstanceId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      host = "host";
    }
    return host.replace('|', '-') + "-" + ProcessHandle.current().pid() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options (the instance id is kept). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.queues.addAll(queues);
    b.refreshInterval = refreshInterval;
    b.window = window;
    b.maxSamples = maxSamples;
    b.leaderLockPeriod = leaderLockPeriod;
    b.maintenanceInterval = maintenanceInterval;
    b.eventsMaxLength = eventsMaxLength;
    b.completedRetention = completedRetention;
    b.failedRetention = failedRetention;
    b.retentionByQueue.putAll(retentionByQueue);
    b.historyMinutes = historyMinutes;
    b.writeMetrics = writeMetrics;
    b.alertRules = alertRules;
    b.webhook = webhook;
    b.webhookTimeout = webhookTimeout;
    b.instanceId = instanceId;
    b.maxQueues = maxQueues;
    return b;
  }

  /** Queues watched from the start. */
  public List<String> queues() {
    return queues;
  }

  /** Time between two refreshes of metrics and alerts. */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /** The sliding window of rates and timings. */
  public Duration window() {
    return window;
  }

  /** Timings kept per queue for percentiles (the newest). */
  public int maxSamples() {
    return maxSamples;
  }

  /** Period of the leader lock: a crashed leader is replaced within about this long. */
  public Duration leaderLockPeriod() {
    return leaderLockPeriod;
  }

  /** Time between two event-stream trims and retention cleanups of the leader. */
  public Duration maintenanceInterval() {
    return maintenanceInterval;
  }

  /** Approximate length the leader trims events streams to; 0 = never trims. */
  public long eventsMaxLength() {
    return eventsMaxLength;
  }

  /** Age after which the leader removes completed jobs of {@code queue}; null = keeps them. */
  public Duration completedRetention(String queue) {
    Duration[] d = retentionByQueue.get(queue);
    return d != null ? d[0] : completedRetention;
  }

  /** Age after which the leader removes failed jobs of {@code queue}; null = keeps them. */
  public Duration failedRetention(String queue) {
    Duration[] d = retentionByQueue.get(queue);
    return d != null ? d[1] : failedRetention;
  }

  /** Minutes of per-minute throughput history kept in Redis. */
  public int historyMinutes() {
    return historyMinutes;
  }

  /** Whether the leader writes BullMQ's per-minute metrics keys. */
  public boolean writeMetrics() {
    return writeMetrics;
  }

  /** The alert rules. */
  public AlertRules alertRules() {
    return alertRules;
  }

  /** Where alert starts and clears are POSTed, or null. */
  public URI webhook() {
    return webhook;
  }

  /** Timeout of one webhook request. */
  public Duration webhookTimeout() {
    return webhookTimeout;
  }

  /**
   * This coordinator's id in the leader lock, or null (the default): then every coordinator
   * started with these options gets a new one (host, process id and a random part).
   */
  public String instanceId() {
    return instanceId;
  }

  /** Bound on the number of queues watched. */
  public int maxQueues() {
    return maxQueues;
  }

  /** Builds {@link CoordinatorOptions}; every setter validates at once. */
  public static final class Builder {
    private final List<String> queues = new ArrayList<>();
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private Duration window = DEFAULT_WINDOW;
    private int maxSamples = DEFAULT_MAX_SAMPLES;
    private Duration leaderLockPeriod = DEFAULT_LEADER_LOCK_PERIOD;
    private Duration maintenanceInterval = DEFAULT_MAINTENANCE_INTERVAL;
    private long eventsMaxLength = DEFAULT_EVENTS_MAX_LENGTH;
    private Duration completedRetention;
    private Duration failedRetention;
    private final Map<String, Duration[]> retentionByQueue = new HashMap<>();
    private int historyMinutes = DEFAULT_HISTORY_MINUTES;
    private boolean writeMetrics = true;
    private AlertRules alertRules = AlertRules.DEFAULT;
    private URI webhook;
    private Duration webhookTimeout = DEFAULT_WEBHOOK_TIMEOUT;
    private String instanceId;
    private int maxQueues = DEFAULT_MAX_QUEUES;

    private Builder() {}

    /** Queues to watch from the start (replaces earlier ones). */
    public Builder queues(String... names) {
      return queues(List.of(Objects.requireNonNull(names, "queues")));
    }

    /** Queues to watch from the start (replaces earlier ones). */
    public Builder queues(List<String> names) {
      if (names == null) {
        throw new IllegalArgumentException("queues must not be null");
      }
      for (String n : names) {
        checkQueue(n);
      }
      queues.clear();
      queues.addAll(new java.util.LinkedHashSet<>(names));
      return this;
    }

    /** Time between two refreshes; at least 10 ms. */
    public Builder refreshInterval(Duration d) {
      this.refreshInterval = atLeast("refreshInterval", d, Duration.ofMillis(10));
      return this;
    }

    /** The sliding window of rates and timings; at least 1 s. */
    public Builder window(Duration d) {
      this.window = atLeast("window", d, Duration.ofSeconds(1));
      return this;
    }

    /** Timings kept per queue; 100 to 1,000,000. */
    public Builder maxSamples(int n) {
      if (n < 100 || n > 1_000_000) {
        throw new IllegalArgumentException("maxSamples must be in [100, 1000000], got " + n);
      }
      this.maxSamples = n;
      return this;
    }

    /** Period of the leader lock; at least 300 ms (renewed every third of it). */
    public Builder leaderLockPeriod(Duration d) {
      this.leaderLockPeriod = atLeast("leaderLockPeriod", d, Duration.ofMillis(300));
      return this;
    }

    /** Time between two trims and retention cleanups; at least 10 ms. */
    public Builder maintenanceInterval(Duration d) {
      this.maintenanceInterval = atLeast("maintenanceInterval", d, Duration.ofMillis(10));
      return this;
    }

    /** Approximate events-stream length to trim to; 0 = never trim, else at least 100. */
    public Builder eventsMaxLength(long n) {
      if (n != 0 && n < 100) {
        throw new IllegalArgumentException("eventsMaxLength must be 0 (off) or >= 100, got "
            + n);
      }
      this.eventsMaxLength = n;
      return this;
    }

    /**
     * Removes completed and failed jobs older than these ages (by finishedOn), for every queue
     * without its own setting; null keeps them (the default).
     */
    public Builder retention(Duration completed, Duration failed) {
      this.completedRetention = nullOrPositive("completed retention", completed);
      this.failedRetention = nullOrPositive("failed retention", failed);
      return this;
    }

    /** Retention for one queue (overrides {@link #retention(Duration, Duration)}). */
    public Builder retention(String queue, Duration completed, Duration failed) {
      checkQueue(queue);
      retentionByQueue.put(queue, new Duration[] {
        nullOrPositive("completed retention of " + queue, completed),
        nullOrPositive("failed retention of " + queue, failed)});
      return this;
    }

    /** Minutes of throughput history in Redis; 60 to 100,000 (BullMQ's week is 10,080). */
    public Builder historyMinutes(int minutes) {
      if (minutes < 60 || minutes > 100_000) {
        throw new IllegalArgumentException("historyMinutes must be in [60, 100000], got "
            + minutes);
      }
      this.historyMinutes = minutes;
      return this;
    }

    /**
     * Whether the leader writes BullMQ's per-minute metrics keys (default true). Turn it off when
     * BullMQ workers with their {@code metrics} option already write them, or counts double.
     */
    public Builder writeMetrics(boolean write) {
      this.writeMetrics = write;
      return this;
    }

    /** The alert rules. */
    public Builder alertRules(AlertRules rules) {
      if (rules == null) {
        throw new IllegalArgumentException("alertRules must not be null");
      }
      this.alertRules = rules;
      return this;
    }

    /** POSTs alert starts and clears to this http(s) URL; null = no webhook. */
    public Builder webhook(URI url) {
      if (url != null && (url.getScheme() == null || !(url.getScheme().equals("http")
          || url.getScheme().equals("https")) || url.getHost() == null)) {
        throw new IllegalArgumentException("webhook must be an http or https URL, got " + url);
      }
      this.webhook = url;
      return this;
    }

    /** Timeout of one webhook request; at least 10 ms. */
    public Builder webhookTimeout(Duration d) {
      this.webhookTimeout = atLeast("webhookTimeout", d, Duration.ofMillis(10));
      return this;
    }

    /**
     * This coordinator's id in the leader lock (1 to 200 printable characters, no '|'). Two
     * coordinators must never share one; by default each gets a new one.
     */
    public Builder instanceId(String id) {
      if (id == null || id.isEmpty() || id.length() > 200 || id.indexOf('|') >= 0
          || id.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException("instanceId must be 1 to 200 printable characters"
            + " without '|', got " + (id == null ? null : "'" + id + "'"));
      }
      this.instanceId = id;
      return this;
    }

    /** Bound on the number of queues watched; 1 to 100,000. */
    public Builder maxQueues(int n) {
      if (n < 1 || n > 100_000) {
        throw new IllegalArgumentException("maxQueues must be in [1, 100000], got " + n);
      }
      this.maxQueues = n;
      return this;
    }

    /** The options. */
    public CoordinatorOptions build() {
      return new CoordinatorOptions(this);
    }

    static void checkQueue(String name) {
      if (name == null || name.isEmpty() || name.indexOf(':') >= 0 || name.length() > 256) {
        throw new IllegalArgumentException("queue name must be 1 to 256 characters without"
            + " ':', got " + (name == null ? null : "'" + name + "'"));
      }
    }

    private static Duration atLeast(String field, Duration d, Duration min) {
      if (d == null || d.compareTo(min) < 0) {
        throw new IllegalArgumentException(field + " must be at least " + min + ", got " + d);
      }
      return d;
    }

    private static Duration nullOrPositive(String field, Duration d) {
      if (d != null && (d.isZero() || d.isNegative())) {
        throw new IllegalArgumentException(field + " must be positive or null, got " + d);
      }
      return d;
    }
  }
}
