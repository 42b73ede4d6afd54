package dev.bullpen.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The sorted queue names of one {@link Admin}, kept for a short time so that many page reads
 * cost one keyspace scan.
 *
 * <h2>Implementation notes</h2>
 * Listing queues means a SCAN over the whole keyspace ({@link dev.bullpen.Bullpen#queueNames()}),
 * whose cost grows with every key in Redis, not with the queues asked for. A dashboard polls the
 * list every few seconds from every open tab, so the names are kept for {@code ttl} and read
 * from memory meanwhile.
 * <ul>
 *   <li>Reads of a fresh list take no lock: the list and the instant it was read sit together
 *       in one immutable snapshot behind a volatile field.
 *   <li>Refreshes are coalesced: a caller that finds the list stale takes the lock and checks
 *       again, so callers arriving together while a scan runs wait for it and then use its
 *       result; at most one scan runs at a time per index.
 *   <li>A failed scan is not cached: its exception goes to the caller that ran it, and the next
 *       caller scans again.
 *   <li>Time comes from the client's clock so tests move it. A clock that went backwards makes
 *       the list stale rather than fresh for longer.
 * </ul>
 */
final class QueueNameIndex {
  private record Snapshot(List<String> names, long readAtMillis) {}

  private final Supplier<List<String>> scan;
  private final Clock clock;
  private final long ttlMillis;
  private final Object refreshLock = new Object();
  private volatile Snapshot snapshot;

  /**
   * @param scan reads every queue name, sorted; called at most once at a time
   * @param ttl how long a list is used; zero scans on every call
   */
  QueueNameIndex(Supplier<List<String>> scan, Clock clock, Duration ttl) {
    this.scan = scan;
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
  }

  /** The names, read at most {@code ttl} ago. */
  List<String> names() {
    Snapshot s = snapshot;
    if (fresh(s)) {
      return s.names();
    }
    synchronized (refreshLock) {
      s = snapshot;
      if (fresh(s)) {
        return s.names();
      }
      List<String> names = List.copyOf(scan.get());
      snapshot = new Snapshot(names, clock.millis());
      return names;
    }
  }

  private boolean fresh(Snapshot s) {
    if (s == null) {
      return false;
    }
    long age = clock.millis() - s.readAtMillis();
    return age >= 0 && age < ttlMillis;
  }
}
