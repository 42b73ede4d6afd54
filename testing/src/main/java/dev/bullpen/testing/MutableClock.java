package dev.bullpen.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} for tests that only moves when told to. Thread-safe; millisecond precision
 * (instants are truncated to milliseconds, like Redis and BullMQ timestamps). Zone UTC.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at(Instant.parse("2025-01-01T00:00:00Z"));
 * clock.advance(Duration.ofSeconds(30));
 * }</pre>
 */
public final class MutableClock extends Clock {

    private final AtomicLong epochMillis;
    private final ZoneId zone;

    private MutableClock(AtomicLong epochMillis, ZoneId zone) {
        this.epochMillis = epochMillis;
        this.zone = zone;
    }

    /**
     * Creates a clock stopped at the given instant.
     *
     * @param instant the starting time
     * @return a new clock in UTC
     */
    public static MutableClock at(Instant instant) {
        return new MutableClock(new AtomicLong(instant.toEpochMilli()), ZoneOffset.UTC);
    }

    /**
     * Creates a clock stopped at the current system time.
     *
     * @return a new clock in UTC
     */
    public static MutableClock now() {
        return at(Instant.now());
    }

    /**
     * Moves the clock to the given instant (backwards is allowed).
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        epochMillis.set(instant.toEpochMilli());
    }

    /**
     * Moves the clock by the given amount (negative moves it back).
     *
     * @param amount how far to move
     * @return the new time
     */
    public Instant advance(Duration amount) {
        return Instant.ofEpochMilli(epochMillis.addAndGet(amount.toMillis()));
    }

    /**
     * Returns the current time in epoch milliseconds.
     *
     * @return the time
     */
    @Override
    public long millis() {
        return epochMillis.get();
    }

    /**
     * Returns the current time.
     *
     * @return the time
     */
    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(epochMillis.get());
    }

    /**
     * Returns UTC (or the zone given to {@link #withZone(ZoneId)}).
     *
     * @return the zone
     */
    @Override
    public ZoneId getZone() {
        return zone;
    }

    /**
     * Returns a view of this clock in another zone; moving either moves both.
     *
     * @param zone the zone
     * @return a clock sharing this clock's time
     */
    @Override
    public MutableClock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new MutableClock(epochMillis, zone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + instant() + "," + zone + "]";
    }
}
