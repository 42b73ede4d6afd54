package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParamsTest {
  private static final Duration MAX = Duration.ofSeconds(60);

  @Test
  void waitForChangeTakesSecondsMillisAndMinutesUpToTheMaximum() {
    assertThat(Params.waitForChange("30s", MAX)).isEqualTo(Duration.ofSeconds(30));
    assertThat(Params.waitForChange("30", MAX)).isEqualTo(Duration.ofSeconds(30));
    assertThat(Params.waitForChange("500ms", MAX)).isEqualTo(Duration.ofMillis(500));
    assertThat(Params.waitForChange("1m", MAX)).isEqualTo(Duration.ofMinutes(1));
    assertThat(Params.waitForChange("0", MAX)).isZero();
    assertThatThrownBy(() -> Params.waitForChange("61s", MAX)).hasMessageContaining("at most");
    assertThatThrownBy(() -> Params.waitForChange("-1s", MAX)).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> Params.waitForChange("1h", MAX)).isInstanceOf(ApiError.class);
  }

  @Test
  void etagsAreReadFromListsWithWeakPrefixesAndQuotes() {
    assertThat(Params.etags("\"a\", W/\"b\" ,c")).containsExactly("a", "b", "c");
    assertThat(Params.etags(null)).isEmpty();
  }

  @Test
  void namesWithColonsOrControlCharactersAreRefused() {
    assertThatThrownBy(() -> Params.queue("a:b")).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> Params.jobId("a\nb")).isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> Params.jobId("x".repeat(1025))).isInstanceOf(ApiError.class);
    assertThat(Params.queue("videos")).isEqualTo("videos");
  }

  @Test
  void addRequestsMapBullmqStyleOptions() {
    AddRequest r = AddRequest.parse("{\"name\":\"n\",\"data\":[1],\"options\":{\"jobId\":\"o-1\","
        + "\"delay\":1500,\"attempts\":4,\"backoff\":2000,\"removeOnComplete\":true,"
        + "\"removeOnFail\":{\"age\":3600}}}");
    assertThat(r.name()).isEqualTo("n");
    assertThat(r.data()).isEqualTo(java.util.List.of(1));
    assertThat(r.options().jobId()).isEqualTo("o-1");
    assertThat(r.options().delay()).isEqualTo(Duration.ofMillis(1500));
    assertThat(r.options().attempts()).isEqualTo(4);
    assertThat(r.options().backoff().type()).isEqualTo("fixed");
    assertThat(r.options().removeOnComplete().count()).isZero();
    assertThat(r.options().removeOnFail().ageSeconds()).isEqualTo(3600);
    assertThat(AddRequest.parse("{\"name\":\"n\"}").data()).isEqualTo(java.util.Map.of());
  }
}
