package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoPrinterTest {
  @Test
  void progressShowsPercentAndStage() {
    assertThat(DemoPrinter.progress("25")).isEqualTo("25%");
    assertThat(DemoPrinter.progress("{\"stage\":\"TRANSCODING\",\"percent\":50}"))
        .isEqualTo("50% TRANSCODING");
    assertThat(DemoPrinter.progress("{\"percent\":75,\"stage\":\"THUMBNAILS\"}"))
        .isEqualTo("75% THUMBNAILS");
    assertThat(DemoPrinter.progress("{\"other\":true}")).isEqualTo("{\"other\":true}");
  }
}
