package dev.bullpen.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.internal.CommandStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisClientFiguresTest {
  @Test
  void percentilesAreTheUpperBoundsOfTheirBuckets() {
    CommandStats stats = new CommandStats(() -> 5_000_000L);
    for (int i = 0; i < 98; i++) {
      stats.record(300_000); // 0.3 ms: the 0.5 ms bucket
    }
    stats.record(40_000_000); // 40 ms: the 50 ms bucket
    stats.record(8_000_000_000L); // 8 s: beyond the last bound
    RedisClientFigures f = RedisClientFigures.of(stats.figures(), null, 0, Double.NaN, null);
    assertThat(f.p50()).isEqualTo(Duration.ofNanos(500_000));
    assertThat(f.p99()).isEqualTo(Duration.ofMillis(50));
    assertThat(f.commands()).isEqualTo(100);
    assertThat(f.latency().get(f.latency().size() - 1).upTo()).isNull();
    assertThat(f.latency().get(f.latency().size() - 1).count()).isEqualTo(1);
    assertThat(f.slowestLastMinute()).isEqualTo(Duration.ofSeconds(8));
    assertThat(f.slowLastMinute()).isEqualTo(1);
  }

  @Test
  void noCommandsYetMeansZeroes() {
    RedisClientFigures f = RedisClientFigures.of(new CommandStats().figures(), null, 0,
        Double.NaN, null);
    assertThat(f.p50()).isZero();
    assertThat(f.meanLatency()).isZero();
    assertThat(f.circuit()).isNull();
  }
}
