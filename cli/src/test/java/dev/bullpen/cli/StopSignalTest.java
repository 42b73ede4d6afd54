package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopSignalTest {
  @Test
  void waitsUntilTheTimeRunsOut() throws InterruptedException {
    try (StopSignal stop = StopSignal.install(why -> {})) {
      assertThat(stop.await(Duration.ofMillis(50))).isFalse();
      assertThat(stop.signalled()).isFalse();
    }
  }

  @Test
  void aSignalEndsTheWaitAndIsAnnouncedOnce() throws InterruptedException {
    List<String> told = new ArrayList<>();
    try (StopSignal stop = StopSignal.install(told::add)) {
      new Thread(() -> stop.trigger("SIGINT")).start();

      assertThat(stop.await(Duration.ofSeconds(5))).isTrue();
      assertThat(stop.await(null)).isTrue();
      assertThat(told).containsExactly("SIGINT");
    }
  }
}
