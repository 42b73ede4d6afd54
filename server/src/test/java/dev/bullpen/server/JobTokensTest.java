package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JobTokensTest {
  private static final byte[] SECRET = Secured.SECRET.getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static JobTokens at(Instant t) {
    return JobTokens.of(SECRET, Clock.fixed(t, ZoneOffset.UTC));
  }

  @Test
  void aTokenOpensItsJobUntilItExpires() {
    String t = at(NOW).mint("videos", "42", Duration.ofHours(1));
    assertThat(at(NOW).verify(t, "videos", "42")).isTrue();
    assertThat(at(NOW.plusSeconds(3600)).verify(t, "videos", "42")).isTrue();
    assertThat(at(NOW.plusSeconds(3601)).verify(t, "videos", "42")).isFalse();
  }

  @Test
  void aTokenOpensNoOtherJobQueueScopeOrSecret() {
    JobTokens tokens = at(NOW);
    String t = tokens.mint("videos", "42", Duration.ofHours(1));
    assertThat(tokens.verify(t, "videos", "43")).isFalse();
    assertThat(tokens.verify(t, "videos4", "2")).as("fields cannot shift").isFalse();
    assertThat(tokens.verify(t, "audio", "42")).isFalse();
    assertThat(tokens.verify(JobTokens.SCOPE_STREAM, t, "videos", "42")).isFalse();
    String stream = tokens.mintStream("videos", "42", Duration.ofMinutes(1));
    assertThat(tokens.verify(stream, "videos", "42")).as("a stream token is no job token")
        .isFalse();
    assertThat(tokens.verify(JobTokens.SCOPE_STREAM, stream, "videos", "42")).isTrue();
    JobTokens other = JobTokens.of("another-secret-of-at-least-32-bytes-long".getBytes(
        StandardCharsets.UTF_8), Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(other.verify(t, "videos", "42")).isFalse();
  }

  @Test
  void malformedOrExtendedTokensAreRefused() {
    JobTokens tokens = at(NOW);
    String t = tokens.mint("videos", "42", Duration.ofHours(1));
    String later = (Long.parseLong(t.substring(0, t.indexOf('.'))) + 86400)
        + t.substring(t.indexOf('.'));
    assertThat(tokens.verify(later, "videos", "42")).as("expiry moved").isFalse();
    for (String bad : new String[] {"", ".", "x.y", "123", "123.", "-1.abc", "1.!!!!",
        t + "A", t.substring(1), "9".repeat(30) + ".AAAA", null}) {
      assertThat(tokens.verify(bad, "videos", "42")).as(bad).isFalse();
    }
  }

  @Test
  void secretsAndLifetimesAreChecked() {
    assertThatThrownBy(() -> JobTokens.of("short")).hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> at(NOW).mint("q", "1", Duration.ZERO))
        .hasMessageContaining("1 s to 366 days");
    assertThatThrownBy(() -> at(NOW).mint("q", "1", Duration.ofDays(400)))
        .hasMessageContaining("366 days");
    assertThatThrownBy(() -> at(NOW).mint("", "1", Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
