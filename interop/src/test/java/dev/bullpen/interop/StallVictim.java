package dev.bullpen.interop;

import dev.bullpen.Bullpen;
import dev.bullpen.WorkerOptions;
import java.time.Duration;

/**
 * The Java worker that {@link StalledJobParityIT} SIGKILLs mid-job: a separate JVM with one
 * Bullpen worker per queue (public API, short lock of {@code lockMs}, renewed while it lives)
 * whose handler never returns. With {@code checkMs} 0 it runs no stalled check of its own;
 * otherwise it checks every {@code checkMs} with {@code maxStalled} (so it can first recover a
 * job another worker left, then die with it). Prints {@code {"active":"<queue>/<id>"}} per job
 * taken and exits by itself after two minutes in case nobody kills it.
 *
 * <pre>java -cp ... dev.bullpen.interop.StallVictim redis://127.0.0.1:PORT lockMs checkMs
 *     maxStalled queue...</pre>
 */
public final class StallVictim {
  private StallVictim() {}

  public static void main(String[] args) throws InterruptedException {
    Thread deadline = new Thread(() -> {
      try {
        Thread.sleep(120_000);
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("StallVictim: not killed within 2 minutes");
      Runtime.getRuntime().halt(2);
    });
    deadline.setDaemon(true);
    deadline.start();
    Bullpen bullpen = Bullpen.builder().uri(args[0]).checkServer(false).build();
    Duration lock = Duration.ofMillis(Long.parseLong(args[1]));
    long checkMs = Long.parseLong(args[2]);
    WorkerOptions.Builder options = WorkerOptions.builder().lockDuration(lock);
    if (checkMs == 0) {
      options.skipStalledCheck(true);
    } else {
      options.stalledInterval(Duration.ofMillis(checkMs))
          .maxStalledCount(Integer.parseInt(args[3]));
    }
    for (int i = 4; i < args.length; i++) {
      String queue = args[i];
      bullpen.worker(queue, Object.class, job -> {
        System.out.println("{\"active\":\"" + queue + "/" + job.id() + "\"}");
        System.out.flush();
        Thread.sleep(600_000);
        return null;
      }, options.build());
    }
    System.out.println("{\"ready\":true}");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
