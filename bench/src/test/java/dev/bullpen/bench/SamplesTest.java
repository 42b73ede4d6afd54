package dev.bullpen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplesTest {
  @Test
  void percentilesAreNearestRank() {
    Samples s = new Samples();
    for (int i = 100; i >= 1; i--) {
      s.add(i);
    }
    Map<String, Object> m = s.summary();
    assertThat(m).containsEntry("n", 100).containsEntry("p50", 50.0).containsEntry("p95", 95.0)
        .containsEntry("p99", 99.0).containsEntry("max", 100.0);
  }

  @Test
  void smallSamplesUseCeilingIndex() {
    double[] sorted = {1, 2, 3};
    assertThat(Samples.percentile(sorted, 50)).isEqualTo(2.0);
    assertThat(Samples.percentile(sorted, 99)).isEqualTo(3.0);
    assertThat(Samples.percentile(new double[0], 50)).isNull();
  }

  @Test
  void anEmptySampleHasNullPercentiles() {
    assertThat(new Samples().summary()).containsEntry("n", 0).containsEntry("p99", null);
  }

  @Test
  void growsPastItsInitialCapacityAndRoundsToMicroseconds() {
    Samples s = new Samples();
    for (int i = 0; i < 5000; i++) {
      s.add(1.23456);
    }
    assertThat(s.size()).isEqualTo(5000);
    assertThat(s.summary()).containsEntry("p50", 1.235);
  }
}
