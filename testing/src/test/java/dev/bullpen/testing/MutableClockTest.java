package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MutableClockTest {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void standsStillUntilMoved() {
        MutableClock clock = MutableClock.at(START);
        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(clock.instant()).isEqualTo(START);
    }

    @Test
    void advancesAndSets() {
        MutableClock clock = MutableClock.at(START);
        assertThat(clock.advance(Duration.ofSeconds(90))).isEqualTo(START.plusSeconds(90));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(90));
        clock.advance(Duration.ofMillis(-500));
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli() + 89_500);
        clock.set(START.minusSeconds(3600));
        assertThat(clock.instant()).isEqualTo(START.minusSeconds(3600));
    }

    @Test
    void truncatesToMilliseconds() {
        MutableClock clock = MutableClock.at(START.plusNanos(1_234_567));
        assertThat(clock.instant()).isEqualTo(START.plusMillis(1));
    }

    @Test
    void nowStartsNearTheSystemTime() {
        long before = System.currentTimeMillis();
        MutableClock clock = MutableClock.now();
        assertThat(clock.millis()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void withZoneSharesTheTime() {
        MutableClock clock = MutableClock.at(START);
        MutableClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
        clock.advance(Duration.ofMinutes(1));
        assertThat(paris.instant()).isEqualTo(START.plusSeconds(60));
    }

    @Test
    void isThreadSafe() throws InterruptedException {
        MutableClock clock = MutableClock.at(START);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    clock.advance(Duration.ofMillis(1));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(clock.instant()).isEqualTo(START.plusMillis(80_000));
    }
}
