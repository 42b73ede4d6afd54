package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  private final AtomicLong nanos = new AtomicLong();

  @Test
  void aBurstPassesThenTheRateRefillsIt() {
    TokenBuckets b = new TokenBuckets(2, 3, nanos::get);
    assertThat(b.take("a")).isZero();
    assertThat(b.take("a")).isZero();
    assertThat(b.take("a")).isZero();
    assertThat(b.take("a")).as("retry after, seconds").isEqualTo(1);
    assertThat(b.take("b")).as("another key has its own bucket").isZero();
    nanos.addAndGet(500_000_000L); // half a second: one token at 2/s
    assertThat(b.take("a")).isZero();
    assertThat(b.take("a")).isEqualTo(1);
    nanos.addAndGet(60_000_000_000L);
    for (int i = 0; i < 3; i++) {
      assertThat(b.take("a")).as("refilled up to the burst only").isZero();
    }
    assertThat(b.take("a")).isEqualTo(1);
  }

  @Test
  void slowRatesAskForLongerWaitsAndZeroTurnsLimitsOff() {
    TokenBuckets slow = new TokenBuckets(0.1, 1, nanos::get);
    assertThat(slow.take("a")).isZero();
    assertThat(slow.take("a")).isEqualTo(10);
    TokenBuckets off = new TokenBuckets(0, 0, nanos::get);
    for (int i = 0; i < 1000; i++) {
      assertThat(off.take("a")).isZero();
    }
    assertThat(off.enabled()).isFalse();
  }

  @Test
  void memoryIsBoundedByTheCacheSize() {
    TokenBuckets b = new TokenBuckets(1, 1, nanos::get);
    for (int i = 0; i < TokenBuckets.MAX_KEYS + 5_000; i++) {
      b.take("ip:" + i);
    }
    assertThat(b.size()).isLessThanOrEqualTo(TokenBuckets.MAX_KEYS);
  }
}
