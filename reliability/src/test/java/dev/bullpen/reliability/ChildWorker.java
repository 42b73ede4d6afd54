package dev.bullpen.reliability;

import dev.bullpen.Bullpen;
import dev.bullpen.Job;
import dev.bullpen.WorkerListener;
import dev.bullpen.WorkerOptions;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A worker in its own JVM, so that tests can SIGKILL or SIGSTOP it. Its handler prints
 * {@code ACTIVE n id} when it starts a job (n is the {@link JobLedger} key), sleeps
 * {@code holdMs}, prints {@code DONE n id} and returns n. Errors the worker reports (a finish
 * rejected because the lock was lost, Redis unavailable) print as {@code ERROR ...}, lost locks
 * as {@code LOCKLOST id}. {@code READY} once the worker runs.
 *
 * <p>Arguments: redisUri queue concurrency lockMs stalledMs holdMs
 */
public final class ChildWorker {
  private ChildWorker() {}

  /** Runs the worker until the process is killed. */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    String uri = args[0];
    String queue = args[1];
    int concurrency = Integer.parseInt(args[2]);
    long lockMs = Long.parseLong(args[3]);
    long stalledMs = Long.parseLong(args[4]);
    long holdMs = Long.parseLong(args[5]);
    Bullpen bp = Bullpen.builder().uri(uri).commandTimeout(Duration.ofSeconds(1)).build();
    bp.worker(queue, Object.class, (Job<Object> job) -> {
      long n = JobLedger.key(job);
      out.println("ACTIVE " + n + " " + job.id());
      Thread.sleep(holdMs);
      out.println("DONE " + n + " " + job.id());
      return n;
    }, WorkerOptions.builder().concurrency(concurrency).lockDuration(Duration.ofMillis(lockMs))
        .stalledInterval(Duration.ofMillis(stalledMs)).drainDelay(Duration.ofMillis(500))
        .build()).addListener(new WorkerListener<>() {
          @Override
          public void onLockLost(String jobId) {
            out.println("LOCKLOST " + jobId);
          }

          @Override
          public void onError(Throwable error) {
            out.println("ERROR " + error.getClass().getSimpleName() + ": " + error.getMessage());
          }
        });
    out.println("READY");
    Thread.sleep(Long.MAX_VALUE);
  }
}
