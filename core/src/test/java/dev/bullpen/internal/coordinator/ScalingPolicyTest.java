package dev.bullpen.internal.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bullpen.internal.coordinator.ScalingPolicy.Decision;
import dev.bullpen.internal.coordinator.ScalingPolicy.Input;
import org.junit.jupiter.api.Test;

/** The autoscaler's policy, decision by decision. */
class ScalingPolicyTest {
  private static final long DELAY = 60_000;

  private static Decision decide(long backlog, double rate, int current, int others, int min,
      int max, long now, long lowSince) {
    return ScalingPolicy.decide(new Input(backlog, rate, 30, current, others, min, max, now,
        lowSince, DELAY));
  }

  @Test
  void neededWorkersEmptyTheBacklogWithinTheDrainTime() {
    assertThat(ScalingPolicy.needed(0, 1, 30)).isZero();
    assertThat(ScalingPolicy.needed(1, 1, 30)).isEqualTo(1);
    assertThat(ScalingPolicy.needed(30, 1, 30)).isEqualTo(1);
    assertThat(ScalingPolicy.needed(31, 1, 30)).isEqualTo(2);
    assertThat(ScalingPolicy.needed(300, 2, 30)).isEqualTo(5);
    assertThat(ScalingPolicy.needed(Long.MAX_VALUE, 1e-6, 1)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void growsAtOnceUpToMax() {
    assertThat(decide(120, 1, 1, 0, 1, 10, 0, -1)).isEqualTo(new Decision(4, 4, -1));
    assertThat(decide(10_000, 1, 1, 0, 1, 10, 0, -1)).isEqualTo(new Decision(10, 10, -1));
  }

  @Test
  void takesOnlyTheRoomOtherProcessesLeft() {
    // The queue needs 10; another process runs 7 of max 8: this one may run 1 more... its own 1.
    assertThat(decide(10_000, 1, 1, 7, 1, 8, 0, -1)).isEqualTo(new Decision(8, 1, -1));
    // Others run 3 of the 4 needed: one is enough here.
    assertThat(decide(120, 1, 0, 3, 0, 10, 0, -1)).isEqualTo(new Decision(4, 1, -1));
  }

  @Test
  void keepsItsMinimumEvenWhenOthersFillMax() {
    assertThat(decide(10_000, 1, 2, 10, 2, 10, 0, -1).size()).isEqualTo(2);
    assertThat(decide(0, 1, 2, 0, 2, 10, 0, -1)).isEqualTo(new Decision(2, 2, -1));
  }

  @Test
  void shrinksOnlyAfterTheNeedStayedLowerForTheDelay() {
    Decision first = decide(0, 1, 6, 0, 1, 10, 1_000, -1);
    assertThat(first).isEqualTo(new Decision(1, 6, 1_000));
    Decision stillWaiting = decide(0, 1, 6, 0, 1, 10, 1_000 + DELAY - 1, first.lowSinceMs());
    assertThat(stillWaiting).isEqualTo(new Decision(1, 6, 1_000));
    Decision shrinks = decide(0, 1, 6, 0, 1, 10, 1_000 + DELAY, stillWaiting.lowSinceMs());
    assertThat(shrinks).isEqualTo(new Decision(1, 1, -1));
  }

  @Test
  void aReturningBacklogCancelsAPendingShrink() {
    Decision pending = decide(0, 1, 6, 0, 1, 10, 1_000, -1);
    Decision back = decide(180, 1, 6, 0, 1, 10, 2_000, pending.lowSinceMs());
    assertThat(back).isEqualTo(new Decision(6, 6, -1));
    Decision again = decide(0, 1, 6, 0, 1, 10, 1_000 + DELAY, back.lowSinceMs());
    assertThat(again.size()).as("the delay starts over").isEqualTo(6);
  }

  @Test
  void givesBackAtOnceWhenOverTheQueueWideCap() {
    // Others grew to 8 of max 10 while this process ran 5: the room is 2.
    assertThat(decide(10_000, 1, 5, 8, 1, 10, 0, -1)).isEqualTo(new Decision(10, 2, -1));
  }
}
