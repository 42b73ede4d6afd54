package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  @Test
  void readsUnitsBareMillisecondsAndIso() {
    assertThat(DurationConverter.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationConverter.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("250")).isEqualTo(Duration.ofMillis(250));
    assertThat(DurationConverter.parse("PT3S")).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void rejectsGarbageWithExamples() {
    assertThatThrownBy(() -> DurationConverter.parse("soon"))
        .isInstanceOf(TypeConversionException.class).hasMessageContaining("examples");
  }
}
