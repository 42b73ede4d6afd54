package dev.bullpen;

import java.time.Duration;

/**
 * A worker in its own JVM, for tests that SIGKILL or SIGSTOP a worker process. It prints
 * "ACTIVE id" when a job starts and "DONE id" when its handler returns; the handler sleeps
 * {@code holdMs}.
 *
 * <p>Arguments: redisUri queue concurrency lockMs stalledMs holdMs
 */
public final class ChildWorkerMain {
  private ChildWorkerMain() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String queue = args[1];
    int concurrency = Integer.parseInt(args[2]);
    long lockMs = Long.parseLong(args[3]);
    long stalledMs = Long.parseLong(args[4]);
    long holdMs = Long.parseLong(args[5]);
    Bullpen bp = Bullpen.connect(uri);
    bp.worker(queue, Object.class, job -> {
      System.out.println("ACTIVE " + job.id());
      System.out.flush();
      Thread.sleep(holdMs);
      System.out.println("DONE " + job.id());
      System.out.flush();
      return "child";
    }, WorkerOptions.builder().concurrency(concurrency).lockDuration(Duration.ofMillis(lockMs))
        .stalledInterval(Duration.ofMillis(stalledMs)).drainDelay(Duration.ofMillis(500))
        .build());
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
