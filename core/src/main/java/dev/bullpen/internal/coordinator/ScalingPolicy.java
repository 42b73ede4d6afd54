package dev.bullpen.internal.coordinator;

/**
 * The autoscaler's decision, as a pure function (unit-tested without Redis).
 *
 * <p>Policy: the queue needs {@code ceil(backlog / (ratePerWorker × drainSeconds))} workers in
 * total to empty its backlog within the drain target, clamped to [min, max]. This process's share
 * is that total minus what the other processes run, kept within [min, max − others] (min wins
 * when the two cross: every process keeps its floor). Scaling up happens at once; scaling down
 * only after the share has stayed below the current size for {@code scaleDownDelayMs} (the
 * hysteresis that stops a pool from flapping on a backlog that comes and goes), and then straight
 * to the share.
 */
public final class ScalingPolicy {
  private ScalingPolicy() {}

  /** What the decision needs. {@code lowSinceMs} is -1 unless a scale-down is pending. */
  public record Input(long backlog, double ratePerWorker, double drainSeconds, int current, int others,
      int min, int max, long nowMs, long lowSinceMs, long scaleDownDelayMs) {}

  /** The queue-wide target, this process's new size, and the pending scale-down's start. */
  public record Decision(int target, int size, long lowSinceMs) {}

  public static int needed(long backlog, double ratePerWorker, double drainSeconds) {
    if (backlog <= 0) {
      return 0;
    }
    double perWorker = Math.max(1e-9, ratePerWorker * drainSeconds);
    double n = Math.ceil(backlog / perWorker);
    return n >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
  }

  public static Decision decide(Input in) {
    int target = Math.max(in.min(), Math.min(in.max(),
        needed(in.backlog(), in.ratePerWorker(), in.drainSeconds())));
    int room = Math.max(in.min(), in.max() - in.others());
    int share = Math.max(in.min(), Math.min(room, target - in.others()));
    if (share > in.current()) {
      return new Decision(target, share, -1);
    }
    if (share == in.current()) {
      return new Decision(target, share, -1);
    }
    if (in.current() > room) {
      // Over the queue-wide cap (others grew while this process held on): give back now.
      return new Decision(target, share, -1);
    }
    long since = in.lowSinceMs() < 0 ? in.nowMs() : in.lowSinceMs();
    if (in.nowMs() - since >= in.scaleDownDelayMs()) {
      return new Decision(target, share, -1);
    }
    return new Decision(target, in.current(), since);
  }
}
