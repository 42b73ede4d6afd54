package dev.bullpen.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Clocks and CPU counters of this host and process, as the Node harness reads them. */
final class Host {
  /** Jiffies per second in /proc (USER_HZ, 100 on Linux, as the Node harness assumes). */
  private static final int HZ = 100;
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private Host() {}

  /**
   * Wall clock in epoch milliseconds with microsecond resolution, comparable across processes
   * on one host (Node: {@code performance.timeOrigin + performance.now()}).
   */
  static double nowMs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1000.0 + now.getNano() / 1_000_000.0;
  }

  /** CPU time of this whole JVM (all threads, incl. GC and JIT) in ms. */
  static double processCpuMs() {
    return OS.getProcessCpuTime() / 1_000_000.0;
  }

  /** Whole-machine jiffies from the first line of /proc/stat. */
  record MachineTicks(long idle, long total, long steal) {}

  static MachineTicks machineTicks() {
    try {
      String first = Files.readString(Path.of("/proc/stat"), StandardCharsets.US_ASCII)
          .lines().findFirst().orElse("").trim();
      String[] f = first.split("\\s+");
      long total = 0;
      long[] v = new long[f.length - 1];
      for (int i = 1; i < f.length; i++) {
        v[i - 1] = Long.parseLong(f[i]);
        total += v[i - 1];
      }
      long idle = v[3] + (v.length > 4 ? v[4] : 0);
      return new MachineTicks(idle, total, v.length > 7 ? v[7] : 0);
    } catch (IOException | RuntimeException e) {
      return new MachineTicks(0, 0, 0);
    }
  }

  /** utime+stime of another process from /proc/PID/stat in ms, or null when unreadable. */
  static Double pidCpuMs(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / HZ;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Sleeps, keeping the interrupt flag. */
  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
