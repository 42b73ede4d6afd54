package dev.bullpen;

import dev.bullpen.internal.RedisGateway;
import io.lettuce.core.SetArgs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when Redis lost its data under a running client: a restart without persistence, a
 * failover to a replica that had not received the data, a FLUSHALL, an eviction.
 *
 * <p>Implementation notes. At connect the client makes sure a marker key
 * ({@code <prefix>:bullpen-epoch}, one colon so it can never be a queue's or a job's key) holds
 * an epoch: it writes a random one with SET NX, or adopts the one another client wrote. Every
 * interval it reads the key back. If the key is gone, or holds another epoch (a second client
 * noticed the loss first and wrote a new one), the data the client saw is gone: it logs an
 * ERROR naming the server and the run_id change, counts the loss and adopts a new epoch so the
 * next loss is noticed too. A restart with AOF or RDB loads the marker back, so it raises no
 * alarm; a failover to a replica keeps it when the replica had received the writes. A loss
 * while no client was connected is not detected (the first client cannot tell an empty new
 * server from an emptied one). The check costs one GET per interval, plus one shortly after
 * each reconnect of any of the client's connections (a restart or failover always causes one);
 * failures (Redis down, NOPERM) are skipped and retried at the next tick.
 */
final class DataLossDetector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataLossDetector.class);
  private static final long RECONNECT_CHECK_DELAY_MS = 200;

  private final RedisGateway gateway;
  private final String key;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final AtomicLong losses = new AtomicLong();
  private volatile String epoch;
  private volatile String runId;
  private volatile Instant lastLoss;

  DataLossDetector(RedisGateway gateway, String prefix, Clock clock, Duration interval) {
    this.gateway = gateway;
    this.key = prefix + ":bullpen-epoch";
    this.clock = clock;
    try {
      this.epoch = adopt();
      this.runId = runId();
    } catch (BullpenException e) {
      LOG.warn("cannot write the data-loss marker {} on {} ({}); a loss of Redis data will not"
          + " be detected", key, gateway.target().describe(), e.getMessage());
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bullpen-data-check");
      t.setDaemon(true);
      return t;
    });
    long ms = interval.toMillis();
    timer.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
    // A restart or failover shows as a reconnect: check soon after one instead of waiting for
    // the next tick, so the periodic check can be rare (it is what an idle client costs).
    gateway.onConnectionActivated(() -> {
      try {
        timer.schedule(this::check, RECONNECT_CHECK_DELAY_MS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // the client is closing
      }
    });
  }

  /** The marker key. */
  String key() {
    return key;
  }

  long losses() {
    return losses.get();
  }

  Instant lastLoss() {
    return lastLoss;
  }

  private String adopt() {
    for (int i = 0; i < 3; i++) {
      String mine = UUID.randomUUID().toString();
      String ok = gateway.call("SET " + key + " NX", r -> r.set(key, mine, SetArgs.Builder.nx()));
      if ("OK".equals(ok)) {
        return mine;
      }
      String theirs = gateway.call("GET " + key, r -> r.get(key));
      if (theirs != null) {
        return theirs;
      }
    }
    throw new BullpenException("the marker " + key + " keeps disappearing");
  }

  private String runId() {
    try {
      String info = gateway.call("INFO server", r -> r.info("server"));
      return ServerCheck.field(info, "run_id");
    } catch (BullpenException e) {
      return null;
    }
  }

  void check() {
    try {
      if (epoch == null) {
        epoch = adopt();
        runId = runId();
        return;
      }
      String now = gateway.call("GET " + key, r -> r.get(key));
      if (epoch.equals(now)) {
        return;
      }
      String oldRun = runId;
      String newRun = runId();
      losses.incrementAndGet();
      lastLoss = clock.instant();
      LOG.error("LOSS OF REDIS DATA at {}: the marker key {} that held this client's epoch is"
          + " {} (server run_id earlier {}, now {}). Redis restarted without persistence,"
          + " failed over to a replica that lacked the data, was flushed or evicted keys: jobs"
          + " accepted earlier may be gone. For job queues run Redis with appendonly yes"
          + " (appendfsync everysec or always) and maxmemory-policy noeviction.",
          gateway.target().describe(), key, now == null ? "gone" : "replaced by another epoch",
          oldRun, newRun);
      epoch = adopt();
      runId = newRun;
    } catch (BullpenException e) {
      LOG.debug("data-loss check of {} skipped: {}", gateway.target().describe(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("data-loss check of {} failed", gateway.target().describe(), e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
